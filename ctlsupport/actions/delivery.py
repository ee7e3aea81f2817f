"""Sending outbox items exactly once: secrets from env, keyring or a question; history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ctlsupport.actions import records
from ctlsupport.errors import AuthError, CtlError, DeskUnreachable, Queued

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session
    from ctlsupport.config.settings import Profile
    from ctlsupport.secret import Secret
    from ctlsupport.store.outbox import Outbox, OutboxItem


@dataclass
class Report:
    sent: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def as_data(self) -> dict:
        return {"sent": self.sent, "failed": self.failed}


def send_one(
    state: Session,
    profile: Profile,
    outbox: Outbox,
    item: OutboxItem,
    pin: Secret | None,
    root_password: Secret | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    *,
    explicit: bool = False,
    ask: bool = True,
) -> dict:
    """Deliver one leased item; raises on failure (the item is back in the queue).

    By email, `explicit`: a person named the item; `ask`: the SMTP password may be asked."""
    if item.route == "email":
        from ctlsupport.actions.mail_delivery import send_mail_one

        with outbox.holding(item):  # the lease is renewed while the mail goes out
            return send_mail_one(
                state, profile, outbox, item, pin, root_password, explicit=explicit, ask=ask
            )
    from ctlsupport.core.submission import send

    root = root_password
    if item.payload.get("login_required") and root is None:
        from ctlsupport.actions.asked import root_password

        root = root_password(state, item)
        if root is None:
            outbox.release(item, "needs the root/admin password: run `outbox send` in a terminal")
            raise Queued(f"outbox item {item.id} needs the root/admin password")
    client = state.client(profile)
    client.on_upload_progress = progress

    result = send(
        client, outbox, item, pin=pin, root_password=root, on_retry=records.retrying(state)
    )
    request = result.delivered.result
    records.remember(state, outbox.conn, profile.name, request, item)
    return {
        "outbox_id": item.id,
        "id": request.id,
        "adopted": result.delivered.adopted,
        "subject": request.subject,
        "web_url": request.web_url,
        "request": request,
    }


def send_pending(state: Session, *, item_id: int | None = None, interactive: bool = True) -> Report:
    """Send every queued item of the profile (or one), each exactly once.

    Not `interactive`: never prompt; items that need a password wait for `outbox send`.
    """
    from ctlsupport.actions import asked
    from ctlsupport.store import db
    from ctlsupport.store.outbox import Outbox

    state.outbox_flushed = True
    profile = state.profile()
    outbox = Outbox(db.connect())
    report = Report()
    pending = outbox.pending(profile.name)
    if not pending:
        return report
    # Tickets carry the PIN; escalation messages do not.
    needs_pin = any(i.kind == "request" for i in pending)
    pin = None
    if needs_pin:
        pin = asked.pin(state, profile) if interactive else state.secret("pin", profile)
        if pin is None and not interactive and all(i.kind == "request" for i in pending):
            return report
    tried: list[int] = []
    if pin is None and not interactive:  # tickets wait for the PIN; messages may go
        tried = [i.id for i in pending if i.kind == "request"]
    while (item := outbox.claim(profile.name, item_id, exclude=tried)) is not None:
        tried.append(item.id)
        if not interactive and item.payload.get("login_required"):
            outbox.release(item, item.last_error or "waiting for `outbox send`")
            continue
        subject = item.payload.get("subject", "")
        # A mailed ticket says itself that it needs the PIN, after its own checks.
        if pin is None and item.kind == "request" and item.route != "email":
            outbox.release(item, "needs the PIN: set CTLSUPPORT_PIN or store it with setup")
            report.failed.append({"outbox_id": item.id, "error": "needs the PIN"})
            report.lines.append(f"{item.id}\tnot sent: needs the PIN (CTLSUPPORT_PIN)\t{subject}")
            continue
        try:
            sent = send_one(
                state, profile, outbox, item, pin, explicit=item_id is not None, ask=interactive
            )
        except (DeskUnreachable, AuthError) as exc:
            report.failed.append({"outbox_id": item.id, "error": exc.message})
            report.lines.append(f"{item.id}\tnot sent: {exc.message}\t{subject}")
            break  # the desk is down or refuses us: the others would fail the same way
        except CtlError as exc:
            report.failed.append({"outbox_id": item.id, "error": exc.message})
            report.lines.append(f"{item.id}\tnot sent: {exc.message}\t{subject}")
            continue
        sent.pop("request")
        report.sent.append(sent)
        report.lines.append(f"{item.id}\t{_how(item, sent)}\t{subject}")
        if item_id is not None:
            break
    return report


def _how(item: OutboxItem, sent: dict) -> str:
    """How an item went, for the report line."""
    if sent["adopted"]:
        return f"found already at the desk as request #{sent['id']}"
    if item.route != "email":
        return f"sent as request #{sent['id']}"
    if sent["id"]:
        return f"sent by email to {sent['to']}, request #{sent['id']}"
    return f"sent by email to {sent['to']}"
