"""Local history of the email route: each message's Message-ID and client reference,
its state, and the pacing that keeps messages from going out in a burst."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass

from ctlsupport.store.db import stamp


@dataclass
class MailRecord:
    client_ref: str
    message_id: str
    profile: str
    kind: str
    route: str
    recipient: str
    subject: str
    state: str
    attempts: int
    doubtful_at: str | None
    accepted_at: str | None
    desk_id: int | None
    created_at: str


class MailLog:
    """The mail_messages and mail_pace tables of the local database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def record(
        self,
        client_ref: str,
        message_id: str,
        *,
        profile: str,
        kind: str,
        route: str,
        recipient: str,
        subject: str,
        desk_id: int | None = None,
    ) -> None:
        """Remember a message when it is queued (its Message-ID never changes after).

        `kind` is request, escalation or comment (a reply on the ticket `desk_id`)."""
        self.conn.execute(
            "INSERT OR IGNORE INTO mail_messages (client_ref, message_id, profile, kind, route, "
            "recipient, subject, desk_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (client_ref, message_id, profile, kind, route, recipient, subject, desk_id, stamp()),
        )

    def get(self, client_ref: str) -> MailRecord | None:
        row = self.conn.execute(
            "SELECT * FROM mail_messages WHERE client_ref = ?", (client_ref,)
        ).fetchone()
        return None if row is None else MailRecord(**dict(row))

    def by_message_id(self, message_id: str) -> MailRecord | None:
        row = self.conn.execute(
            "SELECT * FROM mail_messages WHERE message_id = ?", (message_id,)
        ).fetchone()
        return None if row is None else MailRecord(**dict(row))

    def opening(self, profile: str, desk_id: int) -> MailRecord | None:
        """The first message of ours the desk filed under ticket `desk_id`: the mail that
        opened it (or the reply that became it, for a follow-up). A reply threads onto the
        ticket only through the Message-ID of such a message."""
        row = self.conn.execute(
            "SELECT * FROM mail_messages WHERE profile = ? AND desk_id = ? "
            "AND kind IN ('request', 'comment') "
            "ORDER BY kind = 'request' DESC, created_at, rowid LIMIT 1",
            (profile, desk_id),
        ).fetchone()
        return None if row is None else MailRecord(**dict(row))

    def link(self, found: Iterable[tuple[str, int]]) -> None:
        """(client reference, desk id) pairs read from the desk: the ticket each mailed
        message became, where that was not known yet."""
        self.conn.executemany(
            "UPDATE mail_messages SET desk_id = ? WHERE client_ref = ? AND desk_id IS NULL",
            [(desk_id, ref) for ref, desk_id in found],
        )

    def attempted(self, client_ref: str) -> None:
        self.conn.execute(
            "UPDATE mail_messages SET attempts = attempts + 1 WHERE client_ref = ?", (client_ref,)
        )

    def doubtful(self, client_ref: str) -> None:
        """The server may have taken it (the answer to the end of DATA was lost)."""
        self.conn.execute(
            "UPDATE mail_messages SET state = 'doubtful', doubtful_at = ? WHERE client_ref = ?",
            (stamp(), client_ref),
        )

    def accepted(self, client_ref: str, desk_id: int | None = None) -> None:
        self.conn.execute(
            "UPDATE mail_messages SET state = 'accepted', accepted_at = ?, "
            "desk_id = COALESCE(?, desk_id) WHERE client_ref = ?",
            (stamp(), desk_id, client_ref),
        )

    def reserve_slot(self, sender: str, gap: float) -> float:
        """Book the next sending moment for `sender`, at least `gap` seconds after the
        previous one (across processes); returns how long to wait before sending."""
        now = time.time()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            row = self.conn.execute(
                "SELECT next_at FROM mail_pace WHERE sender = ?", (sender.lower(),)
            ).fetchone()
            at = max(now, row["next_at"] if row else now)
            self.conn.execute(
                "INSERT INTO mail_pace (sender, next_at) VALUES (?, ?) "
                "ON CONFLICT (sender) DO UPDATE SET next_at = excluded.next_at",
                (sender.lower(), at + gap),
            )
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return at - now
