"""`comment --via email`: the comment as a reply to the desk's latest notification about
the ticket (read from the alias's mailbox by `sync`), else to the message that opened it
from here; queued in the outbox first like every message, then handed to the SMTP server.

The desk threads mail onto a ticket by In-Reply-To/References naming a message of that
ticket, or by the encoded id in the body (contract §8.2): without a notification or our
own opening mail the comment is refused, never guessed (no `#id` in the subject: that is
the old, unconfirmed mail API).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ctlsupport.actions.results import Done
from ctlsupport.errors import CtlError, InvalidInput, NotFound

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session
    from ctlsupport.config.settings import Profile
    from ctlsupport.model import Request
    from ctlsupport.store.mail_log import MailLog


@dataclass(frozen=True)
class _Known:
    """What is known of a ticket that could not be read from the desk."""

    id: int
    subject: str


def post(
    state: Session,
    profile: Profile,
    request_id: int,
    *,
    text: str | None,
    name: str,
    files: list[str],
    follow_up: bool | None,
    saved=None,
    in_reply_to: str | None = None,
    redact: bool = True,
) -> Done:
    """Queue the signed comment as a reply on ticket `request_id`, then send it;
    `in_reply_to`: the Message-ID of the mail that became the ticket, given by hand.
    Text and attachments pass the outbound gate (`redact`: False for --no-redact)."""
    from ctlsupport.core.outbound import Gate

    gate = Gate.for_profile(profile.name, profile.alias, redact=redact)
    text = gate.text(text) if text else text  # drafts keep only what may be sent
    from ctlsupport.actions import comment_parts as parts
    from ctlsupport.actions.mail_delivery import kept, ready, send_mail_one
    from ctlsupport.core import comments, mailout
    from ctlsupport.store import db
    from ctlsupport.store.mail_log import MailLog
    from ctlsupport.store.outbox import Outbox

    outbox = Outbox(db.connect())
    log = MailLog(outbox.conn)
    if in_reply_to is not None:
        link_message(log, profile.name, request_id, in_reply_to)
    ready(profile)  # settings that can never work fail before anything is queued
    request = _read(state, profile, request_id)
    if request is not None:
        link_references(log, [request])
    notice = _latest_notice(state, profile, outbox.conn, request_id)
    opening = log.opening(profile.name, request_id)
    if opening is None and notice is None:
        raise InvalidInput(
            f"no notification about #{request_id} was read from the alias's mailbox, and "
            "no message from here is known to have opened it: the desk threads an emailed "
            "comment only as a reply to its ticket's own mail",
            hint="Read the desk's notifications with `ctlsupport sync` (see docs/email.md), "
            f"reply to the notification about #{request_id} from your mail client, or use "
            "`--via api`.",
        )
    status = (
        request.status if request is not None else _known_status(outbox.conn, profile, request_id)
    )
    target = parts.target(state, request_id, status, follow_up)

    def keep(why: str, maybe_sent: bool = False, typed: str | None = None) -> int:
        kept_text = (text if typed is None else typed) or ""
        return parts.save_draft(profile.name, request_id, kept_text, files, None,
                                  why, saved.id if saved else None, False)  # fmt: skip

    subject = notice.subject if notice is not None else opening.subject
    shown = request if request is not None else _Known(request_id, subject)
    text, name = parts.text_and_name(state, shown, text, name, keep)
    text = gate.text(text)
    reference = (saved.payload.get("reference") if saved else None) or comments.new_reference()
    body = comments.render(text, full_name=name, alias=profile.alias, reference=reference)
    if notice is not None:  # a reply to the latest notification, as a mail client's
        item = mailout.queue_notice_reply(
            outbox, log, profile.name, alias=profile.alias, ticket_id=request_id,
            notice=notice, body=body, reference=reference, attachments=gate.files(files),
            follow_up=target.follow_up,
        )  # fmt: skip
        replied_to = notice.message_id
    else:
        item = mailout.queue_comment(
            outbox, log, profile.name, alias=profile.alias, ticket_id=request_id,
            opening=opening, body=body, reference=reference, attachments=gate.files(files),
            follow_up=target.follow_up,
        )  # fmt: skip
        replied_to = opening.message_id
    if saved is not None:
        parts.drop_draft(saved.id)  # the outbox keeps it from now on
    try:
        sent = send_mail_one(state, profile, outbox, item, None)
    except CtlError as exc:
        raise kept(exc, item) from None
    return _done(request_id, sent, target.follow_up, replied_to, files)


def link_message(log: MailLog, profile_name: str, request_id: int, message_id: str) -> None:
    """Note that our message `message_id` became ticket `request_id`: without the API,
    only the person knows it (from the desk's notification)."""
    wanted = message_id.strip()
    wanted = wanted if wanted.startswith("<") else f"<{wanted.strip('<>')}>"
    record = log.by_message_id(wanted)
    if record is None or record.profile != profile_name or record.kind != "request":
        raise InvalidInput(
            f"--in-reply-to: no ticket mail with Message-ID {wanted} was sent from this profile",
            hint="Give the Message-ID that `ctlsupport open --via email` printed.",
        )
    if record.desk_id not in (None, request_id):
        raise InvalidInput(
            f"--in-reply-to: the message {wanted} became #{record.desk_id}, not #{request_id}"
        )
    log.link([(record.client_ref, request_id)])


def _read(state: Session, profile: Profile, request_id: int) -> Request | None:
    """The ticket from the desk's API, or None where the API cannot be used (a partner
    with only SMTP access still comments; the status checks are then the desk's)."""
    try:
        return state.client(profile).get_request(request_id)
    except NotFound:
        raise
    except CtlError as exc:
        state.notes.debug_line(f"#{request_id} not read from the desk: {exc.message}")
        return None


def _latest_notice(state: Session, profile: Profile, conn, request_id: int):
    """The desk's latest notification about the ticket, after reading the mailbox when
    the profile names one (a mailbox that cannot be read is a warning)."""
    from ctlsupport.actions import mailbox, sync

    if sync.configured(profile):
        mailbox.refresh_for(state, profile, conn)
    return mailbox.reply_target(conn, profile, request_id)


def _known_status(conn, profile: Profile, request_id: int) -> str:
    """The status the local history knows (from the mailbox, without the API)."""
    row = conn.execute(
        "SELECT status FROM requests WHERE profile = ? AND id = ?", (profile.name, request_id)
    ).fetchone()
    return row[0] if row else ""


def link_references(log: MailLog, requests: list[Request]) -> None:
    """Note which ticket each mailed message became, from the client reference that
    ctlsupport writes into every body (the desk numbers mail only when it arrives)."""
    from ctlsupport.core.comments import reference_in

    found = [(ref, r.id) for r in requests if (ref := reference_in(r.description))]
    if found:
        log.link(found)


def _done(request_id: int, sent: dict, follow_up: bool, in_reply_to: str, files: list[str]) -> Done:
    request = sent.pop("request")
    data = {
        **sent,
        "id": request_id,
        "follow_up": follow_up,
        "follow_up_id": request.id if follow_up and request is not None else None,
        "status": request.status if request is not None and not follow_up else None,
        "in_reply_to": in_reply_to,
        "attachments": [Path(p).name for p in files],
    }
    lines = [
        f"Sent by email to {sent['to']} as a reply on #{request_id}: {sent['subject']}",
        f"  Message-ID {sent['message_id']}, in reply to {in_reply_to}",
    ]
    lines += [f"  attached {name}" for name in data["attachments"]]
    if data["follow_up_id"]:
        lines.append(f"  the desk opened follow-up request #{data['follow_up_id']}")
    elif data["status"]:
        lines.append(f"  the desk shows it on #{request_id} (status {data['status']})")
    elif follow_up:
        lines.append(f"  #{request_id} is closed: the desk opens a follow-up request.")
    else:
        lines.append(f"  The desk adds it to #{request_id} when it processes the mail.")
    return Done(data, lines)
