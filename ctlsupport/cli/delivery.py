"""Sending outbox items from the CLI: secrets from env, keyring or a prompt; history."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ctlsupport.errors import AuthError, CtlError, DeskUnreachable, Queued

if TYPE_CHECKING:
    import sqlite3

    from ctlsupport.cli.context import AppState
    from ctlsupport.config.settings import Profile
    from ctlsupport.model import Request
    from ctlsupport.secret import Secret
    from ctlsupport.store.outbox import Outbox, OutboxItem


@dataclass
class Report:
    sent: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def as_data(self) -> dict:
        return {"sent": self.sent, "failed": self.failed}


def _pin(state: AppState, profile: Profile) -> Secret | None:
    pin = state.secret("pin", profile)
    if pin is None:
        from ctlsupport.cli import prompts

        if prompts.interactive(state.no_input):
            from ctlsupport.core import validate
            from ctlsupport.secret import SCRUBBER, Secret

            with prompts.Prompter() as prompter:
                value = prompter.secret("Control Portal PIN", check=validate.pin)
            SCRUBBER.add(value)
            pin = Secret(value)
    return pin


def _root_password(state: AppState, item: OutboxItem) -> Secret | None:
    from ctlsupport.cli import prompts

    if not prompts.interactive(state.no_input):
        return None
    from ctlsupport.secret import SCRUBBER, Secret

    subject = item.payload.get("subject", "")
    with prompts.Prompter() as prompter:
        value = prompter.secret(f"Root/admin password for '{subject}' (never stored)")
    SCRUBBER.add(value)
    return Secret(value) if value else None


def send_one(
    state: AppState,
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
        from ctlsupport.cli.mail_delivery import send_mail_one

        with outbox.holding(item):  # the lease is renewed while the mail goes out
            return send_mail_one(
                state, profile, outbox, item, pin, root_password, explicit=explicit, ask=ask
            )
    from ctlsupport.core.submission import send

    root = root_password
    if item.payload.get("login_required") and root is None:
        root = _root_password(state, item)
        if root is None:
            outbox.release(item, "needs the root/admin password: run `outbox send` in a terminal")
            raise Queued(f"outbox item {item.id} needs the root/admin password")
    client = state.client(profile)
    client.on_upload_progress = progress

    result = send(client, outbox, item, pin=pin, root_password=root, on_retry=retrying(state))
    request = result.delivered.result
    remember(state, outbox.conn, profile.name, request, item)
    return {
        "outbox_id": item.id,
        "id": request.id,
        "adopted": result.delivered.adopted,
        "subject": request.subject,
        "web_url": request.web_url,
        "request": request,
    }


def send_pending(
    state: AppState, *, item_id: int | None = None, interactive: bool = True
) -> Report:
    """Send every queued item of the profile (or one), each exactly once.

    Not `interactive`: never prompt; items that need a password wait for `outbox send`.
    """
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
        pin = _pin(state, profile) if interactive else state.secret("pin", profile)
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


@contextmanager
def local_history(state: AppState, what: str, *, quiet: bool = False) -> Iterator[None]:
    """Local history is a convenience: a failure to open or write it only warns, or with
    `quiet` (where the history only helps, as in `list` and `show`) is a --debug line."""
    import sqlite3

    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        if quiet:
            state.out.debug_line(f"local history skipped ({what}): {exc}")
        else:
            state.out.warn(f"could not record {what} in local history: {exc}")


def retrying(state: AppState) -> Callable[[int, str, float], None]:
    """The `on_retry` callback of a delivery: one line per retry, with the wait."""

    def note(attempt: int, reason: str, wait: float) -> None:
        state.out.note(f"  {reason}; trying again in {wait:.1f} s (attempt {attempt + 1})")

    return note


def remember(
    state: AppState, conn: sqlite3.Connection, profile_name: str, request: Request, item: OutboxItem
) -> None:
    """A request sent from here, in local history (for `list --mine` and completion)."""
    from ctlsupport.core.submission import draft_from_payload
    from ctlsupport.store.history import History

    with local_history(state, f"request #{request.id}"):
        History(conn).record_submitted(
            profile_name, request, draft_from_payload(item.payload), client_ref=item.client_ref
        )


def remember_escalation(
    state: AppState,
    conn: sqlite3.Connection | None,
    profile_name: str,
    original_id: int,
    *,
    route: str,
    reason: str,
    escalation_id: int | None = None,
    message_id: str | None = None,
) -> None:
    """An escalation sent from here, by either route (`conn`: None opens the database)."""
    from ctlsupport.store import db
    from ctlsupport.store.escalations import Escalations

    with local_history(state, "the escalation"):
        Escalations(conn or db.connect()).record(
            profile_name, original_id, route=route, reason=reason,
            escalation_id=escalation_id, message_id=message_id,
        )  # fmt: skip
