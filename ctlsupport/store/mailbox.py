"""What `sync` keeps of the alias's mailbox: how far it was read, the desk's
notifications found in it, and the encoded ids they carry (migration 0010)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ctlsupport.store.db import stamp


@dataclass(frozen=True)
class Cursor:
    uidvalidity: int | None
    last_uid: int
    synced_at: str | None


@dataclass(frozen=True)
class StoredNotice:
    message_id: str
    request_id: int
    code: str | None
    kind: str
    status: str | None
    author: str | None
    body: str
    subject: str
    reply_to: str | None
    sent_at: str
    refs: str = ""  # the notification's References, space-separated


class MailboxStore:
    """The mailbox tables of the local database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One batch: everything it read is kept, or nothing (Ctrl-C, a lost server)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- how far the mailbox was read ---------------------------------------------------

    def cursor(self, profile: str, source: str) -> Cursor:
        row = self.conn.execute(
            "SELECT uidvalidity, last_uid, synced_at FROM mailbox_cursor "
            "WHERE profile = ? AND source = ?",
            (profile, source),
        ).fetchone()
        return Cursor(None, 0, None) if row is None else Cursor(*row)

    def advance(self, profile: str, source: str, uidvalidity: int | None, last_uid: int) -> None:
        self.conn.execute(
            "INSERT INTO mailbox_cursor (profile, source, uidvalidity, last_uid, synced_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (profile, source) DO UPDATE SET "
            "uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, "
            "synced_at = excluded.synced_at",
            (profile, source, uidvalidity, last_uid, stamp()),
        )

    def last_synced(self, profile: str) -> str | None:
        """When any mailbox of the profile was last read to the end."""
        row = self.conn.execute(
            "SELECT MAX(synced_at) FROM mailbox_cursor WHERE profile = ?", (profile,)
        ).fetchone()
        return row[0] if row else None

    def seen(self, profile: str, source: str) -> set[str]:
        rows = self.conn.execute(
            "SELECT key FROM mailbox_seen WHERE profile = ? AND source = ?", (profile, source)
        )
        return {row[0] for row in rows}

    def mark_seen(self, profile: str, source: str, keys: Iterable[str]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO mailbox_seen (profile, source, key) VALUES (?, ?, ?)",
            [(profile, source, key) for key in keys],
        )

    # -- notifications ------------------------------------------------------------------

    def has_notice(self, profile: str, message_id: str) -> bool:
        return (
            self.conn.execute(
                "SELECT 1 FROM mail_notices WHERE profile = ? AND message_id = ?",
                (profile, message_id),
            ).fetchone()
            is not None
        )

    def add_notice(self, profile: str, notice: StoredNotice) -> None:
        self.conn.execute(
            "INSERT INTO mail_notices (profile, message_id, request_id, code, kind, status, "
            "author, body, subject, reply_to, sent_at, refs, seen_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (profile, notice.message_id, notice.request_id, notice.code, notice.kind,
             notice.status, notice.author, notice.body, notice.subject, notice.reply_to,
             notice.sent_at, notice.refs, stamp()),
        )  # fmt: skip

    def notices(self, profile: str, request_id: int) -> list[StoredNotice]:
        """A ticket's notifications, oldest first."""
        rows = self.conn.execute(
            "SELECT message_id, request_id, code, kind, status, author, body, subject, "
            "reply_to, sent_at, refs FROM mail_notices WHERE profile = ? AND request_id = ? "
            "ORDER BY sent_at, rowid",
            (profile, request_id),
        )
        return [StoredNotice(*row) for row in rows]

    def latest(self, profile: str, request_id: int) -> StoredNotice | None:
        """The ticket's newest notification: the one a mailed comment replies to."""
        found = self.notices(profile, request_id)
        return found[-1] if found else None

    def ticket_of_messages(self, profile: str, message_ids: Iterable[str]) -> int | None:
        """The ticket an earlier notification (or a mail of ours the desk numbered) with
        one of these Message-IDs belongs to."""
        for message_id in message_ids:
            row = self.conn.execute(
                "SELECT request_id FROM mail_notices WHERE profile = ? AND message_id = ? "
                "UNION ALL SELECT desk_id FROM mail_messages WHERE profile = ? "
                "AND message_id = ? AND desk_id IS NOT NULL LIMIT 1",
                (profile, message_id, profile, message_id),
            ).fetchone()
            if row is not None:
                return int(row[0])
        return None

    def ticket_of_code(self, profile: str, code: str) -> int | None:
        row = self.conn.execute(
            "SELECT request_id FROM mail_codes WHERE profile = ? AND code = ?", (profile, code)
        ).fetchone()
        return None if row is None else int(row[0])

    def learn_code(self, profile: str, code: str, request_id: int) -> bool:
        """Note the ticket an encoded id stands for; True when it was new."""
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO mail_codes (profile, code, request_id) VALUES (?, ?, ?)",
            (profile, code, request_id),
        )
        return cursor.rowcount > 0

    def code_of(self, profile: str, request_id: int) -> str | None:
        row = self.conn.execute(
            "SELECT code FROM mail_codes WHERE profile = ? AND request_id = ? LIMIT 1",
            (profile, request_id),
        ).fetchone()
        return None if row is None else str(row[0])
