"""A ticket as the desk receives it: the body in the provider's layout, and the payload."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ctlsupport.model import TicketDraft
from ctlsupport.secret import MASK

RULE = "-" * 40


def _block(title: str, text: str) -> list[str]:
    return ["", title, RULE, text.rstrip()]


def render_body(
    draft: TicketDraft, *, alias: str = "", mask: bool = False, now: datetime | None = None
) -> str:
    """The ticket's first comment: the provider's template lines, then the partner's text.

    With `mask`, secrets are shown as ******** (for the preview and --dry-run).
    """
    now = now or datetime.now(UTC)
    pin = MASK if mask or draft.pin is None else draft.pin.reveal()
    lines = []
    if draft.partner_ticket:
        lines.append(f"Partner ticket number: {draft.partner_ticket}")
    lines += [
        f"Customer name: {draft.customer_name}",
        f"Account alias: {draft.customer_alias}",
        f"Control Portal username: {draft.portal_username}",
        f"User PIN: {pin}",
        f"Data center: {draft.datacenter}",
        f"Server(s) affected: {draft.server}",
        f"External IP: {draft.ip}",
        f"Priority: {draft.priority}",
        f"Reported at: {now.strftime('%Y-%m-%d %H:%M UTC')}",
    ]
    lines += _triage_lines(draft)
    if draft.login_required and draft.root_password is not None:
        password = MASK if mask else draft.root_password.reveal()
        lines.append(f"Root/admin password (provider may log in): {password}")
    else:
        lines.append("Root/admin password: not provided (no login needed)")
    lines += _block("Description", draft.description)
    lines += _block("Troubleshooting steps taken", draft.steps)
    lines += _block("Error output", draft.error_text)
    if draft.attachments:
        names = ", ".join(Path(p).name for p in draft.attachments)
        lines += ["", f"Attached: {names}"]
    lines += ["", "--", draft.full_name]
    if alias:
        lines.append(f"Partner support ({alias})")
    return "\n".join(lines) + "\n"


def _triage_lines(draft: TicketDraft) -> list[str]:
    """Why this priority (urgent/high), and a service task's due date."""
    lines = []
    if draft.priority_justification:
        lines.append(f"Priority justification: {draft.priority_justification}")
    if draft.business_impact:
        lines.append(f"Business impact: {draft.business_impact}")
    if draft.due_at:
        lines.append(f"Requested due date: {draft.due_at}")
    return lines


def cc_list(draft: TicketDraft, account_rep: str = "") -> list[str]:
    """The account rep first (best practice), then --cc, without repeats."""
    seen: dict[str, None] = {}
    for address in [account_rep, *draft.cc]:
        if address:
            seen.setdefault(address.lower(), None)
    return list(seen)


def build_payload(
    draft: TicketDraft,
    *,
    body: str,
    upload_tokens: list[str] | None = None,
    account_rep: str = "",
) -> dict:
    """The JSON for POST /api/v2/requests."""
    comment: dict[str, object] = {"body": body}
    if upload_tokens:
        comment["uploads"] = upload_tokens
    request: dict[str, object] = {
        "subject": draft.subject,
        "comment": comment,
        "priority": draft.priority,
        "type": draft.type,
    }
    if draft.due_at:
        request["due_at"] = draft.due_at  # only meaningful for type task
    ccs = cc_list(draft, account_rep)
    if ccs:
        request["email_ccs"] = [{"user_email": a, "action": "put"} for a in ccs]
    return {"request": request}
