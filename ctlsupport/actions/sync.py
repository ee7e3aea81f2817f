"""`sync`: read what is new in the support alias's mailbox into the local history.

Incremental: an IMAP folder by UID (a new UIDVALIDITY means the UIDs were renumbered:
read it all again; notifications already kept are recognised by Message-ID), a Maildir
by file name. Each batch is one transaction that also moves the cursor, so an
interrupted sync loses nothing and a second run counts nothing twice. No terminal here:
progress goes to a callback, the summary comes back as a result.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ctlsupport.errors import AuthError, ConfigError

if TYPE_CHECKING:
    import sqlite3

    from ctlsupport.config.settings import Profile
    from ctlsupport.secret import Secret
    from ctlsupport.transport.imap import Fetched, MailSource

Progress = Callable[[int, int], None]  # (done, total)
SecretFor = Callable[[str], "Secret | None"]  # kind -> the stored secret, if any
BATCH = 200

# Summary keys of mail that added nothing, with the words a person reads.
SKIPPED = {
    "not_desk": "not from the desk",
    "own": "our own mail",
    "malformed": "malformed",
    "duplicate": "duplicate notifications",
    "unmatched": "notifications of no known ticket",
}


@dataclass
class SyncResult:
    """What one sync read and changed."""

    source: str
    read: int = 0
    notices: int = 0
    new_tickets: int = 0
    numbers_learned: int = 0
    replies: int = 0
    status_changes: int = 0
    skipped: Counter = field(default_factory=Counter)
    truncated: int = 0  # huge messages read only in part
    recoded: int = 0  # wrong or unknown charset, decoded with replacement
    uidvalidity_reset: bool = False
    synced_at: str = ""
    seconds: float = 0.0

    def as_data(self) -> dict:
        return {
            "source": self.source,
            "read": self.read,
            "notifications": self.notices,
            "new_tickets": self.new_tickets,
            "numbers_learned": self.numbers_learned,
            "agent_replies": self.replies,
            "status_changes": self.status_changes,
            "skipped": {key: self.skipped.get(key, 0) for key in SKIPPED},
            "truncated": self.truncated,
            "recoded": self.recoded,
            "uidvalidity_reset": self.uidvalidity_reset,
            "synced_at": self.synced_at,
            "seconds": round(self.seconds, 3),
        }

    def lines(self) -> list[str]:
        """The summary a person reads."""
        out = [
            f"Read {self.read} new message(s) from {self.source}: {self.notices} "
            f"notification(s), {self.new_tickets} new ticket(s), {self.replies} agent "
            f"repl{'y' if self.replies == 1 else 'ies'}, {self.status_changes} status "
            "change(s)."
        ]
        if self.uidvalidity_reset:
            out.append("  The server renumbered the folder (new UIDVALIDITY): read it again.")
        skipped = [f"{n} {SKIPPED[k]}" for k, n in self.skipped.items() if n]
        if skipped:
            out.append("  Skipped: " + ", ".join(skipped) + ".")
        if self.truncated:
            out.append(f"  {self.truncated} huge message(s) read only in part.")
        if self.recoded:
            out.append(f"  {self.recoded} message(s) in a wrong or unknown charset, recoded.")
        return out


def configured(profile: Profile) -> bool:
    """Whether the profile names a mailbox at all."""
    return bool(profile.maildir or profile.imap_host)


def open_source(profile: Profile, secret_for: SecretFor) -> MailSource:
    """The profile's mailbox, opened and signed in (ConfigError when none is set)."""
    from ctlsupport.transport import imap

    if profile.maildir:
        return imap.MaildirSource(Path(profile.maildir))
    if not profile.imap_host:
        raise ConfigError(
            f"profile {profile.name!r} names no mailbox",
            hint="Set `ctlsupport config set imap_host imap.your-company.example` (IMAP) or "
            "`ctlsupport config set maildir PATH` (a local Maildir); see docs/email.md.",
        )
    user = profile.imap_user or profile.alias
    settings = imap.ImapSettings.from_values(
        profile.imap_host, profile.imap_port, user, profile.imap_security,
        profile.imap_auth, profile.imap_folder,
    )  # fmt: skip
    if settings.auth == "xoauth2":
        if not profile.imap_token_command:
            raise ConfigError(
                "imap_auth = xoauth2 needs a command that prints an access token",
                hint="Set `ctlsupport config set imap_token_command '...'`; see docs/email.md.",
            )
        secret = imap.token_from_command(profile.imap_token_command)
    else:
        secret = secret_for("imap-password")
        if secret is None:
            raise AuthError(
                f"no mailbox password for profile {profile.name!r}",
                hint="Store it with `ctlsupport sync --store-password` (an app password where "
                "the mail provider asks for one), or set CTLSUPPORT_IMAP_PASSWORD.",
            )
    return imap.ImapSource(settings, secret)


