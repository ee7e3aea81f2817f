"""`comment --via email`: the comment as a reply to the message that opened the ticket,
queued in the outbox first like every message, then handed to the SMTP server.

The desk threads mail onto a ticket only by In-Reply-To/References naming a message of
that ticket (contract §8.2): a message of our own can name only the mail that opened the
ticket from here, so without that mail the comment is refused, never guessed (no `#id`
in the subject: that is the old, unconfirmed mail API).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ctlsupport.errors import CtlError, InvalidInput, NotFound

if TYPE_CHECKING:
    from ctlsupport.cli.context import AppState
    from ctlsupport.config.settings import Profile
    from ctlsupport.model import Request
    from ctlsupport.store.mail_log import MailLog


@dataclass(frozen=True)
class _Known:
    """What is known of a ticket that could not be read from the desk."""

    id: int
    subject: str


def post(
    state: AppState,
    profile: Profile,
    request_id: int,
    *,
    text: str | None,
    name: str,
    files: list[str],
    follow_up: bool | None,
    asking: bool,
    saved=None,
    in_reply_to: str | None = None,
    redact: bool = True,
) -> None:
    """Queue the signed comment as a reply on ticket `request_id`, then send it;
    `in_reply_to`: the Message-ID of the mail that became the ticket, given by hand.
    Text and attachments pass the outbound gate (`redact`: False for --no-redact)."""
    from ctlsupport.core.outbound import Gate

    gate = Gate.for_profile(profile.name, profile.alias, redact=redact)
    text = gate.text(text) if text else text  # drafts keep only what may be sent
    from ctlsupport.cli.commands import comment as command
    from ctlsupport.cli.mail_delivery import kept, ready, send_mail_one
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
    opening = log.opening(profile.name, request_id)
    if opening is None:
        raise InvalidInput(
            f"no message from here is known to have opened #{request_id}, and the desk "
            "threads an emailed comment only as a reply to its ticket's own mail",
            hint=f"Reply to the desk's notification about #{request_id} from your mail "
            "client, or use `--via api`.",
        )
    status = request.status if request is not None else ""
    target = command.target(state, request_id, status, follow_up, asking)

    def keep(why: str, maybe_sent: bool = False, typed: str | None = None) -> int:
        kept_text = (text if typed is None else typed) or ""
        return command.save_draft(state, profile.name, request_id, kept_text, files, None,
                                  why, saved.id if saved else None, False)  # fmt: skip

    shown = request if request is not None else _Known(request_id, opening.subject)
    text, name = command.text_and_name(state, shown, text, name, asking, keep)
    text = gate.text(text)
    reference = (saved.payload.get("reference") if saved else None) or comments.new_reference()
    body = comments.render(text, full_name=name, alias=profile.alias, reference=reference)
    item = mailout.queue_comment(
        outbox, log, profile.name, alias=profile.alias, ticket_id=request_id, opening=opening,
        body=body, reference=reference, attachments=gate.files(files), follow_up=target.follow_up,
    )  # fmt: skip
    if saved is not None:
        command.drop_draft(saved.id)  # the outbox keeps it from now on
    try:
        sent = send_mail_one(state, profile, outbox, item, None)
    except CtlError as exc:
        raise kept(exc, item) from None
    _print(state, request_id, sent, target.follow_up, opening.message_id, files)


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


def _read(state: AppState, profile: Profile, request_id: int) -> Request | None:
    """The ticket from the desk's API, or None where the API cannot be used (a partner
    with only SMTP access still comments; the status checks are then the desk's)."""
    try:
        return state.client(profile).get_request(request_id)
    except NotFound:
        raise
    except CtlError as exc:
        state.out.debug_line(f"#{request_id} not read from the desk: {exc.message}")
        return None


def link_references(log: MailLog, requests: list[Request]) -> None:
    """Note which ticket each mailed message became, from the client reference that
    ctlsupport writes into every body (the desk numbers mail only when it arrives)."""
    from ctlsupport.core.comments import reference_in

    found = [(ref, r.id) for r in requests if (ref := reference_in(r.description))]
    if found:
        log.link(found)


def _print(
    state: AppState,
    request_id: int,
    sent: dict,
    follow_up: bool,
    in_reply_to: str,
    files: list[str],
) -> None:
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

    def human() -> None:
        out = sys.stdout
        out.write(f"Sent by email to {sent['to']} as a reply on #{request_id}: {sent['subject']}\n")
        out.write(f"  Message-ID {sent['message_id']}, in reply to {in_reply_to}\n")
        for name in data["attachments"]:
            out.write(f"  attached {name}\n")
        if data["follow_up_id"]:
            out.write(f"  the desk opened follow-up request #{data['follow_up_id']}\n")
        elif data["status"]:
            out.write(f"  the desk shows it on #{request_id} (status {data['status']})\n")
        elif follow_up:
            out.write(f"  #{request_id} is closed: the desk opens a follow-up request.\n")
        else:
            out.write(f"  The desk adds it to #{request_id} when it processes the mail.\n")

    state.out.result(data, human)
