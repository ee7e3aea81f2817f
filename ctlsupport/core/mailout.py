"""Tickets, comments and escalations by email, through the outbox like every submission.

Exactly once, for mail: the Message-ID (and the client reference in the body) are fixed
when the message is queued, so every try sends the very same message. A failure before
the end of DATA means the server has nothing: the message is sent again freely. When
the connection is lost after the whole message was handed over, the server may have
taken it: the message is marked doubtful and is NOT sent again blindly. It is looked
for at the desk (when the API can be used); otherwise it waits until a person names it
(`ctlsupport outbox send N`) or drops it.

No bursts: consecutive messages from one alias leave at least CTLSUPPORT_MAIL_GAP
seconds apart (default 10), booked in the local database so that several processes
keep the gap too.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ctlsupport.core.mailroutes import Route
from ctlsupport.errors import CtlError, DeskUnreachable, Queued
from ctlsupport.model import Request, TicketDraft

if TYPE_CHECKING:
    from email.message import EmailMessage

    from ctlsupport.core.redact import Redactor
    from ctlsupport.secret import Secret
    from ctlsupport.store.mail_log import MailLog, MailRecord
    from ctlsupport.store.outbox import Outbox, OutboxItem
    from ctlsupport.transport.mail import Receipt, SmtpSettings

DEFAULT_GAP_SECONDS = 10.0


def gap_seconds() -> float:
    """The minimum time between two messages from one alias (CTLSUPPORT_MAIL_GAP)."""
    return max(0.0, float(os.environ.get("CTLSUPPORT_MAIL_GAP", DEFAULT_GAP_SECONDS)))


def doubt_text(item_id: int) -> str:
    return (
        "may already be at the desk (the connection dropped after the whole message was "
        "handed over), so it is not sent again on its own; if the desk's acknowledgement "
        f"reached the shared mailbox, `ctlsupport outbox drop {item_id}`, else "
        f"`ctlsupport outbox send {item_id}` sends it again (same Message-ID)"
    )


def _mail_meta(alias: str, route: Route, cc: list[str]) -> dict[str, Any]:
    from email.utils import formatdate

    from ctlsupport.transport.mail import new_message_id

    return {
        "message_id": new_message_id(alias),
        "to": route.address,
        "route": route.name,
        "cc": cc,
        "date": formatdate(usegmt=True),
    }


def queue_ticket(
    outbox: Outbox,
    log: MailLog,
    profile: str,
    draft: TicketDraft,
    *,
    alias: str,
    account_rep: str,
    route: Route,
    redactor: Redactor | None = None,
) -> OutboxItem:
    """Queue a ticket as mail: the draft (no secrets), its route and its Message-ID."""
    from ctlsupport.core.submission import queue
    from ctlsupport.core.tickets import cc_list

    mail = _mail_meta(alias, route, cc_list(draft, account_rep))
    item = queue(
        outbox, profile, draft, alias=alias, account_rep=account_rep, route="email",
        redactor=redactor, mail=mail,
    )  # fmt: skip
    log.record(
        item.client_ref, mail["message_id"], profile=profile, kind="request",
        route=route.name, recipient=route.address, subject=draft.subject,
    )  # fmt: skip
    return item


def queue_escalation(
    outbox: Outbox,
    log: MailLog,
    profile: str,
    *,
    alias: str,
    route: Route,
    ticket_id: int,
    subject: str,
    body: str,
    reason: str,
) -> OutboxItem:
    """Queue an escalation message (it holds no secret at all)."""
    from ctlsupport.core.escalation import new_reference

    ref = new_reference()
    mail = _mail_meta(alias, route, [])
    payload = {
        "subject": subject,
        "body": body + f"\nClient reference: {ref}\n",
        "original_id": ticket_id,
        "reason": reason,
        "meta": {"alias": alias, "mail": mail},
    }
    item = outbox.add(profile, "escalation", payload, route="email", client_ref=ref)
    log.record(
        ref, mail["message_id"], profile=profile, kind="escalation", route=route.name,
        recipient=route.address, subject=subject,
    )  # fmt: skip
    return item


def queue_comment(
    outbox: Outbox,
    log: MailLog,
    profile: str,
    *,
    alias: str,
    ticket_id: int,
    opening: MailRecord,
    body: str,
    reference: str,
    attachments: list[str],
    follow_up: bool = False,
) -> OutboxItem:
    """Queue a comment on ticket `ticket_id` as a reply to `opening`, the message that
    opened it: same address, `Re:` subject, In-Reply-To/References its Message-ID.
    `follow_up`: the ticket is closed, so the desk makes the reply a follow-up request."""
    from ctlsupport.transport.mail import reply_subject

    route = Route(opening.route, opening.recipient)
    mail = {**_mail_meta(alias, route, []), "in_reply_to": opening.message_id}
    return _queue_reply(
        outbox, log, profile, alias=alias, ticket_id=ticket_id, route=route, mail=mail,
        subject=reply_subject(opening.subject), body=body, reference=reference,
        attachments=attachments, follow_up=follow_up,
    )  # fmt: skip


def queue_notice_reply(
    outbox: Outbox,
    log: MailLog,
    profile: str,
    *,
    alias: str,
    ticket_id: int,
    notice: NoticeReply,
    body: str,
    reference: str,
    attachments: list[str],
    follow_up: bool = False,
) -> OutboxItem:
    """Queue a comment on ticket `ticket_id` as a reply to the desk's latest
    notification about it, as a mail client replies: to the desk's reply address,
    `Re:` its subject, In-Reply-To/References its thread, and below the text the
    delimiter and the encoded id quoted, so the desk threads it even where the headers
    are lost and keeps only the text above the delimiter."""
    from ctlsupport.transport.mail import reply_subject

    route = Route("reply", notice.reply_to)
    mail = {**_mail_meta(alias, route, []), "in_reply_to": notice.message_id,
            "references": list(notice.references)}  # fmt: skip
    quoted = f"\n\n{notice.quote_intro}\n> {DELIMITER}\n>\n> [{notice.code}]\n"
    return _queue_reply(
        outbox, log, profile, alias=alias, ticket_id=ticket_id, route=route, mail=mail,
        subject=reply_subject(notice.subject), body=body.rstrip("\n") + quoted,
        reference=reference, attachments=attachments, follow_up=follow_up,
    )  # fmt: skip


def _queue_reply(
    outbox: Outbox,
    log: MailLog,
    profile: str,
    *,
    alias: str,
    ticket_id: int,
    route: Route,
    mail: dict,
    subject: str,
    body: str,
    reference: str,
    attachments: list[str],
    follow_up: bool,
) -> OutboxItem:
    """A reply on ticket `ticket_id` into the outbox, and its Message-ID into the log."""
    payload = {
        "subject": subject,
        "body": body,
        "ticket_id": ticket_id,
        "follow_up": follow_up,
        "meta": {"alias": alias, "mail": mail},
    }
    item = outbox.add(profile, "comment", payload, route="email", attachments=attachments,
                      client_ref=reference)  # fmt: skip
    log.record(
        reference, mail["message_id"], profile=profile, kind="comment", route=route.name,
        recipient=route.address, subject=subject, desk_id=None if follow_up else ticket_id,
    )  # fmt: skip
    return item


DELIMITER = "##- Please type your reply above this line -##"


@dataclass(frozen=True)
class NoticeReply:
    """What a reply to one of the desk's notifications needs of it."""

    message_id: str
    references: tuple[str, ...]
    reply_to: str
    subject: str
    code: str
    sent_at: str

    @property
    def quote_intro(self) -> str:
        return f"On {self.sent_at}, the desk wrote:"


