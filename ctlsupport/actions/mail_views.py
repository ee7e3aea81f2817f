"""`list`, `show` and `watch` when the profile has no API sign-in but names the alias's
mailbox: the mailbox is read first (an incremental sync), then the local history and
the desk's notifications answer, and a note says where the facts come from and how
fresh they are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ctlsupport.errors import CtlError, NotFound

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session
    from ctlsupport.config.settings import Profile
    from ctlsupport.core import tracking
    from ctlsupport.model import Comment, Request


def mailbox_profile(state: Session) -> Profile | None:
    """The profile when the mailbox is its source (no API sign-in, a mailbox named)."""
    from ctlsupport.actions import mailbox

    try:
        profile = state.profile()
        return profile if mailbox.mail_only(state, profile) else None
    except CtlError:
        return None


def before_list(state: Session, conn) -> bool:
    """For `list`: read the mailbox and say so; True when the rows must come from the
    local history (the mailbox is the source)."""
    from ctlsupport.actions import mailbox

    profile = mailbox_profile(state)
    if profile is None or conn is None:
        return False
    state.notes.note(mailbox.refresh_for(state, profile, conn).text())
    return True


@dataclass
class MailShown:
    """One ticket as the mailbox tells it, in the shapes `show` renders."""

    request: Request
    comments: list[Comment]
    alias: str
    extra: dict  # the encoded id, where the facts come from and how fresh


def known_escalations(profile: Profile) -> list[Request]:
    """The escalation requests the alias's mailbox told of, as last read."""
    import json

    from ctlsupport.core.escalation import SUBJECT_PREFIX
    from ctlsupport.model import Request
    from ctlsupport.store import db

    rows = db.connect().execute(
        "SELECT data FROM requests WHERE profile = ? AND json_extract(data, '$.subject') LIKE ?",
        (profile.name, SUBJECT_PREFIX + "%"),
    )
    return [Request(**json.loads(row["data"])) for row in rows]


def read_ticket(request_id: int, state: Session, profile: Profile) -> MailShown:
    """The ticket from the history and its notifications, after reading the mailbox."""
    import json

    from ctlsupport.actions import mailbox
    from ctlsupport.core import tracking
    from ctlsupport.model import Comment, Request
    from ctlsupport.store import db

    conn = db.connect()
    fresh = mailbox.refresh_for(state, profile, conn)
    found = mailbox.ticket(conn, profile, request_id)
    if found is None:
        raise NotFound(
            f"#{request_id} is in none of the desk's notifications read so far",
            hint="Check the number; `ctlsupport sync` reads the alias's mailbox again.",
        )
    stored = conn.execute(
        "SELECT data, customer_alias FROM requests WHERE profile = ? AND id = ?",
        (profile.name, request_id),
    ).fetchone()
    request = Request(**json.loads(stored["data"]))
    request.requester_id = request.requester_id or 1
    comments = [
        Comment(n, request.requester_id if e.kind == "received" else 2, e.author, e.body,
                True, e.at)
        for n, e in enumerate(found.thread, start=1)
    ]  # fmt: skip
    alias = stored["customer_alias"] or tracking.customer_alias(request.description)
    state.notes.note(fresh.text())
    return MailShown(request, comments, alias, {"encoded_id": found.code, **fresh.as_data()})


def watch(
    state: Session,
    profile: Profile,
    on_change: Callable[[tracking.Change], None],
    *,
    request_ids: list[int],
    interval: float,
    count: int | None,
    until: str | None,
    quiet: bool,
) -> int:
    """`watch` from the mailbox: IMAP IDLE between looks where the server has it."""
    from ctlsupport.actions import mail_watch, sync
    from ctlsupport.store import db

    source = sync.open_source(profile, lambda kind: state.secret(kind, profile))
    try:
        conn = db.connect()
        sync.sync(conn, profile, source)  # what was there before is not a change
        watcher = mail_watch.MailWatcher(conn, profile, source, request_ids or None)
        note = (lambda text: None) if quiet else state.notes.note
        return mail_watch.watch(watcher, interval=interval, count=count, until=until,
                                on_change=on_change, note=note)  # fmt: skip
    finally:
        source.close()
