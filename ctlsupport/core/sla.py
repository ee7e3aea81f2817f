"""Service-level clocks: when the provider's first answer is due, and whether it is on
track, due soon or breached. Pure functions; the clock (`now`) is always passed in.

First-response targets run around the clock (the provider monitors 24x7), so the
clock never claims "on track" for a ticket the provider may already count as late.
Service tasks follow their own rule: an answer within one business day, counted in
working hours (Monday-Friday 9:00-17:00 Pacific). Restoration targets given in
business days skip weekends, in Pacific time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ctlsupport.core import priority
from ctlsupport.core.escalation import (
    PACIFIC,
    parse_time,
    task_estimate_due,
)

ON_TRACK, DUE_SOON, BREACHED = "on track", "due soon", "breached"
ANSWERED, STOPPED, NO_TARGET = "answered", "stopped", "no target"
# No running clock: the provider has answered, or the ticket is done.
CLOCK_STOPPED = ("solved", "closed")
# The provider has engaged: waiting on the requester (pending) or a third party (hold).
ENGAGED = ("pending", "hold")
# "Due soon" when at most this share of the target is left (and at most DUE_SOON_CAP).
DUE_SOON_SHARE = 0.5
DUE_SOON_CAP = timedelta(hours=2)


@dataclass(frozen=True)
class Clock:
    """The first-response clock of one ticket."""

    state: str
    due: datetime | None
    target: str  # the matrix's words, e.g. "30 min" or "1 business day (service task)"

    @property
    def running(self) -> bool:
        return self.state in (ON_TRACK, DUE_SOON, BREACHED)


def add_business_days(start: datetime, days: int) -> datetime:
    """The same Pacific time of day, `days` working days (Monday-Friday) later."""
    local = start.astimezone(PACIFIC)
    day = local.date()
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return datetime.combine(day, local.time(), tzinfo=PACIFIC)


def _first_response(
    tier: str, prio: str | None, kind: str | None
) -> tuple[str, Callable[[datetime], datetime] | None]:
    """The matrix's words for the first-response target, and the due time as a function
    of the creation time (None where there is no target): one look at the matrix."""
    if kind == "task":
        return "1 business day (service task, Mon-Fri 9-17 Pacific)", task_estimate_due
    found = priority.target(tier, prio or "normal")
    if found is None:
        return f"none for {tier or 'this tier'} at {prio or 'normal'} priority", None
    return found.first_response_text, lambda created: created + found.first_response


def first_response_due_at(
    created: datetime, tier: str, prio: str | None, kind: str | None
) -> datetime | None:
    """When the provider's first answer is due for a ticket created at `created`."""
    due_of = _first_response(tier, prio, kind)[1]
    return None if due_of is None else due_of(created)


def first_response_due(request, tier: str) -> datetime | None:
    """When the desk's first answer to a request is due, from its age, tier and priority."""
    if not request.created_at:
        return None
    created = parse_time(request.created_at)
    return first_response_due_at(created, tier, request.priority, request.type)


def clock(
    *,
    created_at: str,
    status: str,
    prio: str | None,
    kind: str | None,
    tier: str,
    now: datetime,
    answered: bool = False,
) -> Clock:
    """The first-response clock: stopped when solved, closed or answered."""
    target, due_of = _first_response(tier, prio, kind)
    if not created_at or due_of is None:
        return Clock(NO_TARGET, None, target)
    created = parse_time(created_at)
    due = due_of(created)
    if status in CLOCK_STOPPED:
        return Clock(STOPPED, due, target)
    if answered or status in ENGAGED:
        return Clock(ANSWERED, due, target)
    if now >= due:
        return Clock(BREACHED, due, target)
    window = min((due - created) * DUE_SOON_SHARE, DUE_SOON_CAP)
    return Clock(DUE_SOON if due - now <= window else ON_TRACK, due, target)


_HOURS = re.compile(r"(\d+) h$")
_BUSINESS_DAYS = re.compile(r"(\d+) business days?$")


def restoration_due(created_at: str, tier: str, prio: str | None) -> datetime | None:
    """When service should be restored ("4 h" around the clock, "5 business days")."""
    found = priority.target(tier, prio or "normal")
    if found is None or not created_at:
        return None
    created = parse_time(created_at)
    hours = _HOURS.match(found.restoration)
    if hours:
        return created + timedelta(hours=int(hours[1]))
    days = _BUSINESS_DAYS.match(found.restoration)
    return add_business_days(created, int(days[1])) if days else None
