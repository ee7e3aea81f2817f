"""`list`, `show` and `watch` when the profile has no API sign-in but names the alias's
mailbox: the mailbox is read first (an incremental sync), then the local history and
the desk's notifications answer, and a note says where the facts come from and how
fresh they are."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ctlsupport.errors import CtlError, NotFound

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session
    from ctlsupport.actions.show import Shown
    from ctlsupport.actions.watch import WatchOptions
    from ctlsupport.config.settings import Profile
    from ctlsupport.core import tracking


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


def show(request_id: int, state: Session, profile: Profile) -> Shown:
    """`show` from the history and the notifications of the ticket."""
    import json
    from dataclasses import asdict

    from ctlsupport.actions import mailbox
    from ctlsupport.actions.show import Shown, sla_panel
    from ctlsupport.actions.tracking import now
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
    first_reply = next((c for c in comments if c.author_id != request.requester_id), None)
    alias = stored["customer_alias"] or tracking.customer_alias(request.description)
    row = tracking.row(request, tier=profile.tier, now=now(), alias=alias,
                       answered=first_reply is not None)  # fmt: skip
    panel = sla_panel(row, profile.tier, first_reply)
    data = {
        "request": asdict(request),
        "customer_alias": row.customer or None,
        "sla": panel,
        "comments": [asdict(c) for c in comments],
        "escalations": [],
        "encoded_id": found.code,
        **fresh.as_data(),
    }
    state.notes.note(fresh.text())
    return Shown(request, row, panel, comments, [], data)


def watch(
    opts: WatchOptions,
    state: Session,
    profile: Profile,
    on_change: Callable[[tracking.Change], None],
) -> int:
    """`watch` from the mailbox: IMAP IDLE between looks where the server has it."""
    from ctlsupport.actions import mail_watch, sync
    from ctlsupport.store import db

    source = sync.open_source(profile, lambda kind: state.secret(kind, profile))
    try:
        conn = db.connect()
        sync.sync(conn, profile, source)  # what was there before is not a change
        watcher = mail_watch.MailWatcher(conn, profile, source, opts.request_ids or None)
        note = (lambda text: None) if opts.quiet else state.notes.note
        return mail_watch.watch(watcher, interval=opts.interval, count=opts.count,
                                until=opts.until, on_change=on_change, note=note)  # fmt: skip
    finally:
        source.close()
