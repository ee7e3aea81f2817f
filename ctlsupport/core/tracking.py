"""Following tickets: which ones a list shows, the row it shows for each, and what
changed between two looks at the desk (for `watch`). No terminal, no HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from ctlsupport.core import sla
from ctlsupport.core.escalation import parse_time
from ctlsupport.errors import UsageError
from ctlsupport.model import Comment, Request

# `--status` words and the desk statuses each covers; the default hides closed ones.
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "open": ("new", "open", "hold"),
    "pending": ("pending",),
    "solved": ("solved",),
    "closed": ("closed",),
    "all": ("new", "open", "pending", "hold", "solved", "closed"),
}
DEFAULT_STATUSES = ("new", "open", "pending", "hold", "solved")
SORTS = ("updated", "created")
# The line core/compose.py writes into every ticket body.
_ALIAS = re.compile(r"^Account alias: *([A-Za-z0-9]{2,6}) *$", re.MULTILINE)


def customer_alias(description: str) -> str:
    """The customer's account alias from a ticket body ctlsupport wrote, else ''."""
    found = _ALIAS.search(description or "")
    return found[1].upper() if found else ""


@dataclass(frozen=True)
class Filters:
    """What `list` keeps."""

    statuses: tuple[str, ...] = DEFAULT_STATUSES
    priority: str | None = None
    customer: str | None = None
    mine: frozenset[int] | None = None  # ids submitted from this machine, when asked

    @classmethod
    def build(
        cls,
        status: str | None,
        prio: str | None,
        customer: str | None,
        mine: Iterable[int] | None,
    ) -> Filters:
        """Checked filters from the command line's words."""
        from ctlsupport.core.priority import PRIORITIES

        statuses = DEFAULT_STATUSES
        if status is not None:
            word = status.strip().lower()
            if word not in STATUS_FILTERS:
                raise UsageError(f"--status must be one of {', '.join(STATUS_FILTERS)}")
            statuses = STATUS_FILTERS[word]
        if prio is not None and prio.strip().lower() not in PRIORITIES:
            raise UsageError(f"--priority must be one of {', '.join(PRIORITIES)}")
        return cls(
            statuses=statuses,
            priority=prio.strip().lower() if prio else None,
            customer=customer.strip().upper() if customer else None,
            mine=frozenset(mine) if mine is not None else None,
        )

    def keep(self, request: Request, alias: str) -> bool:
        if request.status not in self.statuses:
            return False
        if self.priority and (request.priority or "normal") != self.priority:
            return False
        if self.customer and alias != self.customer:
            return False
        return self.mine is None or request.id in self.mine


@dataclass
class Row:
    """One line of `list`: the request, its customer and its first-response clock."""

    request: Request
    customer: str
    clock: sla.Clock
    age_seconds: int
    mine: bool = False
    seen_at: str | None = None  # offline rows: when the desk last showed it

    def as_data(self) -> dict:
        r = self.request
        return {
            "id": r.id,
            "subject": r.subject,
            "customer_alias": self.customer or None,
            "priority": r.priority,
            "status": r.status,
            "type": r.type,
            "created_at": r.created_at,
            "updated_at": r.updated_at,
            "age_seconds": self.age_seconds,
            "sla": clock_data(self.clock),
            "mine": self.mine,
            "web_url": r.web_url,
        }


def clock_data(clock: sla.Clock) -> dict:
    from ctlsupport.store.db import stamp

    return {
        "state": clock.state,
        "first_response_due": stamp(clock.due) if clock.due else None,
        "target": clock.target,
    }


def row(
    request: Request,
    *,
    tier: str,
    now: datetime,
    alias: str = "",
    answered: bool = False,
    mine: bool = False,
) -> Row:
    """The list row of a request; `alias`: its customer (callers look in the body first)."""
    created = parse_time(request.created_at) if request.created_at else now
    clock = sla.clock(
        created_at=request.created_at,
        status=request.status,
        prio=request.priority,
        kind=request.type,
        tier=tier,
        now=now,
        answered=answered,
    )
    return Row(
        request=request,
        customer=alias,
        clock=clock,
        age_seconds=max(0, int((now - created).total_seconds())),
        mine=mine,
    )


def age_text(seconds: int) -> str:
    """A short age: 45s, 12m, 5h, 3d."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


# -- watch -------------------------------------------------------------------------


@dataclass
class Seen:
    """What the last look showed of one request."""

    status: str
    priority: str | None
    updated_at: str
    comment_ids: set[int] = field(default_factory=set)


@dataclass
class Change:
    """One thing that happened to a watched request."""

    kind: str  # status | priority | comment | new
    request_id: int
    subject: str
    before: str | None = None
    after: str | None = None
    comment: Comment | None = None
    from_provider: bool = False

    def as_data(self) -> dict:
        data: dict = {"event": self.kind, "id": self.request_id, "subject": self.subject}
        if self.kind in ("status", "priority"):
            data.update({"from": self.before, "to": self.after})
        if self.comment is not None:
            c = self.comment
            data["comment"] = {
                "id": c.id,
                "author": c.author_name,
                "from_provider": self.from_provider,
                "created_at": c.created_at,
                "body": c.body,
                "attachments": [{"file_name": a.file_name, "size": a.size} for a in c.attachments],
            }
        return data


def changes(before: Seen, request: Request) -> Iterator[Change]:
    """Status and priority changes between two looks (comments are compared apart)."""
    if before.status != request.status:
        yield Change("status", request.id, request.subject, before.status, request.status)
    if (before.priority or None) != (request.priority or None):
        yield Change("priority", request.id, request.subject, before.priority, request.priority)


def new_comments(before: Seen, request: Request, comments: Iterable[Comment]) -> Iterator[Change]:
    """Public comments not seen before; the provider's are those not by the requester."""
    for comment in comments:
        if comment.id in before.comment_ids:
            continue
        before.comment_ids.add(comment.id)
        yield Change(
            "comment",
            request.id,
            request.subject,
            comment=comment,
            from_provider=comment.author_id != request.requester_id,
        )


@dataclass
class Backoff:
    """The wait between polls: the interval, doubled after each failure (capped), and at
    least what the desk's Retry-After asks for."""

    interval: float
    cap: float = 300.0
    failures: int = 0

    def after_success(self) -> float:
        self.failures = 0
        return self.interval

    def after_failure(self, retry_after: float | None = None) -> float:
        self.failures += 1
        wait = min(self.cap, max(self.interval, 1.0) * 2**self.failures)
        return max(wait, retry_after or 0.0)
