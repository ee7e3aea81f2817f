"""Sending outbox items by email: SMTP settings and password, the look at
the desk that gives a mailed ticket its number (or finds a mailed comment), and local
history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ctlsupport.errors import CtlError, Queued

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session
    from ctlsupport.config.settings import Profile
    from ctlsupport.model import Request
    from ctlsupport.secret import Secret
    from ctlsupport.store.outbox import Outbox, OutboxItem
    from ctlsupport.transport.mail import SmtpSettings


def smtp_settings(profile: Profile) -> SmtpSettings:
    """The profile's SMTP server (ConfigError when it is incomplete)."""
    from ctlsupport.transport.mail import SmtpSettings

    return SmtpSettings.from_values(
        profile.smtp_host, profile.smtp_port, profile.smtp_security, profile.smtp_user
    )


def ready(profile: Profile) -> SmtpSettings:
    """The SMTP server, once the profile can send at all: an alias to send from and a
    complete server (ConfigError otherwise, before anything is queued)."""
    from ctlsupport.errors import ConfigError

    if not profile.alias:
        raise ConfigError(
            f"profile {profile.name!r} has no support alias to send from",
            hint="Run `ctlsupport setup --alias support@your-company.example`.",
        )
    return smtp_settings(profile)


def kept(exc: CtlError, item: OutboxItem) -> Queued:
    """The one-line error for a message that was queued but not delivered."""
    text = exc.message if exc.message.startswith("not ") else f"not delivered: {exc.message}"
    return Queued(
        text, hint=f"Kept in the outbox as item {item.id}: `ctlsupport outbox send` tries again."
    )


def _password(state: Session, profile: Profile, ask: bool) -> tuple[Secret | None, bool]:
    """(password, typed now): env, then keyring, then a prompt in a terminal."""
    if not profile.smtp_user:
        return None, False
    if profile.name in state.smtp_passwords:  # asked at most once per run
        return state.smtp_passwords[profile.name], False
    secret = state.secret("smtp-password", profile)
    typed = False
    if secret is None:
        asker = state.asker()
        if ask and asker.interactive:
            from ctlsupport.secret import SCRUBBER, Secret

            value = asker.secret(f"SMTP password for {profile.smtp_user} at {profile.smtp_host}")
            SCRUBBER.add(value)
            secret, typed = (Secret(value), True) if value else (None, False)
    if secret is not None:
        state.smtp_passwords[profile.name] = secret
    return secret, typed


def _keep_password(state: Session, profile: Profile, secret: Secret) -> None:
    """A password that worked is kept in the keyring, so it is asked only once."""
    from ctlsupport.config import secrets

    try:
        secrets.store(profile.name, "smtp-password", secret)
        state.notes.note("The SMTP password is kept in the OS keyring.")
    except CtlError as exc:
        state.notes.warn(f"the SMTP password was not kept: {exc.message}")


def _finder(state: Session, profile: Profile, item: OutboxItem):
    """A look at the desk for this item's client reference, when the API can be used:
    the request it opened, or for a comment the ticket that now carries it."""
    try:
        client = state.client(profile)
    except CtlError as exc:
        state.notes.debug_line(f"no desk API for matching mail: {exc.message}")
        return None
    if item.kind == "comment" and not item.payload.get("follow_up"):
        ticket = int(item.payload["ticket_id"])

        return lambda: client.find_commented(ticket, item.client_ref)
    return lambda: client.find_by_reference(item.client_ref)


def send_mail_one(
    state: Session,
    profile: Profile,
    outbox: Outbox,
    item: OutboxItem,
    pin: Secret | None,
    root_password: Secret | None = None,
    *,
    explicit: bool = False,
    ask: bool = True,
) -> dict:
    """Send one leased mail item; raises on failure (the item is back in the queue)."""
    from ctlsupport.core import mailout
    from ctlsupport.core.submission import releasing
    from ctlsupport.store.mail_log import MailLog

    with releasing(outbox, item):
        settings = smtp_settings(profile)
    root = root_password
    if item.kind == "request" and item.payload.get("login_required") and root is None:
        from ctlsupport.actions.asked import root_password

        root = root_password(state, item)
        if root is None:
            outbox.release(item, "needs the root/admin password: run `outbox send` in a terminal")
            raise Queued(f"outbox item {item.id} needs the root/admin password")
    if item.kind == "request" and pin is None:
        outbox.release(item, "needs the PIN: set CTLSUPPORT_PIN or store it with setup")
        raise Queued(f"outbox item {item.id} needs the PIN")
    password, typed = _password(state, profile, ask)
    find = _finder(state, profile, item)
    log = MailLog(outbox.conn)
    debug = state.debug_sink

    def waiting(seconds: float) -> None:
        state.notes.note(
            f"waiting {seconds:.0f} s before this mail: the desk takes a burst of mail from "
            "one sender for a mail loop"
        )

    sent = mailout.send(
        outbox, log, item, settings=settings, alias=profile.alias, password=password, pin=pin,
        root_password=root, find=find, explicit=explicit, debug=debug, waiting=waiting,
    )  # fmt: skip
    if typed and password is not None:
        _keep_password(state, profile, password)
    request = sent.request
    _remember(state, profile.name, outbox, item, request, sent.message_id)
    refused = sent.receipt.refused if sent.receipt else {}
    for address, reply in refused.items():
        state.notes.warn(f"the mail server would not take CC {address}: {reply}")
    return {
        "outbox_id": item.id,
        "route": "email",
        "kind": item.kind,
        "to": sent.to,
        "cc": item.payload.get("meta", {}).get("mail", {}).get("cc", []),
        "message_id": sent.message_id,
        "client_ref": item.client_ref,
        "adopted": sent.adopted,
        "id": request.id if request else None,
        "subject": item.payload.get("subject", ""),
        "web_url": request.web_url if request else None,
        "request": request,
    }


def _remember(
    state: Session,
    profile_name: str,
    outbox: Outbox,
    item: OutboxItem,
    request: Request | None,
    message_id: str,
) -> None:
    from ctlsupport.actions import records

    if item.kind == "escalation":
        records.remember_escalation(
            state, outbox.conn, profile_name, int(item.payload["original_id"]), route="email",
            reason=item.payload.get("reason", ""), message_id=message_id,
        )  # fmt: skip
    elif request is not None and item.kind == "request":
        records.remember(state, outbox.conn, profile_name, request, item)
