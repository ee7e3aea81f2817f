"""Local history of the email route: each message's Message-ID and client reference,
its state, and the pacing that keeps messages from going out in a burst."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
    ) -> None:
        """Remember a message when it is queued (its Message-ID never changes after)."""
        self.conn.execute(
            "INSERT OR IGNORE INTO mail_messages (client_ref, message_id, profile, kind, route, "
            "recipient, subject, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (client_ref, message_id, profile, kind, route, recipient, subject, _stamp()),
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

    def attempted(self, client_ref: str) -> None:
        self.conn.execute(
            "UPDATE mail_messages SET attempts = attempts + 1 WHERE client_ref = ?", (client_ref,)
        )

    def doubtful(self, client_ref: str) -> None:
        """The server may have taken it (the answer to the end of DATA was lost)."""
        self.conn.execute(
            "UPDATE mail_messages SET state = 'doubtful', doubtful_at = ? WHERE client_ref = ?",
            (_stamp(), client_ref),
        )

    def accepted(self, client_ref: str, desk_id: int | None = None) -> None:
        self.conn.execute(
            "UPDATE mail_messages SET state = 'accepted', accepted_at = ?, desk_id = ? "
            "WHERE client_ref = ?",
            (_stamp(), desk_id, client_ref),
        )

    def recent(self, profile: str, limit: int = 50) -> list[MailRecord]:
        rows = self.conn.execute(
            "SELECT * FROM mail_messages WHERE profile = ? ORDER BY created_at DESC LIMIT ?",
            (profile, limit),
        )
        return [MailRecord(**dict(r)) for r in rows]

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
