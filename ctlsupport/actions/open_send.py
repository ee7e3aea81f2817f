"""The end of `open`: the ticket queued in the outbox, then delivered exactly once by the
API (or handed to `open_mail` for the email route); or, with --dry-run, what would go."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ctlsupport.actions.results import Done

if TYPE_CHECKING:
    from collections.abc import Callable

    from ctlsupport.actions.session import Session
    from ctlsupport.config.settings import Profile
    from ctlsupport.core import compose
    from ctlsupport.core.redact import Redactor
    from ctlsupport.model import TicketDraft


@dataclass(frozen=True)
class Plan:
    """How one ticket goes: `api` or `email`, to where, and why when it was not asked."""

    route: str
    to: str
    reason: str = ""


def choose(session: Session, asked: str, priority: str, kind: str) -> str:
    """The route of one ticket: `asked` (api or email), else ("auto") email for urgent
    and high where the profile can send mail, else the profile's `via`."""
    return _choice(session, asked, priority, kind).route


def plan(session: Session, asked: str, draft: TicketDraft, kind: str) -> Plan:
    """The route of a finished draft with its destination, for the preview and the send."""
    from ctlsupport.actions.open_mail import address

    choice = _choice(session, asked, draft.priority, kind)
    profile = session.profile()
    if choice.route == "email":
        return Plan("email", address(profile, draft.priority, draft.type), choice.reason)
    return Plan("api", profile.desk_url, choice.reason)


def _choice(session: Session, asked: str, priority: str, kind: str):
    from ctlsupport.core import routing

    profile = session.profile()
    return routing.ticket_route(
        "" if kind == "task" else priority,  # a service task has one address
        explicit=None if asked == "auto" else asked,
        profile_via=profile.via,
        can_mail=routing.can_send_mail(profile.smtp_host, profile.alias),
    )


def check_email_route(profile: Profile, values: compose.Values, kind: str) -> None:
    """An email route that cannot work says so before anything is typed."""
    from ctlsupport.actions.mail_delivery import smtp_settings
    from ctlsupport.actions.open_mail import route
    from ctlsupport.core.triage import ticket_type

    smtp_settings(profile)
    priority = values.get("priority")
    if priority:
        route(profile, str(priority), ticket_type(kind))


def planner(session: Session, asked: str, kind: str) -> Callable[[TicketDraft], Plan]:
    """For the preview: how a draft will go (it changes with the priority)."""
    return lambda draft: plan(session, asked, draft, kind)


def submit(session: Session, draft: TicketDraft, redactor: Redactor | None, how: Plan) -> Done:
    """Send the ticket by its route; what does not reach the desk stays in the outbox."""
    if how.route == "email":
        from ctlsupport.actions import open_mail

        done = open_mail.submit(session, draft, redactor)
    else:
        done = _submit_api(session, draft, redactor)
    return _with_route(done, how)


def dry_run(session: Session, draft: TicketDraft, how: Plan) -> Done:
    """What would be sent, secrets masked; nothing is queued or sent."""
    profile = session.profile()
    if how.route == "email":
        from ctlsupport.actions import open_mail

        return _with_route(open_mail.dry_run(draft, profile), how)
    from ctlsupport.core.tickets import build_payload, render_body

    body = render_body(draft, alias=profile.alias, mask=True)
    tokens = [f"<upload token for {Path(p).name}>" for p in draft.attachments][:1]
    payload = build_payload(draft, body=body, upload_tokens=tokens, account_rep=profile.account_rep)
    uploads = [{"file": Path(p).name, "size": Path(p).stat().st_size} for p in draft.attachments]
    lines = [f"Would upload {len(uploads)} file(s) to {profile.desk_url}/api/v2/uploads"]
    lines += [f"  {item['file']} ({item['size']} bytes)" for item in uploads]
    lines.append(f"Would POST {profile.desk_url}/api/v2/requests.json with:")
    lines.append(json.dumps(payload, indent=2, ensure_ascii=False))
    lines.append("")
    lines.append("Ticket body:\n" + body.removesuffix("\n"))
    return _with_route(Done({"dry_run": True, "uploads": uploads, "payload": payload}, lines), how)


def _with_route(done: Done, how: Plan) -> Done:
    """The route in the result (and, when it was chosen for the person, why)."""
    data = {**done.data, "route": how.route, "route_reason": how.reason or None}
    lines = list(done.lines)
    if how.reason:
        lines.insert(1, f"  {how.reason}")
    return Done(data, lines)


def _submit_api(session: Session, draft: TicketDraft, redactor: Redactor | None) -> Done:
    from ctlsupport.actions.show import look

    """Queue in the outbox first (nothing typed is lost), then deliver exactly once."""
    from ctlsupport.actions.delivery import send_one
    from ctlsupport.core.submission import queue
    from ctlsupport.errors import CtlError, DeskValidation, Queued
    from ctlsupport.store import db
    from ctlsupport.store.outbox import Outbox

    profile = session.profile()
    outbox = Outbox(db.connect())
    item = queue(
        outbox, profile.name, draft, alias=profile.alias, account_rep=profile.account_rep,
        redactor=redactor,
    )  # fmt: skip
    try:
        with session.progress() as progress:
            sent = send_one(
                session, profile, outbox, item, draft.pin, draft.root_password, progress=progress
            )
    except DeskValidation as exc:
        exc.hint = (
            f"Kept in the outbox as item {item.id}; fix it, or `ctlsupport outbox drop {item.id}`."
        )
        raise
    except CtlError as exc:
        if isinstance(exc, Queued):
            raise Queued(exc.message, hint=queued_hint(item.id)) from None
        raise Queued(f"not delivered: {exc.message}", hint=queued_hint(item.id)) from None
    request = sent["request"]
    data = {
        "id": request.id,
        "url": request.url,
        "web_url": request.web_url,
        "status": request.status,
        "priority": request.priority,
        "subject": request.subject,
        "uploaded": [Path(p).name for p in draft.attachments],
        "client_ref": item.client_ref,
        "adopted": sent["adopted"],
    }
    lines = [
        f"Opened request #{request.id}: {request.subject}",
        f"  priority {request.priority or 'none'}, status {request.status}",
        f"  {look(session, request.id, request.web_url)}",
    ]
    from ctlsupport.core import kept

    lines += kept.noted(data, draft, request, profile.account_rep, by_mail=False)
    return Done(data, lines)


def queued_hint(item_id: int) -> str:
    return f"Kept in the outbox as item {item_id}: `ctlsupport outbox send` tries again."
