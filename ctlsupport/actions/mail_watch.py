"""`watch` from the alias's mailbox: each look is an incremental sync, each new
notification a change (a new ticket, an agent's reply, a status), and the wait between
looks is IMAP IDLE where the server has it, so a change shows the moment it arrives."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctlsupport.config.settings import Profile
    from ctlsupport.core import tracking
    from ctlsupport.transport.imap import MailSource


class MailWatcher:
    """The Watcher of actions/watch.py, with the mailbox instead of the desk's API."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        profile: Profile,
        source: MailSource,
        request_ids: list[int] | None = None,
    ) -> None:
        self.conn, self.profile, self.source = conn, profile, source
        self.ids = set(request_ids) if request_ids else None
        self.calls = 0  # the desk's API is never called
        self.last = self._last_rowid()

    def _last_rowid(self) -> int:
        row = self.conn.execute(
            "SELECT COALESCE(MAX(rowid), 0) FROM mail_notices WHERE profile = ?",
            (self.profile.name,),
        ).fetchone()
        return int(row[0])

    def _statuses(self) -> dict[int, str]:
        rows = self.conn.execute(
            "SELECT id, status FROM requests WHERE profile = ?", (self.profile.name,)
        )
        return {row[0]: row[1] for row in rows}

    def poll(self) -> Iterator[tracking.Change]:
        """One look: read what is new in the mailbox; the changes it brought."""
        from ctlsupport.actions import sync
        from ctlsupport.core import tracking
        from ctlsupport.model import Comment

        before = self._statuses()
        sync.sync(self.conn, self.profile, self.source)
        rows = self.conn.execute(
            "SELECT rowid, * FROM mail_notices WHERE profile = ? AND rowid > ? ORDER BY rowid",
            (self.profile.name, self.last),
        ).fetchall()
        after = self._statuses()
        told: set[int] = set()
        for row in rows:
            self.last = max(self.last, row["rowid"])
            ticket = row["request_id"]
            if self.ids is not None and ticket not in self.ids:
                continue
            subject = row["subject"]
            if ticket not in before and ticket not in told:
                told.add(ticket)
                yield tracking.Change("new", ticket, subject, after=after.get(ticket))
            elif row["kind"] == "reply" and row["body"]:
                comment = Comment(0, 0, row["author"] or "", row["body"], True, row["sent_at"])
                yield tracking.Change("comment", ticket, subject, comment=comment,
                                      from_provider=True)  # fmt: skip
        for ticket, status in after.items():
            was = before.get(ticket)
            if was is not None and was != status and (self.ids is None or ticket in self.ids):
                subject = self.conn.execute(
                    "SELECT subject FROM requests WHERE profile = ? AND id = ?",
                    (self.profile.name, ticket),
                ).fetchone()[0]
                yield tracking.Change("status", ticket, subject, was, status)

    def wait(self, seconds: float) -> None:
        """Until the mailbox has news (IMAP IDLE) or `seconds` pass."""
        self.source.wait(seconds)


def watch(
    watcher: MailWatcher,
    *,
    interval: float,
    count: int | None,
    until: str | None,
    on_change: Callable[[tracking.Change], None],
    note: Callable[[str], None],
) -> int:
    """Look, hand each change to `on_change`, wait for news; the exit code (OK after
    `count` looks or the `until` change, INTERRUPTED after Ctrl-C)."""
    from ctlsupport.exitcodes import ExitCode

    idle = getattr(watcher.source, "has_idle", False)
    note(f"Watching the alias's mailbox ({watcher.source.name}); "
         + ("the server tells of new mail at once" if idle else f"a look every {interval:g} s")
         + "; Ctrl-C to stop.")  # fmt: skip
    looks = 0
    try:
        while True:
            for change in watcher.poll():
                on_change(change)
                if until in ("change", change.kind):
                    return ExitCode.OK
            looks += 1
            if count is not None and looks >= count:
                return ExitCode.OK
            watcher.wait(interval)
    except KeyboardInterrupt:
        note("Stopped watching.")
        return ExitCode.INTERRUPTED