def _date(mail: dict[str, Any]) -> float | None:
    from email.utils import mktime_tz, parsedate_tz

    parsed = parsedate_tz(mail.get("date", ""))
    return None if parsed is None else float(mktime_tz(parsed))


def build(
    item: OutboxItem, *, pin: Secret | None = None, root_password: Secret | None = None
) -> EmailMessage:
    """The message of a queued item, exactly as on every earlier try."""
    from ctlsupport.core.submission import ticket_body
    from ctlsupport.transport import mail

    meta = item.payload.get("meta", {})
    info = meta["mail"]
    alias = meta.get("alias", "")
    if item.kind == "comment":
        return mail.build_reply(
            alias=alias, to=info["to"], subject=item.payload["subject"],
            body=item.payload["body"], message_id=info["message_id"],
            in_reply_to=info["in_reply_to"], attachments=item.payload.get("attachments", []),
            date=_date(info), references=info.get("references", []),
        )  # fmt: skip
    if item.kind == "escalation":
        # A NEW message, never a reply or a forward (the provider's automation would add
        # the sender to the old ticket); its subject is `ESCALATION: Ticket - <number>`.
        return mail.build_ticket(
            alias=alias, to=info["to"], subject=item.payload["subject"],
            body=item.payload["body"], message_id=info["message_id"], date=_date(info),
        )  # fmt: skip
    draft, body = ticket_body(item, pin=pin, root_password=root_password, mask=pin is None)
    return mail.build_ticket(
        alias=alias, to=info["to"], cc=info.get("cc", []), subject=draft.subject, body=body,
        message_id=info["message_id"], attachments=draft.attachments, date=_date(info),
    )  # fmt: skip


