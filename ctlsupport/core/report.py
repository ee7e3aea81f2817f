"""The service-level report: does the provider keep its promises to the team, and how does
the team work. Pure and exact: facts in (tickets with the provider's answers, escalations
with theirs), figures out; the clock and the period are passed in.

Rules (docs/report.md says the same to users):
- A ticket counts for the period when it was created inside it; escalation requests
  (`ESCALATION: Ticket - N`) are counted as escalations, not as tickets.
- First response: the provider's first public answer. Met when it came by the target of
  the tier and priority (around the clock); service tasks count working time only
  (Monday-Friday 9:00-17:00 Pacific, one business day = 8 working hours). Missed also
  when no answer came and the target has passed; "waiting" while it has not.
- Updates: the longest wait for the provider's next answer (between two answers and,
  while open, since the last), against the matrix's update promise.
- Restoration (urgent and high only): the provider's last public answer on a solved or
  closed ticket, against the matrix's restoration target.
- Median and 90th percentile by the nearest rank: the smallest time that at least half
  (nine tenths) of the answered tickets met. Always a time some ticket really took.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ctlsupport.core import priority as matrix
from ctlsupport.core.escalation import next_task_ack, ticket_of
from ctlsupport.core.report_time import BUSINESS_DAY_SECONDS, Period, business_seconds

MET, MISSED, WAITING, NO_TARGET, UNKNOWN = "met", "missed", "waiting", "no target", "unknown"
OPEN_STATUSES = ("new", "open", "pending", "hold")
DONE_STATUSES = ("solved", "closed")
PRIORITY_ORDER = ("urgent", "high", "normal", "low")
RESTORATION_PRIORITIES = ("urgent", "high")
TASK = "task"  # the row of service tasks, whatever their priority
BREAKDOWNS = ("priority", "customer", "engineer", "datacenter")
# Open tickets by age: (label, upper bound); the last bucket has no bound.
AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("< 1 day", timedelta(days=1)),
    ("1-3 days", timedelta(days=3)),
    ("3-7 days", timedelta(days=7)),
    ("7-30 days", timedelta(days=30)),
    ("30+ days", None),
)
ESCALATION_ANSWER = timedelta(minutes=15)  # the escalation team's promise


@dataclass(slots=True)  # not frozen: a frozen one is slow to build, 10,000 at a time
class TicketFacts:
    """What the report needs of one ticket (all times aware)."""

    id: int
    created: datetime
    status: str
    priority: str | None
    kind: str | None
    subject: str = ""
    customer: str = ""
    engineer: str = ""
    datacenter: str = ""
    first_reply: datetime | None = None
    restored: datetime | None = None
    last_answer: datetime | None = None  # the provider's last answer, while open
    update_gap: int | None = None  # the longest wait between two answers, seconds

    @property
    def escalation_of(self) -> int | None:
        """The ticket this request escalates, when it is an escalation request."""
        return ticket_of(self.subject)


@dataclass
class Stats:
    """Met and missed against one target, with the times of the answered tickets."""

    key: str
    target: str = ""
    target_seconds: int | None = None
    basis: str = "24x7"  # or "business hours"
    tickets: int = 0
    met: int = 0
    missed: int = 0
    waiting: int = 0
    unknown: int = 0
    median_seconds: int | None = None
    p90_seconds: int | None = None
    times: list[int] = field(default_factory=list, repr=False)

    def add(self, outcome: str, seconds: int | None) -> None:
        self.tickets += 1
        if outcome == MET:
            self.met += 1
        elif outcome == MISSED:
            self.missed += 1
        elif outcome == WAITING:
            self.waiting += 1
        else:
            self.unknown += 1
        if seconds is not None:
            self.times.append(seconds)

    def add_all(self, outcomes: list[str], times: list[int]) -> Stats:
        """Many tickets at once: their outcomes, and the times of those answered."""
        counts = Counter(outcomes)
        self.tickets += len(outcomes)
        self.met += counts.pop(MET, 0)
        self.missed += counts.pop(MISSED, 0)
        self.waiting += counts.pop(WAITING, 0)
        self.unknown += sum(counts.values())
        self.times.extend(times)
        return self

    def close(self) -> Stats:
        self.times.sort()
        self.median_seconds = nearest_rank(self.times, 50)
        self.p90_seconds = nearest_rank(self.times, 90)
        return self

    def as_data(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "times"} | {
            "answered": len(self.times)
        }


def nearest_rank(sorted_values: list[int], percent: int) -> int | None:
    """The nearest-rank percentile of sorted values (None when there are none)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(percent * len(sorted_values) / 100))
    return sorted_values[rank - 1]


