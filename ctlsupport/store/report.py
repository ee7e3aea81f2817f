"""What the service-level report keeps in the local history, and the one query it reads."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

# The columns the report reads, in this order (bench/report_bench.py reads the same).
REPORT_COLUMNS = (
    "id, subject, status, priority, type, created_at, customer_alias, engineer, datacenter, "
    "first_reply_at, restored_at, last_answer_at, update_gap"
)
REPORT_QUERY = (
    f"SELECT {REPORT_COLUMNS} FROM requests WHERE profile = ? AND "
    "((created_at >= ? AND created_at < ?) OR status IN ('new', 'open', 'pending', 'hold'))"
)


class ReportStore:
    """The report's view of the `requests` table."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def set_signed(self, profile: str, signed: Iterable[tuple[int, str, str]]) -> None:
        """(id, engineer, data center) read from request bodies; empty values keep what
        is known (a value typed at `open` stays)."""
        self.conn.executemany(
            "UPDATE requests SET engineer = COALESCE(NULLIF(?, ''), engineer), "
            "datacenter = COALESCE(NULLIF(?, ''), datacenter) WHERE profile = ? AND id = ?",
            [(engineer, datacenter, profile, rid) for rid, engineer, datacenter in signed],
        )

    def stale_threads(self, profile: str, start: str, end: str) -> list[int]:
        """Requests of the report whose thread changed since it was last read."""
        rows = self.conn.execute(
            f"SELECT id FROM ({REPORT_QUERY.replace(REPORT_COLUMNS, '*')}) "
            "WHERE thread_read_for IS NULL OR thread_read_for != updated_at ORDER BY id",
            (profile, start, end),
        )
        return [row["id"] for row in rows]

    def set_thread(
        self,
        profile: str,
        request_id: int,
        *,
        first: str | None,
        last: str | None,
        restored: str | None,
        longest_gap: int | None,
        read_for: str | None,
    ) -> None:
        """What a thread said: the provider's first and last answer, the restoring one
        (when solved), and the longest wait between two answers in a row (seconds)."""
        self.conn.execute(
            "UPDATE requests SET first_reply_at = COALESCE(first_reply_at, ?), "
            "restored_at = ?, last_answer_at = ?, update_gap = ?, thread_read_for = ? "
            "WHERE profile = ? AND id = ?",
            (first, restored, last, longest_gap, read_for, profile, request_id),
        )

    def rows(self, profile: str, start: str, end: str) -> list[tuple]:
        """The report's rows as plain tuples (REPORT_COLUMNS): created in [start, end), or
        still open."""
        cursor = self.conn.cursor()
        cursor.row_factory = None  # tuples: a named row costs more than the report's figures
        return cursor.execute(REPORT_QUERY, (profile, start, end)).fetchall()
