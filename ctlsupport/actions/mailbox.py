"""The alias's mailbox as the source of `list`, `show`, `watch` and `comment` when the
profile has no API sign-in; with both, the API wins and the mailbox fills the gaps.

Terminal-free: notes for the person go through `notes` (a callable), never print.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ctlsupport.errors import CtlError

if TYPE_CHECKING:
    from ctlsupport.actions.sync import SecretFor, SyncResult
    from ctlsupport.config.settings import Profile
    from ctlsupport.core.mailout import NoticeReply

Note = Callable[[str], None]


def has_api(credentials: Callable[[], Any]) -> bool:
    """Whether the profile can sign in to the desk's API (credentials() does not fail)."""
    try:
        credentials()
    except CtlError:
        return False
    return True


def refresh(
    conn: sqlite3.Connection, profile: Profile, secret_for: SecretFor, warn: Note
) -> SyncResult | None:
    """Read what is new in the mailbox, when the profile names one; a mailbox that
    cannot be read is a warning (the history still answers), never a failure."""
    from ctlsupport.actions import sync

    if not sync.configured(profile):
        return None
    try:
        source = sync.open_source(profile, secret_for)
    except CtlError as exc:
        warn(f"the mailbox was not read: {exc.message}")
        return None
    try:
        return sync.sync(conn, profile, source)
    except CtlError as exc:
        warn(f"the mailbox was not read to the end: {exc.message}")
        return None
    finally:
        source.close()


@dataclass(frozen=True)
class Freshness:
    """Where the facts come from and how old they are."""

    source: str  # "mailbox" | "history"
    synced_at: str | None

    def as_data(self) -> dict[str, Any]:
        return {"source": self.source, "synced_at": self.synced_at}

    def text(self, now: datetime | None = None) -> str:
        if self.synced_at is None:
            return "From local history; the mailbox has never been read (`ctlsupport sync`)."
        age = _age(self.synced_at, now)
        return (
            f"From the desk's notifications in the alias's mailbox, read {age} "
            f"({self.synced_at}); the desk's API is not used."
        )


def freshness(conn: sqlite3.Connection, profile: Profile) -> Freshness:
    from ctlsupport.store.mailbox import MailboxStore

    synced = MailboxStore(conn).last_synced(profile.name)
    return Freshness("mailbox" if synced else "history", synced)


def _age(stamp: str, now: datetime | None) -> str:
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    seconds = int(((now or datetime.now(UTC)) - moment).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


@dataclass
class MailEntry:
    """One entry of a ticket's thread as the notifications tell it."""

    at: str
    author: str
    body: str
    kind: str  # received | reply | solved | update


@dataclass
class MailTicket:
    """A ticket as the mailbox knows it."""

    id: int
    subject: str
    status: str
    created_at: str | None
    updated_at: str | None
    code: str | None
    thread: list[MailEntry] = field(default_factory=list)
    freshness: Freshness | None = None

    def as_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subject": self.subject,
            "status": self.status,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "encoded_id": self.code,
            "thread": [entry.__dict__ for entry in self.thread],
            **(self.freshness.as_data() if self.freshness else {}),
        }

    def lines(self) -> list[str]:
        out = [f"#{self.id} {self.subject}", f"  status: {self.status}"]
        if self.created_at:
            out.append(f"  created: {self.created_at}")
        for entry in self.thread:
            out += ["", f"{entry.author or 'the desk'}, {entry.at}:"]
            out += [f"  {line}" for line in entry.body.splitlines()]
        if self.freshness:
            out += ["", self.freshness.text()]
        return out


def ticket(conn: sqlite3.Connection, profile: Profile, ticket_id: int) -> MailTicket | None:
    """The ticket from the history and its notifications, or None when unknown."""
    from ctlsupport.store.mailbox import MailboxStore

    row = conn.execute(
        "SELECT * FROM requests WHERE profile = ? AND id = ?", (profile.name, ticket_id)
    ).fetchone()
    if row is None:
        return None
    store = MailboxStore(conn)
    thread = []
    for notice in store.notices(profile.name, ticket_id):
        # Each notification quotes the newest comment: take each comment once.
        fresh = not thread or thread[-1].body != notice.body
        if notice.kind in ("received", "reply") and notice.body and fresh:
            thread.append(MailEntry(notice.sent_at, notice.author or "", notice.body,
                                    notice.kind))  # fmt: skip
    return MailTicket(
        id=ticket_id, subject=row["subject"], status=row["status"],
        created_at=row["created_at"], updated_at=row["updated_at"],
        code=store.code_of(profile.name, ticket_id), thread=thread,
        freshness=freshness(conn, profile),
    )  # fmt: skip


def reply_target(conn: sqlite3.Connection, profile: Profile, ticket_id: int) -> NoticeReply | None:
    """The desk's latest notification about the ticket, to reply to; None if none."""
    from ctlsupport.core.mailout import NoticeReply
    from ctlsupport.store.mailbox import MailboxStore

    notice = MailboxStore(conn).latest(profile.name, ticket_id)
    if notice is None or not notice.code or not notice.reply_to:
        return None
    return NoticeReply(
        message_id=notice.message_id, references=tuple(notice.refs.split()),
        reply_to=notice.reply_to, subject=notice.subject, code=notice.code,
        sent_at=notice.sent_at,
    )  # fmt: skip


def mail_only(state: Any, profile: Profile) -> bool:
    """The profile has no API sign-in but names a mailbox: the mailbox is the source."""
    from ctlsupport.actions import sync

    return sync.configured(profile) and not has_api(lambda: state.credentials(profile))


def refresh_for(state: Any, profile: Profile, conn: sqlite3.Connection) -> Freshness:
    """Sync the profile's mailbox for a command (a failure is a warning); where the
    facts now come from and how fresh they are."""
    refresh(conn, profile, lambda kind: state.secret(kind, profile), state.notes.warn)
    return freshness(conn, profile)


def sandbox_maildir(alias: str) -> str:
    """The embedded desk's Maildir for the alias (made when missing: a new desk has
    mailed nothing yet)."""
    from pathlib import Path

    from ctlsupport.config import paths

    path = Path(paths.sandbox_dir()) / "mailboxes" / alias.lower()
    for sub in ("new", "cur", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    return str(path)