@dataclass(slots=True)
class TicketFigures:
    """One ticket's figures (for --csv and --json)."""

    facts: TicketFacts
    response_seconds: int | None
    response_target_seconds: int | None
    response: str
    restoration_seconds: int | None = None
    restoration: str = ""
    escalations: int = 0
    update_gap_seconds: int | None = None
    updates: str = ""

    def as_data(self) -> dict:
        f = self.facts
        return {
            "id": f.id, "created_at": _stamp(f.created), "status": f.status,
            "priority": f.priority or "normal", "type": f.kind or "", "customer": f.customer,
            "engineer": f.engineer, "datacenter": f.datacenter,
            "first_reply_at": _stamp(f.first_reply), "response_seconds": self.response_seconds,
            "response_target_seconds": self.response_target_seconds,
            "first_response": self.response, "restored_at": _stamp(f.restored),
            "restoration_seconds": self.restoration_seconds, "restoration": self.restoration,
            "longest_update_gap_seconds": self.update_gap_seconds, "updates": self.updates,
            "escalations": self.escalations,
        }  # fmt: skip


@dataclass
class EscalationFigures:
    original_id: int
    request_id: int
    sent: datetime
    after_seconds: int | None  # the original ticket's age when it was escalated
    answered: datetime | None
    answer_seconds: int | None
    outcome: str

    def as_data(self) -> dict:
        return {
            "original_id": self.original_id, "request_id": self.request_id,
            "sent_at": _stamp(self.sent), "after_seconds": self.after_seconds,
            "answered_at": _stamp(self.answered), "answer_seconds": self.answer_seconds,
            "answer": self.outcome,
        }  # fmt: skip


@dataclass
class Group:
    """One line of a breakdown (by priority, customer, engineer or data center)."""

    key: str
    tickets: int = 0
    open: int = 0
    escalated: int = 0
    response: Stats = field(default_factory=lambda: Stats(""))

    def as_data(self) -> dict:
        r = self.response
        return {
            "key": self.key, "tickets": self.tickets, "open": self.open,
            "escalated": self.escalated, "first_response_met": r.met,
            "first_response_missed": r.missed, "median_seconds": r.median_seconds,
            "p90_seconds": r.p90_seconds,
        }  # fmt: skip


@dataclass
class Report:
    """Every figure of the report."""

    period: Period
    tier: str
    now: datetime
    by: str
    tickets: list[TicketFigures]
    first_response: list[Stats]
    restoration: list[Stats]
    updates: list[Stats]
    open_by_age: list[tuple[str, int]]
    escalations: list[EscalationFigures]
    escalation_answers: Stats
    escalated_tickets: int
    weeks: list[tuple[str, dict[str, int]]]
    breakdown: list[Group]

    def as_data(self) -> dict:
        count = len(self.tickets)
        return {
            "period": {"from": _stamp(self.period.start), "to": _stamp(self.period.end),
                       "time_zone": self.period.zone, "label": self.period.label},
            "tier": self.tier, "generated_at": _stamp(self.now),
            "totals": {"tickets": count, "escalated_tickets": self.escalated_tickets,
                       "escalation_rate": _share(self.escalated_tickets, count),
                       "open": sum(n for _, n in self.open_by_age)},
            "first_response": [s.as_data() for s in self.first_response],
            "restoration": [s.as_data() for s in self.restoration],
            "updates": [s.as_data() for s in self.updates],
            "open_by_age": [{"age": label, "tickets": n} for label, n in self.open_by_age],
            "escalations": {"answer": self.escalation_answers.as_data(),
                            "items": [e.as_data() for e in self.escalations]},
            "tickets_per_week": [{"week": w, **counts} for w, counts in self.weeks],
            "breakdown": {"by": self.by, "groups": [g.as_data() for g in self.breakdown]},
            "tickets": [t.as_data() for t in self.tickets],
        }  # fmt: skip


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _stamp(moment: datetime | None) -> str | None:
    """A time as the desk writes it (UTC, to the second), the form of every time printed."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


# -- the figures of one ticket -------------------------------------------------------------


class Targets:
    """The matrix's targets of one tier, read once (a report asks for them per ticket)."""

    def __init__(self, tier: str) -> None:
        self.tier = tier
        self.first: dict[str, int | None] = {}
        self._restore: dict[str, int | None] = {}
        self.updates: dict[str, tuple[str, int | None]] = {}
        for prio in PRIORITY_ORDER:
            found = matrix.target(tier, prio)
            self.first[prio] = int(found.first_response.total_seconds()) if found else None
            self._restore[prio] = _restoration_spec(found.restoration if found else "")
            text = found.updates if found else "none"
            self.updates[prio] = (text, _update_interval(text))

    def restoration_seconds(self, prio: str) -> int | None:
        """The restoration target in seconds, where the matrix gives it in hours (urgent
        and high: "4 h", "8 h", around the clock); None for business days."""
        return self._restore.get(prio)


