"""From the facts of a team's tickets to every figure of the report (see core/report.py
for the rules). A few passes over the tickets; no terminal, no HTTP, no clock of its own."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from operator import attrgetter

from ctlsupport.core import priority as matrix
from ctlsupport.core.escalation import SUBJECT_PREFIX
from ctlsupport.core.report import (
    AGE_BUCKETS,
    BREAKDOWNS,
    MET,
    MISSED,
    OPEN_STATUSES,
    PRIORITY_ORDER,
    RESTORATION_PRIORITIES,
    TASK,
    WAITING,
    EscalationFigures,
    Group,
    Report,
    Stats,
    Targets,
    TicketFacts,
    TicketFigures,
    escalation_answer_due,
    ticket_figures,
)
from ctlsupport.core.report_time import Period, week_start
from ctlsupport.errors import UsageError

NONE_KEY = "(none)"


def build(
    facts: Iterable[TicketFacts],
    *,
    tier: str,
    period: Period,
    now: datetime,
    by: str = "priority",
) -> Report:
    """Every figure of the report for the tickets created in `period` (and every open one,
    for the ages)."""
    if by not in BREAKDOWNS:
        raise UsageError(f"--by must be one of {', '.join(BREAKDOWNS)}")
    tickets: list[TicketFacts] = []
    open_ages: list[timedelta] = []
    escalation_requests: list[TicketFacts] = []
    start, end = period.start, period.end
    for item in facts:
        created = item.created
        if item.subject.startswith(SUBJECT_PREFIX) and item.escalation_of is not None:
            if start <= created < end:
                escalation_requests.append(item)
            continue
        if item.status in OPEN_STATUSES:
            open_ages.append(now - created)
        if start <= created < end:
            tickets.append(item)
    tickets.sort(key=attrgetter("created", "id"))
    known = {t.id: t for t in tickets}
    escalations = _escalations(escalation_requests, known, now)
    escalated = {e.original_id for e in escalations}
    count = Counter(e.original_id for e in escalations)
    targets = Targets(tier)
    per_ticket = [ticket_figures(t, targets, now, count.get(t.id, 0)) for t in tickets]
    answers = Stats("escalation", "15 min (tasks: from 7:00 Pacific)", 15 * 60)
    for esc in escalations:
        answers.add(esc.outcome, esc.answer_seconds)
    return Report(
        period=period,
        tier=tier,
        now=now,
        by=by,
        tickets=per_ticket,
        first_response=_first_response_rows(per_ticket, tier),
        restoration=_restoration_rows(per_ticket, tier),
        updates=_updates_rows(per_ticket, targets),
        open_by_age=_ages(open_ages),
        escalations=escalations,
        escalation_answers=answers.close(),
        escalated_tickets=len(escalated & known.keys()),
        weeks=_weeks(tickets, period),
        breakdown=_breakdown(per_ticket, by, escalated),
    )


def _row_key(figures: TicketFigures) -> str:
    return TASK if figures.facts.kind == TASK else figures.facts.priority or "normal"


def _first_response_rows(per_ticket: list[TicketFigures], tier: str) -> list[Stats]:
    """One row per priority (in the matrix's order) and one for service tasks."""
    rows: dict[str, Stats] = {}
    for key in (*PRIORITY_ORDER, TASK):
        if key == TASK:
            rows[key] = Stats(key, "1 business day", 8 * 3600, "business hours")
            continue
        found = matrix.target(tier, key)
        rows[key] = Stats(
            key,
            found.first_response_text if found else "none",
            int(found.first_response.total_seconds()) if found else None,
        )
    outcomes: dict[str, list[str]] = {key: [] for key in rows}
    times: dict[str, list[int]] = {key: [] for key in rows}
    for figures in per_ticket:
        key = _row_key(figures)
        outcomes[key].append(figures.response)
        if figures.response_seconds is not None:
            times[key].append(figures.response_seconds)
    for key, row in rows.items():
        row.add_all(outcomes[key], times[key])
    return [row.close() for row in rows.values() if row.tickets or row.key != TASK]


def _restoration_rows(per_ticket: list[TicketFigures], tier: str) -> list[Stats]:
    rows = {}
    for key in RESTORATION_PRIORITIES:
        found = matrix.target(tier, key)
        rows[key] = Stats(key, found.restoration if found else "none")
    for figures in per_ticket:
        if figures.restoration:
            rows[figures.facts.priority or "normal"].add(
                figures.restoration, figures.restoration_seconds
            )
    return [row.close() for row in rows.values()]


def _updates_rows(per_ticket: list[TicketFigures], targets: Targets) -> list[Stats]:
    """One row per priority: the answered tickets whose updates kept to the promise."""
    rows = {}
    for key in PRIORITY_ORDER:
        text, seconds = targets.updates[key]
        rows[key] = Stats(key, text, seconds)
    for figures in per_ticket:
        if figures.updates:
            rows[figures.facts.priority or "normal"].add(
                figures.updates, figures.update_gap_seconds
            )
    return [row.close() for row in rows.values()]


def _escalations(
    requests: list[TicketFacts], known: dict[int, TicketFacts], now: datetime
) -> list[EscalationFigures]:
    found = []
    for request in sorted(requests, key=lambda r: (r.created, r.id)):
        original_id = request.escalation_of or 0
        original = known.get(original_id)
        task = original is not None and original.kind == TASK
        due = escalation_answer_due(request.created, task)
        answered = request.first_reply
        seconds = None if answered is None else int((answered - request.created).total_seconds())
        if answered is not None:
            outcome = MET if answered <= due else MISSED
        else:
            outcome = MISSED if now > due else WAITING
        after = None
        if original is not None:
            after = int((request.created - original.created).total_seconds())
        found.append(
            EscalationFigures(original_id, request.id, request.created, after, answered, seconds,
                              outcome)
        )  # fmt: skip
    return found


def _ages(ages: list[timedelta]) -> list[tuple[str, int]]:
    counts = dict.fromkeys((label for label, _ in AGE_BUCKETS), 0)
    for age in ages:
        for label, bound in AGE_BUCKETS:
            if bound is None or age < bound:
                counts[label] += 1
                break
    return list(counts.items())


def _weeks(tickets: list[TicketFacts], period: Period) -> list[tuple[str, dict[str, int]]]:
    """Tickets created per week (Monday first, in the reader's time zone), by priority,
    with every week of the period listed, empty ones too."""
    tz = period.tz
    first = week_start(period.start, tz)
    last = week_start(period.end - timedelta(microseconds=1), tz)
    labels: list[str] = []
    starts: list[datetime] = []  # each week's first moment, in UTC (DST moves it)
    day = first
    while day <= last:
        labels.append(day.isoformat())
        starts.append(datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC))
        day += timedelta(days=7)
    counts = Counter((bisect_right(starts, t.created) - 1, t.priority or "normal") for t in tickets)
    weeks = []
    for index, label in enumerate(labels):
        row = {prio: counts.get((index, prio), 0) for prio in PRIORITY_ORDER}
        weeks.append((label, row))
    return weeks


def _breakdown(per_ticket: list[TicketFigures], by: str, escalated: set[int]) -> list[Group]:
    members: dict[str, list[TicketFigures]] = {}
    for figures in per_ticket:
        facts = figures.facts
        key = (facts.priority or "normal") if by == "priority" else getattr(facts, by) or NONE_KEY
        found = members.get(key)
        if found is None:
            members[key] = [figures]
        else:
            found.append(figures)
    groups: dict[str, Group] = {}
    for key, items in members.items():
        group = groups[key] = Group(key, tickets=len(items))
        group.open = sum(1 for f in items if f.facts.status in OPEN_STATUSES)
        group.escalated = sum(1 for f in items if f.facts.id in escalated)
        answered = [f.response_seconds for f in items if f.response_seconds is not None]
        group.response.add_all([f.response for f in items], answered).close()
    if by == "priority":
        order = {p: n for n, p in enumerate(PRIORITY_ORDER)}
        return sorted(groups.values(), key=lambda g: order.get(g.key, 99))
    return sorted(groups.values(), key=lambda g: (-g.tickets, g.key))
