"""`open --via email`: the ticket as a message from the support alias, queued in the
outbox first like every submission, then handed to the SMTP server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctlsupport.actions.results import Done
    from ctlsupport.actions.session import Session
    from ctlsupport.config.settings import Profile
    from ctlsupport.core.mailroutes import Route
    from ctlsupport.core.redact import Redactor
    from ctlsupport.model import TicketDraft


def route(profile: Profile, priority: str, ticket_type: str) -> Route:
    """The route (address) a ticket of this priority and type is mailed to."""
    from ctlsupport.core import mailroutes

    return mailroutes.resolve(
        profile.routes, priority=priority, ticket_type=ticket_type, tier=profile.tier
    )


def address(profile: Profile, priority: str, ticket_type: str) -> str:
    """For a preview: the address a ticket would be mailed to, or why there is none."""
    from ctlsupport.errors import CtlError

    try:
        return route(profile, priority, ticket_type).address
    except CtlError as exc:
        return f"(no address: {exc.message})"


def submit(state: Session, draft: TicketDraft, redactor: Redactor | None) -> Done:
    """Queue (Message-ID fixed now), send, and say where it went."""
    from ctlsupport.actions.mail_delivery import kept, ready, send_mail_one
    from ctlsupport.actions.results import Done
    from ctlsupport.core import mailout
    from ctlsupport.errors import CtlError
    from ctlsupport.store import db
    from ctlsupport.store.mail_log import MailLog
    from ctlsupport.store.outbox import Outbox

    profile = state.profile()
    ready(profile)  # an alias to send from and a complete SMTP server, before queueing
    mail_route = route(profile, draft.priority, draft.type)
    outbox = Outbox(db.connect())
    item = mailout.queue_ticket(
        outbox, MailLog(outbox.conn), profile.name, draft, alias=profile.alias,
        account_rep=profile.account_rep, route=mail_route, redactor=redactor,
    )  # fmt: skip
    try:
        sent = send_mail_one(state, profile, outbox, item, draft.pin, draft.root_password)
    except CtlError as exc:
        raise kept(exc, item) from None
    request = sent.pop("request")
    data = {
        **sent,
        "priority": draft.priority,
        "route_name": mail_route.name,
        "status": request.status if request else None,
        "uploaded": [Path(p).name for p in draft.attachments],  # as the API route names them
    }

    if request is None:  # a real desk numbers it later, and mails the alias
        lines = [
            f"Sent by email to {sent['to']}: {draft.subject}",
            f"  Message-ID {sent['message_id']}",
            f"  The desk numbers the ticket when it processes the mail; its "
            f"acknowledgement goes to {profile.alias}.",
        ]
        return Done(data, lines)
    from ctlsupport.actions.show import look
    from ctlsupport.core import kept

    lines = [
        f"Opened request #{request.id} by email to {sent['to']}: {draft.subject}",
        f"  priority {request.priority or 'none'}, status {request.status}",
        f"  Message-ID {sent['message_id']}",
        f"  {look(state, request.id, request.web_url)}",
    ]
    lines += kept.noted(data, draft, request, profile.account_rep, by_mail=True)
    return Done(data, lines)


def dry_run(draft: TicketDraft, profile: Profile) -> Done:
    """The message that would be sent, secrets masked; nothing is queued or sent."""
    from ctlsupport.actions.mail_delivery import smtp_settings
    from ctlsupport.actions.results import Done
    from ctlsupport.core.tickets import cc_list, render_body
    from ctlsupport.errors import CtlError
    from ctlsupport.transport import mail

    body = render_body(draft, alias=profile.alias, mask=True)
    to = address(profile, draft.priority, draft.type)
    try:
        server = smtp_settings(profile)
        via = f"{server.where} ({server.security})"
    except CtlError as exc:
        via = f"(not set: {exc.message})"
    message = mail.build_ticket(
        alias=profile.alias or "(no alias)", to=to, cc=cc_list(draft, profile.account_rep),
        subject=draft.subject, body=body, message_id="<assigned-when-queued@localhost>",
    )  # fmt: skip
    uploads = [{"file": Path(p).name, "size": Path(p).stat().st_size} for p in draft.attachments]
    headers = {k: str(v) for k, v in message.items() if k not in ("Content-Type",
               "Content-Transfer-Encoding", "MIME-Version")}  # fmt: skip

    lines = [f"Would send by email through {via}:"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [f"Attachment: {item['file']} ({item['size']} bytes)" for item in uploads]
    lines.append("\n" + body.removesuffix("\n"))
    return Done(
        {"dry_run": True, "route": "email", "smtp": via, "headers": headers, "body": body,
         "attachments": uploads},
        lines,
    )  # fmt: skip