@dataclass
class MailSent:
    item: OutboxItem
    message_id: str
    to: str
    receipt: Receipt | None  # None when found at the desk instead of sent again
    adopted: bool = False
    request: Request | None = None


def send(
    outbox: Outbox,
    log: MailLog,
    item: OutboxItem,
    *,
    settings: SmtpSettings,
    alias: str,
    password: Secret | None = None,
    pin: Secret | None = None,
    root_password: Secret | None = None,
    find: Callable[[], Request | None] | None = None,
    explicit: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    debug: Callable[[str], None] | None = None,
    waiting: Callable[[float], None] | None = None,
) -> MailSent:
    """Send one leased mail item; any failure puts it back in the queue with the reason.

    `alias` is the profile's alias NOW: a message queued from another alias is refused.
    `find` looks for the message at the desk by its client reference (API route).
    `explicit`: a person named this item, so a doubtful message may go again.
    `waiting`: told how long the send waits for the gap between two mails (no bursts).
    """
    from ctlsupport.core.submission import releasing
    from ctlsupport.transport import mail

    info = item.payload["meta"]["mail"]
    record = log.get(item.client_ref)

    def why(exc: CtlError) -> str:
        doubtful = isinstance(exc, DeskUnreachable) and exc.maybe_sent
        return f"{exc.message}; {doubt_text(item.id)}" if doubtful else exc.message

    with releasing(outbox, item, why):
        if record is not None and record.state == "doubtful":
            found = _look(find)
            if found is not None:
                outbox.mark_sent(item, found.id, adopted=True)
                log.accepted(item.client_ref, found.id)
                return MailSent(item, info["message_id"], info["to"], None, True, found)
            if not explicit:
                raise Queued(f"not sent again: {doubt_text(item.id)}")
        message = build(item, pin=pin, root_password=root_password)
        mail.check_sender(message, alias)  # before any connection
        wait = log.reserve_slot(alias, gap_seconds())
        if wait > 0:
            if waiting:
                waiting(wait)
            if debug:
                debug(f"mail: waiting {wait:.1f} s (no bursts: CTLSUPPORT_MAIL_GAP)")
            sleep(wait)
        outbox.attempt(item)
        log.attempted(item.client_ref)
        try:
            receipt = mail.send(message, settings, alias=alias, password=password, debug=debug)
        except DeskUnreachable as exc:
            if exc.maybe_sent:
                log.doubtful(item.client_ref)
            raise
    # The desk numbers a mailed ticket when it processes the mail: one look for it (at a
    # real desk that may take a while, so not finding it is normal).
    found = None
    try:
        found = _look(find, debug)
    finally:  # sent is sent, even when the look is interrupted
        desk_id = found.id if found else None
        outbox.mark_sent(item, desk_id)
        log.accepted(item.client_ref, desk_id)
    return MailSent(item, info["message_id"], info["to"], receipt, request=found)


def _look(
    find: Callable[[], Request | None] | None, debug: Callable[[str], None] | None = None
) -> Request | None:
    if find is None:
        return None
    try:
        return find()
    except CtlError as exc:
        if debug:
            debug(f"mailed ticket not looked up: {exc.message}")
        return None  # still unknown: a person decides