def sync(
    conn: sqlite3.Connection,
    profile: Profile,
    source: MailSource,
    progress: Progress | None = None,
) -> SyncResult:
    """Read what is new in `source` into the history of `profile`."""
    from ctlsupport.store.db import stamp
    from ctlsupport.store.mailbox import MailboxStore

    started = time.monotonic()
    store = MailboxStore(conn)
    result = SyncResult(source=source.name)
    cursor = store.cursor(profile.name, source.name)
    uidvalidity = source.uidvalidity()
    last_uid = cursor.last_uid
    if uidvalidity is not None and cursor.uidvalidity not in (None, uidvalidity):
        result.uidvalidity_reset, last_uid = True, 0
    seen = store.seen(profile.name, source.name) if uidvalidity is None else frozenset()
    keys = source.pending(last_uid, seen)
    own = frozenset(a.lower() for a in (profile.alias, profile.imap_user) if a)
    done = 0
    if progress:
        progress(0, len(keys))
    for start in range(0, len(keys), BATCH):
        batch = keys[start : start + BATCH]
        part = SyncResult(source=source.name)
        with store.transaction():
            for fetched in source.fetch(batch):
                _one(conn, profile.name, fetched, own, part)
            if uidvalidity is None:
                store.mark_seen(profile.name, source.name, [str(k) for k in batch])
            else:
                last_uid = max(last_uid, *(int(k) for k in batch))
            store.advance(profile.name, source.name, uidvalidity, last_uid)
        _add(result, part)  # counted once the batch is kept
        done += len(batch)
        if progress:
            progress(done, len(keys))
    if not keys:
        with store.transaction():
            store.advance(profile.name, source.name, uidvalidity, last_uid)
    result.synced_at = stamp()
    result.seconds = time.monotonic() - started
    return result


def _one(
    conn: sqlite3.Connection, profile: str, fetched: Fetched, own: frozenset[str], out: SyncResult
) -> None:
    """One message: a notification recorded, or the reason it was skipped counted."""
    from ctlsupport.core import mailsync, notices
    from ctlsupport.store.db import stamp

    out.read += 1
    out.truncated += int(fetched.truncated)
    try:
        notice = notices.parse(
            fetched.raw, own=own, fallback_time=stamp(), truncated=fetched.truncated
        )
        out.recoded += int(notice.recoded)
        effect = mailsync.apply(conn, profile, notice)
    except notices.NotANotice as skip:
        out.skipped[skip.reason] += 1
        return
    out.notices += 1
    out.new_tickets += int(effect.new_ticket)
    out.numbers_learned += int(effect.number_learned)
    out.replies += int(effect.reply)
    out.status_changes += int(effect.status_change)


def _add(total: SyncResult, part: SyncResult) -> None:
    for name in ("read", "notices", "new_tickets", "numbers_learned", "replies",
                 "status_changes", "truncated", "recoded"):  # fmt: skip
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.skipped.update(part.skipped)


def wait_for_mail(source: MailSource, timeout: float) -> bool:
    """Block until the mailbox has news (IMAP IDLE where the server has it) or timeout."""
    return source.wait(timeout)
