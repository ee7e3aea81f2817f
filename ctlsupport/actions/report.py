"""The service-level report as a user action: bring the local history up to date with the
desk (requests, and the threads that changed), then compute every figure from it.

No terminal here: options in, a result out, progress through a callback.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ctlsupport.core import report_facts, report_time
from ctlsupport.core.report import BREAKDOWNS, Report
from ctlsupport.core.report_build import build
from ctlsupport.core.tracking import customer_alias
from ctlsupport.errors import UsageError
from ctlsupport.store.db import stamp
from ctlsupport.store.history import History
from ctlsupport.store.report import ReportStore

if TYPE_CHECKING:
    from ctlsupport.model import Request
    from ctlsupport.transport.zendesk import DeskClient

Progress = Callable[[str], None]
# Threads are written to the history in transactions of this many.
BATCH = 50


@dataclass
class ReportOptions:
    """What `ctlsupport report` was asked for."""

    since: str | None = None
    first_day: str | None = None
    last_day: str | None = None
    zone: str | None = None  # IANA name; None: this machine's
    by: str = "priority"
    offline: bool = False

    def period(self, now: datetime) -> report_time.Period:
        """The period asked for; a UsageError for bad options, before anything is read."""
        if self.by not in BREAKDOWNS:
            raise UsageError(f"--by must be one of {', '.join(BREAKDOWNS)}")
        return report_time.period(
            now=now,
            zone_name=self.zone or report_time.local_zone_name(),
            since=self.since,
            first_day=self.first_day,
            last_day=self.last_day,
        )


@dataclass
class ReportResult:
    report: Report
    offline: bool
    requests_read: int = 0  # requests listed by the desk
    threads_read: int = 0  # threads read because they changed since the last report


def report(
    opts: ReportOptions,
    *,
    conn: sqlite3.Connection,
    profile: str,
    tier: str,
    now: datetime,
    connect: Callable[[], DeskClient] | None = None,
    progress: Progress | None = None,
) -> ReportResult:
    """The report over the local history, refreshed from the desk first unless offline;
    `connect` gives the desk's client, asked for only once the options are known good."""
    period = opts.period(now)
    start, end = stamp(period.start), stamp(period.end)
    store = ReportStore(conn)
    offline = opts.offline or connect is None
    listed = read = 0
    if connect is not None and not offline:
        listed, read = _refresh(
            connect(), conn, store, profile, (start, end), progress or (lambda _: None)
        )
    facts = [report_facts.from_row(row) for row in store.rows(profile, start, end) if row[5]]
    figures = build(facts, tier=tier, period=period, now=now, by=opts.by)
    return ReportResult(figures, offline, listed, read)


def _refresh(
    client: DeskClient,
    conn: sqlite3.Connection,
    store: ReportStore,
    profile: str,
    span: tuple[str, str],
    progress: Progress,
) -> tuple[int, int]:
    """Every request the desk lists into the history; then the threads that changed."""
    progress("reading requests from the desk")
    listed_at = stamp()
    requests = {r.id: r for r in client.iter_requests(sort_by="created_at")}
    history = History(conn)
    history.record_seen(profile, requests.values(), alias_of=_alias)
    signed = [
        (r.id, report_facts.signature(r.description), report_facts.datacenter(r.description))
        for r in requests.values()
    ]
    _in_transaction(conn, lambda: store.set_signed(profile, signed))
    stale = [requests[i] for i in store.stale_threads(profile, *span) if i in requests]
    read = 0
    for number, batch in enumerate(_chunks(stale, BATCH)):
        progress(
            f"reading threads {number * BATCH + 1}-{number * BATCH + len(batch)} of {len(stale)}"
        )
        answers = [(r, _answers(client, r)) for r in batch]
        read += sum(1 for r in batch if r.status != "new")
        _in_transaction(conn, lambda answers=answers: _write(store, profile, answers, listed_at))
    return len(requests), read


def _alias(request: Request) -> str:
    return customer_alias(request.description)


def _answers(client: DeskClient, request: Request) -> report_facts.Answers:
    if request.status == "new":  # nobody at the desk has touched it yet
        return report_facts.Answers()
    comments = client.iter_comments(request.id)
    return report_facts.thread_answers(comments, request.requester_id, request.status)


def _write(store: ReportStore, profile: str, answers, listed_at: str) -> None:
    for request, found in answers:
        # Desk times have whole seconds: a change in the second the requests were listed
        # may be followed by another with the same time, so such a thread is read again.
        fresh = request.updated_at if request.updated_at < listed_at else None
        store.set_thread(
            profile, request.id, first=found.first, last=found.last, restored=found.restored,
            longest_gap=found.longest_gap, read_for=fresh,
        )  # fmt: skip


def _in_transaction(conn: sqlite3.Connection, work: Callable[[], None]) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        work()
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _chunks(items: list, size: int) -> Iterator[list]:
    for index in range(0, len(items), size):
        yield items[index : index + size]
