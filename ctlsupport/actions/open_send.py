"""The end of `open`: the ticket queued in the outbox, then delivered exactly once by the
API (or handed to `open_mail` for the email route); or, with --dry-run, what would go."""

from __future__ import annotations

import json
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


def check_email_route(profile: Profile, values: compose.Values, kind: str) -> None:
    """An email route that cannot work says so before anything is typed."""
    from ctlsupport.actions.mail_delivery import smtp_settings
    from ctlsupport.actions.open_mail import route
    from ctlsupport.core.triage import ticket_type

    smtp_settings(profile)
    priority = values.get("priority")
    if priority:
        route(profile, str(priority), ticket_type(kind))


def mail_to(session: Session, kind: str) -> Callable[[TicketDraft], str]:
    """For the preview: the address a draft will be mailed to."""
    from ctlsupport.actions.open_mail import address
    from ctlsupport.core.triage import ticket_type

    return lambda draft: address(session.profile(), draft.priority, ticket_type(kind))


def submit(session: Session, draft: TicketDraft, redactor: Redactor | None, route: str) -> Done:
    """Send the ticket by its route; what does not reach the desk stays in the outbox."""
    if route == "email":
        from ctlsupport.actions import open_mail

        return open_mail.submit(session, draft, redactor)
    return _submit_api(session, draft, redactor)


def dry_run(session: Session, draft: TicketDraft, route: str) -> Done:
    """What would be sent, secrets masked; nothing is queued or sent."""
    profile = session.profile()
    if route == "email":
        from ctlsupport.actions import open_mail

        return open_mail.dry_run(draft, profile)
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
    return Done({"dry_run": True, "uploads": uploads, "payload": payload}, lines)


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
    kept = _kept(draft, request, profile.account_rep)
    data["kept"] = kept.as_data()
    lines += [f"  NOT KEPT: {line}" for line in kept.lines()]
    return Done(data, lines)


def _kept(draft: TicketDraft, request, account_rep: str):
    """What the desk kept of the asked priority and CCs (it drops what an end user may not
    set and still answers 201): said plainly, with the fix."""
    from ctlsupport.core import kept
    from ctlsupport.core.tickets import cc_list

    answer = {"priority": request.priority, "email_cc_ids": request.email_cc_ids,
              "collaborator_ids": request.collaborator_ids}  # fmt: skip
    return kept.compare(
        asked_priority=draft.priority, asked_ccs=cc_list(draft, account_rep), answer=answer
    )


def queued_hint(item_id: int) -> str:
    return f"Kept in the outbox as item {item_id}: `ctlsupport outbox send` tries again."
