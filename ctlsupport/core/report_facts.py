"""The facts the report needs, read from what the desk and the local history hold: the
engineer's full-name signature and the data center in a request body ctlsupport wrote,
the provider's first and last answer in a thread."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from ctlsupport.core.escalation import parse_time
from ctlsupport.core.report import DONE_STATUSES, TicketFacts
from ctlsupport.model import Comment

_DATACENTER = re.compile(r"^Data center: *([A-Za-z0-9]{2,6}) *$", re.MULTILINE)


def signature(text: str) -> str:
    """The full name under the last `--` line of a body ctlsupport wrote, else ''."""
    lines = (text or "").splitlines()
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip() == "--":
            following = lines[index + 1].strip() if index + 1 < len(lines) else ""
            return following[:80]
    return ""


def datacenter(text: str) -> str:
    """The data center line of a body ctlsupport wrote, else ''."""
    found = _DATACENTER.search(text or "")
    return found[1].upper() if found else ""


@dataclass(frozen=True)
class Answers:
    """What the provider's public answers in one thread say."""

    first: str | None = None
    last: str | None = None
    restored: str | None = None  # the last one, on a solved or closed request
    longest_gap: int | None = None  # seconds between two answers in a row, at most


def thread_answers(comments: Iterable[Comment], requester_id: int | None, status: str) -> Answers:
    """The provider's answers in a thread: anyone's public comment but the requester's."""
    times = [
        c.created_at for c in comments if c.public and c.author_id != requester_id and c.created_at
    ]
    if not times:
        return Answers()
    moments = [parse_time(t) for t in times]
    gaps = [int((b - a).total_seconds()) for a, b in pairwise(moments)]
    return Answers(
        first=times[0],
        last=times[-1],
        restored=times[-1] if status in DONE_STATUSES else None,
        longest_gap=max(gaps, default=0),
    )


_ISO = datetime.fromisoformat


def from_row(row: Sequence) -> TicketFacts:
    """A ticket's facts from a row of the report query, in REPORT_COLUMNS order
    (store/report.py)."""
    (rid, subject, status, prio, kind, created, customer, engineer, dc, first, restored, last,
     gap) = row  # fmt: skip
    # The history keeps desk stamps (`2026-03-04T09:20:11Z`), read as UTC directly; any
    # other form goes the careful way.
    return TicketFacts(
        rid, _ISO(created) if created[-1] == "Z" else parse_time(created), status, prio, kind,
        subject or "", customer or "", engineer or "", dc or "",
        (_ISO(first) if first[-1] == "Z" else parse_time(first)) if first else None,
        (_ISO(restored) if restored[-1] == "Z" else parse_time(restored)) if restored else None,
        # Only an open ticket's last answer matters: its next update is running late.
        parse_time(last) if last and status == "open" else None, gap,
    )  # fmt: skip
