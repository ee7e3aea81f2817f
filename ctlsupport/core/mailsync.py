"""One notification into the local history: which ticket it is about, the number a
mailed ticket gets, the agent's reply, the status it implies.

The ticket is found by what the desk controls least loosely first (contract §13.5): the
encoded id already linked to a number, then the threading headers (an earlier
notification, or a mail of ours the desk numbered), then the number in the text. The
API's facts win: a request read from the API only gets the gaps filled.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass

from ctlsupport.core.notices import NotANotice, Notice
from ctlsupport.model import Request, printable
from ctlsupport.secret import mask_ticket_secrets
from ctlsupport.store.db import stamp
from ctlsupport.store.mail_log import MailLog
from ctlsupport.store.mailbox import MailboxStore, StoredNotice


@dataclass
class Effect:
    """What one notification changed (for the summary)."""

    ticket: int
    new_ticket: bool = False
    number_learned: bool = False
    reply: bool = False
    status_change: bool = False


def apply(conn: sqlite3.Connection, profile: str, notice: Notice) -> Effect:
    """Record the notification; NotANotice("duplicate" | "unmatched") when it adds nothing."""
    store = MailboxStore(conn)
    if store.has_notice(profile, notice.message_id):
        raise NotANotice("duplicate")
    ticket = (
        store.ticket_of_code(profile, notice.code)
        or store.ticket_of_messages(profile, notice.references)
        or notice.ticket
    )
    if ticket is None:
        raise NotANotice("unmatched")
    effect = Effect(ticket, number_learned=store.learn_code(profile, notice.code, ticket))
    mine, client_ref = _link_ours(conn, profile, notice, ticket)
    before = conn.execute(
        "SELECT status, source, mail_updated_at FROM requests WHERE profile = ? AND id = ?",
        (profile, ticket),
    ).fetchone()
    status = notice.status
    if status is None and notice.kind == "reply":
        # An agent's public reply: a new request becomes open; otherwise unknown.
        status = "open" if before is None or before["status"] in ("", "new") else None
    # Mail text is shown in a terminal later: no escape sequences are kept.
    store.add_notice(
        profile,
        StoredNotice(
            notice.message_id, ticket, notice.code, notice.kind, status,
            printable(notice.author), printable(mask_ticket_secrets(notice.text)),
            printable(notice.subject), notice.reply_to, notice.sent_at,
            " ".join(notice.references),
        ),
    )  # fmt: skip
    if before is None:
        _insert(conn, profile, ticket, notice, status or "open", mine, client_ref)
        effect.new_ticket = True
    else:
        effect.status_change = _update(conn, profile, ticket, notice, status, before)
    if notice.kind == "reply":
        effect.reply = True
        conn.execute(
            "UPDATE requests SET first_reply_at = COALESCE(first_reply_at, ?) "
            "WHERE profile = ? AND id = ?",
            (notice.sent_at, profile, ticket),
        )
    return effect


def _link_ours(
    conn: sqlite3.Connection, profile: str, notice: Notice, ticket: int
) -> tuple[bool, str | None]:
    """A notification that answers a mail of ours (its Message-ID in References, or our
    client reference in the quoted text) gives that mail its ticket number."""
    from ctlsupport.core.comments import reference_in

    log = MailLog(conn)
    records = [log.by_message_id(mid) for mid in notice.references]
    ref = reference_in(notice.full_text)
    if ref:
        records.append(log.get(ref))
    for record in records:
        if record is None or record.profile != profile or record.kind != "request":
            continue
        if record.desk_id in (None, ticket):
            log.link([(record.client_ref, ticket)])
            return True, record.client_ref
    return False, None


def _insert(
    conn: sqlite3.Connection,
    profile: str,
    ticket: int,
    notice: Notice,
    status: str,
    mine: bool,
    client_ref: str | None,
) -> None:
    request = Request(
        id=ticket,
        subject=notice.title,
        status=status,
        priority=_priority_mailed(conn, client_ref),
        type=None,
        description=mask_ticket_secrets(notice.text) if notice.kind == "received" else "",
        created_at=notice.sent_at,
        updated_at=notice.sent_at,
        url="",
        web_url="",
        via_channel="email",
    )
    conn.execute(
        "INSERT INTO requests (profile, id, subject, status, priority, created_at, "
        "updated_at, submitted_here, client_ref, seen_at, data, source, mail_updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'mail', ?)",
        (profile, ticket, request.subject, status, request.priority, notice.sent_at,
         notice.sent_at, int(mine), client_ref, stamp(), json.dumps(asdict(request)),
         notice.sent_at),
    )  # fmt: skip


# The desk sets a mailed ticket's priority from the address it was sent to: urgent@ and
# high@ give theirs, every other address (the shared queue) gives normal.
_ADDRESS_PRIORITY = {"urgent": "urgent", "high": "high"}


def _priority_mailed(conn: sqlite3.Connection, client_ref: str | None) -> str | None:
    """The priority of a ticket mailed from here, from the route it was mailed by."""
    if client_ref is None:
        return None
    from ctlsupport.store.mail_log import MailLog

    record = MailLog(conn).get(client_ref)
    if record is None or record.kind != "request":
        return None
    return _ADDRESS_PRIORITY.get(record.route, "normal")


def _update(
    conn: sqlite3.Connection,
    profile: str,
    ticket: int,
    notice: Notice,
    status: str | None,
    before: sqlite3.Row,
) -> bool:
    """Newer mail moves a mail-made request on; an API-read one only learns when the
    mailbox last told of it. Returns whether the status changed."""
    newer = notice.sent_at >= (before["mail_updated_at"] or "")
    if before["source"] != "mail" or not newer:
        conn.execute(
            "UPDATE requests SET mail_updated_at = MAX(COALESCE(mail_updated_at, ''), ?) "
            "WHERE profile = ? AND id = ?",
            (notice.sent_at, profile, ticket),
        )
        return False
    changed = status is not None and status != before["status"]
    conn.execute(
        "UPDATE requests SET status = COALESCE(?, status), updated_at = MAX(updated_at, ?), "
        "mail_updated_at = ?, data = json_set(data, '$.status', COALESCE(?, status), "
        "'$.updated_at', MAX(updated_at, ?)) WHERE profile = ? AND id = ?",
        (status, notice.sent_at, notice.sent_at, status, notice.sent_at, profile, ticket),
    )
    return changed
