"""Escalation and service-task rules: who may escalate, when it is early, when it is
acknowledged, and what the escalation says. Pure functions; the clock is passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ctlsupport.errors import InvalidInput

PACIFIC = ZoneInfo("America/Los_Angeles")
# Service-task escalations are acknowledged only in this window, Pacific time, every day.
TASK_ACK_START, TASK_ACK_END = time(7, 0), time(19, 0)
# Service tasks are estimated and worked Monday-Friday in this window, Pacific time.
TASK_WORK_START, TASK_WORK_END = time(9, 0), time(17, 0)
SUBJECT_PREFIX = "ESCALATION: Ticket - "
CLOSED = "closed"
PAID_TIERS = ("professional", "enterprise")


class EscalationRefused(InvalidInput):
    code = "escalation_refused"


def new_reference() -> str:
    """The client reference of one escalation, found again in its body at the desk."""
    import uuid

    return f"ctlsupport-esc-{uuid.uuid4().hex[:16]}"


def subject(ticket_id: int) -> str:
    """The subject the provider's escalation automation expects, exactly."""
    return f"{SUBJECT_PREFIX}{ticket_id}"


def ticket_of(text: str) -> int | None:
    """The ticket an escalation's subject names (`ESCALATION: Ticket - N`), else None."""
    if not text.startswith(SUBJECT_PREFIX):
        return None
    number = text[len(SUBJECT_PREFIX) :].strip()
    return int(number) if number.isdigit() else None


def check_allowed(tier: str, status: str, ticket_id: int) -> None:
    """Refuse the Developer tier (no paid support) and closed tickets."""
    if tier.strip().lower() not in PAID_TIERS:
        raise EscalationRefused(
            f"escalation needs a paid support tier; this profile's tier is {tier or 'unset'!r}",
            hint="Only Professional and Enterprise customers may escalate: "
            "`ctlsupport config set tier professional` if the profile is wrong.",
        )
    if status == CLOSED:
        raise EscalationRefused(
            f"ticket #{ticket_id} is closed and cannot be escalated",
            hint="Open a new ticket (a follow-up) that refers to it instead.",
        )


def parse_time(text: str) -> datetime:
    """A desk timestamp (`2025-03-04T09:20:11Z`) as an aware UTC datetime."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_early(now: datetime, first_response_due: datetime | None) -> bool:
    """Whether the first-response target has not passed yet (escalating is early)."""
    return first_response_due is not None and now < first_response_due


def in_task_ack_window(now: datetime) -> bool:
    """Whether a service-task escalation is acknowledged now (7:00-19:00 Pacific)."""
    local = now.astimezone(PACIFIC).time()
    return TASK_ACK_START <= local < TASK_ACK_END


def next_task_ack(now: datetime) -> datetime:
    """When a service-task escalation sent now is acknowledged (aware, Pacific)."""
    local = now.astimezone(PACIFIC)
    if in_task_ack_window(now):
        return local
    day = local.date() if local.time() < TASK_ACK_START else local.date() + timedelta(days=1)
    return datetime.combine(day, TASK_ACK_START, tzinfo=PACIFIC)


def _is_business_day(day: datetime) -> bool:
    return day.weekday() < 5


def next_business_start(now: datetime) -> datetime:
    """The start of the next service-task working period (now, when inside one)."""
    local = now.astimezone(PACIFIC)
    if _is_business_day(local) and TASK_WORK_START <= local.time() < TASK_WORK_END:
        return local
    day = local.date()
    if local.time() >= TASK_WORK_END or not _is_business_day(local):
        day += timedelta(days=1)
    while datetime.combine(day, time(12), tzinfo=PACIFIC).weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, TASK_WORK_START, tzinfo=PACIFIC)


def task_estimate_due(now: datetime) -> datetime:
    """By when the provider replies with an estimate: one business day of working hours
    (Monday-Friday 9:00-17:00 Pacific) after the task arrives."""
    start = next_business_start(now)
    day = start.date() + timedelta(days=1)
    while datetime.combine(day, time(12), tzinfo=PACIFIC).weekday() >= 5:
        day += timedelta(days=1)
    # The same time of day, one business day later (zoneinfo handles DST on the way).
    return datetime.combine(day, start.time(), tzinfo=PACIFIC)


@dataclass
class EscalationText:
    """The new request (or message) that escalates a ticket: never a forward."""

    subject: str
    body: str


def compose(
    *,
    ticket_id: int,
    ticket_subject: str,
    ticket_link: str,
    reason: str,
    full_name: str,
    alias: str = "",
    priority: str | None = None,
    created_at: str = "",
) -> EscalationText:
    """Subject `ESCALATION: Ticket - <ID>` and a body that says why, and who asks."""
    if not reason.strip():
        raise InvalidInput("an escalation needs a reason", hint="Pass --reason TEXT.")
    if not full_name.strip():
        raise InvalidInput(
            "an escalation must carry your full name",
            hint="Set it with `ctlsupport setup` or `ctlsupport config set full_name ...`.",
        )
    # Subject and link may be unknown: a partner without API access escalates by email.
    lines = [
        f"Escalation of ticket #{ticket_id}" + (f": {ticket_subject}" if ticket_subject else "")
    ]
    if ticket_link:
        lines.append(f"Ticket: {ticket_link}")
    if priority:
        lines.append(f"Priority: {priority}")
    if created_at:
        lines.append(f"Opened: {created_at}")
    lines += ["", "Why it needs escalation:", reason.strip(), ""]
    lines.append("Questions can be asked on the original ticket; someone is available to answer.")
    lines += ["", "--", full_name.strip()]
    if alias:
        lines.append(f"Partner support ({alias})")
    return EscalationText(subject=subject(ticket_id), body="\n".join(lines) + "\n")


def due_at(day: str) -> str:
    """A `--due YYYY-MM-DD` as the end of that working day, Pacific, in desk form (UTC)."""
    try:
        date = datetime.strptime(day.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput(f"--due must be a date as YYYY-MM-DD, not {day!r}") from None
    end = datetime.combine(date, TASK_WORK_END, tzinfo=PACIFIC).astimezone(UTC)
    return end.strftime("%Y-%m-%dT%H:%M:%SZ")