_EVERY = re.compile(r"every (\d+) (min|days?)")


def _update_interval(text: str) -> int | None:
    """The matrix's update promise in seconds: "every 30 min", "hourly", "daily",
    "every 2 days" (what follows a comma, such as "status page", is where, not when)."""
    words = text.split(",")[0].strip()
    fixed = {"hourly": 3600, "daily": 86400}
    if words in fixed:
        return fixed[words]
    found = _EVERY.fullmatch(words)
    if not found:
        return None
    return int(found[1]) * (60 if found[2] == "min" else 86400)


def _restoration_spec(text: str) -> int | None:
    words = text.split()
    if len(words) == 2 and words[0].isdigit() and words[1] == "h":
        return int(words[0]) * 3600
    return None


def ticket_figures(
    facts: TicketFacts, targets: Targets, now: datetime, escalated: int = 0
) -> TicketFigures:
    """One ticket's figures: its first response, its updates and (urgent, high) its
    restoration. Written for speed: it runs once per ticket, 10,000 in a large report."""
    reply = facts.first_reply
    if facts.kind == TASK:
        seconds = business_seconds(facts.created, reply or now)
        outcome = _outcome(reply is not None, seconds, BUSINESS_DAY_SECONDS)
        answered = seconds if reply is not None else None
        return TicketFigures(facts, answered, BUSINESS_DAY_SECONDS, outcome, None, "", escalated)
    prio = facts.priority or "normal"
    target = targets.first.get(prio)
    if target is None:
        outcome, answered = NO_TARGET, _elapsed(facts.created, reply)
    else:
        seconds = int(((reply or now) - facts.created).total_seconds())
        if reply is not None:
            outcome, answered = (MET if seconds <= target else MISSED), seconds
        else:
            outcome, answered = (MISSED if seconds > target else WAITING), None
    figures = TicketFigures(facts, answered, target, outcome, None, "", escalated)
    if reply is not None:
        figures.updates, figures.update_gap_seconds = updates(facts, targets, now)
    if prio in RESTORATION_PRIORITIES:
        figures.restoration, figures.restoration_seconds = restoration(facts, targets, now)
    return figures


def updates(facts: TicketFacts, targets: Targets, now: datetime) -> tuple[str, int | None]:
    """(outcome, longest wait) of the provider's updates on an answered ticket: the longest
    wait between two answers in a row and, while the ticket is open, since the last one."""
    interval = targets.updates.get(facts.priority or "normal", ("", None))[1]
    gap = facts.update_gap or 0
    if facts.last_answer is not None:
        gap = max(gap, int((now - facts.last_answer).total_seconds()))
    if interval is None:
        return NO_TARGET, gap
    return (MET if gap <= interval else MISSED), gap


def restoration(facts: TicketFacts, targets: Targets, now: datetime) -> tuple[str, int | None]:
    """(outcome, seconds taken) of restoration, for urgent and high tickets."""
    target = targets.restoration_seconds(facts.priority or "normal")
    if target is None:
        return NO_TARGET, None
    if facts.status not in DONE_STATUSES:
        seconds = int((now - facts.created).total_seconds())
        return (MISSED if seconds > target else WAITING), None
    if facts.restored is None:
        return UNKNOWN, None
    seconds = int((facts.restored - facts.created).total_seconds())
    return (MET if seconds <= target else MISSED), seconds


def _elapsed(start: datetime, end: datetime | None) -> int | None:
    return None if end is None else max(0, int((end - start).total_seconds()))


def _outcome(done: bool, seconds: int | None, target: int) -> str:
    if seconds is None:
        return UNKNOWN
    if done:
        return MET if seconds <= target else MISSED
    return MISSED if seconds > target else WAITING


def escalation_answer_due(sent: datetime, task: bool) -> datetime:
    """When the escalation team's answer is due: 15 minutes, service tasks from the next
    acknowledgement window (7:00-19:00 Pacific)."""
    return (next_task_ack(sent) if task else sent) + ESCALATION_ANSWER
