"""Escalate a ticket to the provider's operations management: the process checks (tier,
status, the first-response target, the service-task window), the exact message, and
delivery exactly once by a new request or a new message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ctlsupport.actions.results import Done
from ctlsupport.actions.session import Session
from ctlsupport.errors import MissingFields


@dataclass
class EscalateOptions:
    """What `escalate` was given."""

    request_id: int
    reason: str | None = None
    full_name: str | None = None
    route: str = "auto"  # auto: email, or a hand-off without a mail server
    yes: bool = False
    redact: bool = True  # False: --no-redact (known secrets are masked all the same)


def escalate(opts: EscalateOptions, state: Session) -> Done:
    """Check, compose and send one escalation; its result."""
    from ctlsupport.core import escalation

    profile = state.profile()
    escalation.check_allowed(profile.tier, "", opts.request_id)  # the tier, before any network
    ask = state.asker()
    name = (opts.full_name or profile.full_name or "").strip()
    reason = (opts.reason or "").strip()
    if not ask.interactive:
        absent = [
            flag for flag, value in (("--reason", reason), ("--full-name", name)) if not value
        ]
        if absent:
            raise MissingFields(
                f"missing required input: {', '.join(absent)}",
                hint="Pass them as flags, or run in a terminal without --no-input to be asked.",
                details={"missing": absent},
            )
    route = _route(opts, profile, state)
    client, request = _read_ticket(state, profile, opts.request_id, route)
    escalation.check_allowed(profile.tier, request.status if request else "", opts.request_id)
    notes, early = _timing(opts.request_id, request, profile.tier)
    for note in notes:
        state.notes.warn(note)
    # "Early" only warns: the process sets no waiting time before an escalation.
    asking = [n for n in notes if not (early and n.startswith("escalation is early"))]
    if ask.interactive:
        if not name:
            name = ask.text("Your full name", check=_required("your full name"))
        if not reason:
            reason = ask.text("Why does it need escalation?", check=_required("the reason"))
        if (asking and not opts.yes) and not ask.confirm("Escalate anyway?", default=False):
            from ctlsupport.errors import Cancelled

            raise Cancelled("cancelled; nothing was sent")
    from ctlsupport.core.outbound import Gate

    gate = Gate.for_profile(profile.name, profile.alias, redact=opts.redact)
    reason = gate.text(reason)  # the outbox and the history keep only what may be sent
    text = escalation.compose(
        ticket_id=opts.request_id,
        ticket_subject=request.subject if request else "",
        ticket_link=request.web_url if request else "",
        reason=reason,
        full_name=name,
        alias=profile.alias,
        priority=request.priority if request else None,
        created_at=request.created_at if request else "",
    )
    text.subject, text.body = gate.text(text.subject), gate.text(text.body)
    if route == "email":
        return _done(_send_email(state, profile, opts.request_id, text, reason))
    if route == "handoff":
        return _handoff(profile, opts.request_id, text)
    return _done(_send_api(state, client, profile, request, text, reason))


def _route(opts: EscalateOptions, profile, state: Session) -> str:
    """email by default; written for a person without a mail server; api only when asked,
    and then said to be an ordinary request (core/routing.py)."""
    from ctlsupport.core import routing

    explicit = None if opts.route == "auto" else opts.route
    can_mail = routing.can_send_mail(profile.smtp_host, profile.alias)
    choice = routing.escalation_route(explicit=explicit, can_mail=can_mail or explicit == "email")
    if choice.route in ("api", "handoff"):
        state.notes.warn(choice.reason)
    return choice.route


def _handoff(profile, request_id: int, text) -> Done:
    """The exact message as an .eml file and a mailto: link, for a person to send."""
    from ctlsupport.config import paths
    from ctlsupport.core import handoff, mailroutes

    to = mailroutes.resolve(profile.routes, kind="escalation").address
    folder = paths.ensure_private_dir(paths.data_dir() / "escalations")
    made = handoff.write(folder, alias=profile.alias, to=to, subject=text.subject,
                         body=text.body, name=f"escalation-{request_id}")  # fmt: skip
    data = {"route": "handoff", "original_id": request_id, "sent": False, **made.as_data()}
    lines = [
        f"Escalation of #{request_id} NOT sent (no mail server): written to {made.path}",
        f"  To: {made.to}  Subject: {made.subject}",
        f"  Next: {made.instructions()}",
    ]
    if made.mailto:
        lines.append(f"  {made.mailto}")
    return Done(data, lines)


def _timing(request_id: int, request, tier: str) -> tuple[list[str], str]:
    """The warnings about when this escalation is sent, and why it is early ("" if not)."""
    from ctlsupport.core import escalation
    from ctlsupport.core.sla import first_response_due

    now = datetime.now(UTC)
    due = first_response_due(request, tier) if request else None
    notes, early = [], ""
    if escalation.is_early(now, due):
        early = f"first response due {_local(due)}"
        notes.append(
            f"escalation is early: the first-response target of #{request_id} "
            f"({request.priority or 'normal'}, {tier}) is {_local(due)}"
        )
    if request and request.type == "task" and not escalation.in_task_ack_window(now):
        notes.append(
            "service-task escalations are acknowledged only 7:00-19:00 Pacific; this one "
            f"will be acknowledged from {escalation.next_task_ack(now):%a %Y-%m-%d %H:%M %Z}"
        )
    return notes, early


def _done(sent: dict) -> Done:
    ticket = sent["original_id"]
    if sent["route"] == "api":
        where, last = f"as request #{sent['escalation_id']}", sent["web_url"]
    else:
        where, last = f"by email to {sent['to']}", f"Message-ID {sent['message_id']}"
    return Done(sent, [f"Escalated #{ticket} {where}", f"  {sent['subject']}", f"  {last}"])


def _required(what: str):
    def check(value: str) -> str:
        from ctlsupport.core.validate import FieldInvalid

        if not value.strip():
            raise FieldInvalid(f"{what} must not be empty")
        return value.strip()

    return check


def _local(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M %Z")


def _send_api(state: Session, client, profile, request, text, reason: str) -> dict:
    """A new request at the desk (type question), delivered exactly once."""
    from ctlsupport.actions.records import remember_escalation
    from ctlsupport.core import escalation
    from ctlsupport.core.delivery import RetryPolicy, deliver

    ref = escalation.new_reference()
    body = text.body + f"\nClient reference: {ref}\n"
    payload = {"request": {"subject": text.subject, "comment": {"body": body}, "type": "question"}}
    delivered = deliver(
        lambda: client.create_request(payload),
        lambda: client.find_by_reference(ref),
        policy=RetryPolicy.from_env(),
    )
    new = delivered.result
    remember_escalation(
        state, None, profile.name, request.id, route="api", reason=reason, escalation_id=new.id
    )
    return {
        "route": "api",
        "original_id": request.id,
        "escalation_id": new.id,
        "subject": new.subject,
        "web_url": new.web_url,
        "adopted": delivered.adopted,
    }


def _read_ticket(state: Session, profile, request_id: int, route: str):
    """(client, request) from the desk. By email, a partner without API access still
    escalates: the checks that need the ticket are skipped, and said so."""
    from ctlsupport.errors import AuthError, ConfigError, DeskUnreachable, KeyringUnavailable

    try:
        client = state.client(profile)
        return client, client.get_request(request_id)
    except (AuthError, ConfigError, DeskUnreachable, KeyringUnavailable) as exc:
        if route == "api":
            raise
        state.notes.warn(
            f"#{request_id} was not read from the desk ({exc.message}); escalating by email "
            "without checking its status or first-response target"
        )
        return None, None


def _send_email(state: Session, profile, request_id: int, text, reason: str) -> dict:
    """A NEW message to the escalation address, through the outbox (kept on failure)."""
    from ctlsupport.actions.mail_delivery import kept, ready, send_mail_one
    from ctlsupport.core import mailout, mailroutes
    from ctlsupport.errors import CtlError
    from ctlsupport.store import db
    from ctlsupport.store.mail_log import MailLog
    from ctlsupport.store.outbox import Outbox

    ready(profile)  # an incomplete email route fails before anything is queued
    route = mailroutes.resolve(profile.routes, kind="escalation")
    outbox = Outbox(db.connect())
    item = mailout.queue_escalation(
        outbox, MailLog(outbox.conn), profile.name, alias=profile.alias, route=route,
        ticket_id=request_id, subject=text.subject, body=text.body, reason=reason,
    )  # fmt: skip
    try:
        sent = send_mail_one(state, profile, outbox, item, None)
    except CtlError as exc:
        raise kept(exc, item) from None
    return {
        "route": "email",
        "original_id": request_id,
        "to": sent["to"],
        "subject": text.subject,
        "message_id": sent["message_id"],
        "client_ref": sent["client_ref"],
        "escalation_id": sent["id"],
    }
