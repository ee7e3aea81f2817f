"""The email route: MIME messages From the partner's support alias, sent over SMTP.

The desk turns mail into tickets only from the registered alias, and suspends mail that
looks automated (contract §8.1): so a message here is From the alias and nothing else,
and carries no Auto-Submitted, Precedence or auto-reply headers and no Reply-To. A ticket
or an escalation is a new message (no In-Reply-To or References); a comment is a reply
to the message that opened its ticket, as the desk threads replies by those headers
(§8.2). Pacing (no bursts) is the caller's job.

Sending is split into the steps of one SMTP transaction so that a failure can be told
apart: before the end of DATA the server surely has nothing (send again freely); after
it, only the server's answer was lost, and the message may be at the desk already.
"""

from __future__ import annotations

import contextlib
import ipaddress
import mimetypes
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING

from ctlsupport.config.settings import SMTP_PORTS
from ctlsupport.errors import AuthError, ConfigError, DeskError, DeskUnreachable

if TYPE_CHECKING:
    from ctlsupport.secret import Secret

SECURITY = tuple(SMTP_PORTS)
DEFAULT_PORTS = SMTP_PORTS
DEFAULT_TIMEOUT = 30.0
SMTP_HINT = (
    "Check smtp_host, smtp_port and smtp_security (`ctlsupport config show`) and the "
    "network; the message is kept in the outbox: `ctlsupport outbox send` tries again."
)
# Headers that make the desk suspend mail as automated (contract §8.1): never set.
FORBIDDEN_HEADERS = ("Auto-Submitted", "Precedence", "X-Autoreply", "X-Autorespond", "Reply-To")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to hand mail over: host, port, security, and the sign-in user."""

    host: str
    port: int
    security: str = "starttls"
    user: str = ""
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_values(
        cls, host: str, port: str = "", security: str = "", user: str = ""
    ) -> SmtpSettings:
        """From profile values; refuses a plain connection anywhere but loopback."""
        import os

        host = host.strip()
        if not host:
            raise ConfigError(
                "the email route needs an SMTP server",
                hint="Set it with `ctlsupport config set smtp_host smtp.your-company.example` "
                "(and smtp_port, smtp_user, smtp_security).",
            )
        mode = (security or "starttls").strip().lower()
        if mode not in SECURITY:
            raise ConfigError(f"smtp_security must be one of {', '.join(SECURITY)}, not {mode!r}")
        if mode == "none" and not is_loopback(host):
            raise ConfigError(
                f"smtp_security = none sends the password and the ticket (PIN included) "
                f"unencrypted; it is allowed only for a server on this machine, not {host}",
                hint="Use `ctlsupport config set smtp_security starttls` (or tls).",
            )
        number = int(port) if str(port).strip() else DEFAULT_PORTS[mode]
        wait = float(os.environ.get("CTLSUPPORT_SMTP_TIMEOUT", DEFAULT_TIMEOUT))
        return cls(host, number, mode, user.strip(), wait)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_message_id(alias: str) -> str:
    """A fresh Message-ID in the alias's domain (fixed when the message is queued)."""
    domain = alias.rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


def _base(
    *, alias: str, to: str, cc: Iterable[str], subject: str, message_id: str, date: float | None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = alias
    message["To"] = to
    ccs = [a for a in dict.fromkeys(cc) if a and a.lower() != to.lower()]
    if ccs:
        message["Cc"] = ", ".join(ccs)
    message["Subject"] = subject
    message["Date"] = formatdate(date, localtime=False, usegmt=True)
    message["Message-ID"] = message_id
    return message


def build_ticket(
    *,
    alias: str,
    to: str,
    subject: str,
    body: str,
    message_id: str,
    cc: Iterable[str] = (),
    attachments: Iterable[str | Path] = (),
    date: float | None = None,
) -> EmailMessage:
    """A new ticket as mail: the body as text, each attachment as a part of its own."""
    message = _base(alias=alias, to=to, cc=cc, subject=subject, message_id=message_id, date=date)
    message.set_content(body, subtype="plain", charset="utf-8")
    for path in attachments:
        _attach(message, Path(path))
    return message


def build_reply(
    *,
    alias: str,
    to: str,
    subject: str,
    body: str,
    message_id: str,
    in_reply_to: str,
    attachments: Iterable[str | Path] = (),
    date: float | None = None,
    references: Iterable[str] = (),
) -> EmailMessage:
    """A comment as mail: a reply to the message `in_reply_to` (the desk's latest
    notification about the ticket, or the mail that opened it). The desk threads it by
    In-Reply-To/References, or by the encoded id the body quotes; no `#id` in the
    subject (that is only the old mail API's way, contract §8.2). `references`: the
    thread before `in_reply_to`, oldest first."""
    message = build_ticket(
        alias=alias, to=to, subject=subject, body=body, message_id=message_id,
        attachments=attachments, date=date,
    )  # fmt: skip
    message["In-Reply-To"] = in_reply_to
    thread = [r for r in dict.fromkeys(references) if r != in_reply_to]
    message["References"] = " ".join([*thread, in_reply_to])
    return message


def reply_subject(subject: str) -> str:
    """`Re: <subject>`, once."""
    return subject if subject[:3].lower() == "re:" else f"Re: {subject}"


def _attach(message: EmailMessage, path: Path) -> None:
    kind, encoding = mimetypes.guess_type(path.name)
    if encoding == "gzip" or path.suffix == ".gz":
        kind = "application/gzip"
    maintype, _, subtype = (kind or "application/octet-stream").partition("/")
    message.add_attachment(
        path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
    )


def check_sender(message: EmailMessage, alias: str) -> None:
    """Refuse a message that is not From the support alias, or that looks automated."""
    sender = parseaddr(str(message.get("From", "")))[1]
    if not alias or sender.lower() != alias.strip().lower():
        raise ConfigError(
            f"refusing to send: the message is from {sender or 'nobody'!r}, but the desk "
            f"turns mail into tickets only from the support alias {alias or '(unset)'!r}; "
            "anything else is suspended",
            hint="Send from the alias the desk knows (`ctlsupport config show` shows it).",
        )
    present = [name for name in FORBIDDEN_HEADERS if name in message]
    if present:
        raise ConfigError(f"refusing to send: the message carries {', '.join(present)}")


def recipients(message: EmailMessage) -> list[str]:
    """The envelope recipients: To, then Cc, without repeats."""
    found = getaddresses([str(v) for v in message.get_all("To", []) + message.get_all("Cc", [])])
    return list(dict.fromkeys(address for _name, address in found if address))


@dataclass
class Receipt:
    """What the server said: any (CC) recipient it refused, with its reply."""

    refused: dict[str, str] = field(default_factory=dict)


class _Progress:
    """How far one transaction got: after `handed_over`, the server may have the message."""

    handed_over = False


def send(
    message: EmailMessage,
    settings: SmtpSettings,
    *,
    alias: str,
    password: Secret | None = None,
    debug: Callable[[str], None] | None = None,
) -> Receipt:
    """Hand one message to the SMTP server; failures become the CLI's errors:
    DeskUnreachable (refused, timed out, TLS failed; `maybe_sent` once DATA was
    complete), AuthError (sign-in refused), DeskError (the server refused the message)."""
    import smtplib
    import socket
    import ssl

    check_sender(message, alias)
    targets = recipients(message)
    if not targets:
        raise ConfigError("the message has no recipient")
    if settings.user and password is None:
        raise AuthError(
            f"no SMTP password for {settings.user}",
            hint="Set CTLSUPPORT_SMTP_PASSWORD, or run in a terminal to be asked once "
            "(it is then kept in the OS keyring).",
        )
    say = debug or (lambda _line: None)
    progress = _Progress()
    try:
        return _transaction(message, settings, targets, password, say, progress)
    except smtplib.SMTPAuthenticationError as exc:
        raise AuthError(
            f"the mail server {settings.where} refused the SMTP sign-in of {settings.user}: "
            f"{_reply(exc.smtp_code, exc.smtp_error)}",
            hint="Check smtp_user, and the password in the keyring or CTLSUPPORT_SMTP_PASSWORD.",
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise AuthError(
            f"the mail server {settings.where} does not offer sign-in (AUTH): {exc}",
            hint="Clear smtp_user if the server takes mail without sign-in, or use its "
            "submission port (587, with STARTTLS).",
        ) from None
    except (ssl.SSLError, ssl.CertificateError) as exc:
        raise DeskUnreachable(
            f"TLS with the mail server {settings.where} failed: {exc}", hint=SMTP_HINT
        ) from None
    except ConnectionRefusedError:
        raise DeskUnreachable(
            f"the mail server {settings.where} refused the connection", hint=SMTP_HINT
        ) from None
    except socket.gaierror as exc:
        raise DeskUnreachable(
            f"cannot find the mail server {settings.host}: {exc.strerror}", hint=SMTP_HINT
        ) from None
    except TimeoutError:
        _unreachable(f"the mail server {settings.where} did not answer within "
                     f"{settings.timeout:g} s", progress)  # fmt: skip
    except smtplib.SMTPServerDisconnected as exc:
        _unreachable(f"the mail server {settings.where} closed the connection ({exc})", progress)
    except smtplib.SMTPRecipientsRefused as exc:
        address, (code, text) = next(iter(exc.recipients.items()))
        raise DeskError(
            f"the mail server {settings.where} refused the recipient {address}: "
            f"{_reply(code, text)}",
            hint="Check the route (`ctlsupport config show`); the message is kept in the outbox.",
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise DeskError(
            f"the mail server {settings.where} refused the message: "
            f"{_reply(exc.smtp_code, exc.smtp_error)}",
            hint="The message is kept in the outbox; fix the cause, then `ctlsupport outbox send`.",
        ) from None
    except OSError as exc:
        _unreachable(f"the mail server {settings.where}: {exc.strerror or exc}", progress)
    raise AssertionError("unreachable")  # pragma: no cover


def probe(settings: SmtpSettings) -> str:
    """Open a session with the SMTP server as a send would (TLS as set), and close it
    without sending: the server's greeting, or DeskUnreachable saying what failed."""
    import smtplib
    import ssl

    try:
        if settings.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout,
                context=ssl.create_default_context(),
            )  # fmt: skip
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with smtp:
            code, greeting = smtp.ehlo()
            if settings.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise ssl.SSLError("the server does not offer STARTTLS")
                smtp.starttls(context=ssl.create_default_context())
            return _reply(code, greeting.splitlines()[0] if greeting else b"")
    except (OSError, smtplib.SMTPException) as exc:
        raise DeskUnreachable(
            f"the mail server {settings.where} cannot be used: {exc}", hint=SMTP_HINT
        ) from None


def _unreachable(text: str, progress: _Progress) -> None:
    error = DeskUnreachable(text, hint=SMTP_HINT)
    error.maybe_sent = progress.handed_over
    if progress.handed_over:
        error.message += " after the whole message was handed over: it may have arrived"
    raise error from None


def _reply(code: int, text: bytes | str) -> str:
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(raw.split())}"


def _transaction(
    message: EmailMessage,
    settings: SmtpSettings,
    targets: list[str],
    password: Secret | None,
    say: Callable[[str], None],
    progress: _Progress,
) -> Receipt:
    import smtplib
    import ssl
    from email import policy

    context = ssl.create_default_context()
    say(f"smtp: connecting to {settings.where} ({settings.security})")
    if settings.security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        smtp.ehlo()
        if settings.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise ssl.SSLError(
                    "the server does not offer STARTTLS, and smtp_security is starttls"
                )
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user and password is not None:
            say(f"smtp: signing in as {settings.user}")  # never the AUTH exchange itself
            smtp.login(settings.user, password.reveal())
        data = message.as_bytes(policy=policy.SMTP)
        options = []
        if smtp.has_extn("size"):
            limit = int(smtp.esmtp_features.get("size") or 0)
            if limit and len(data) > limit:
                raise smtplib.SMTPResponseException(
                    552, f"the message is {len(data)} bytes; the server takes {limit} at most"
                )
            options.append(f"SIZE={len(data)}")
        sender = parseaddr(str(message["From"]))[1]
        code, text = smtp.mail(sender, options)
        say(f"smtp: MAIL FROM:<{sender}> -> {code}")
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, text, sender)
        refused: dict[str, str] = {}
        main = parseaddr(str(message["To"]))[1]
        for address in targets:
            code, text = smtp.rcpt(address)
            say(f"smtp: RCPT TO:<{address}> -> {code}")
            if code in (250, 251):
                continue
            if address == main:  # the desk's address: without it there is no ticket
                raise smtplib.SMTPRecipientsRefused({address: (code, text)})
            refused[address] = _reply(code, text)  # a CC it will not take: the ticket goes
        code, text = smtp.docmd("DATA")
        if code != 354:
            raise smtplib.SMTPDataError(code, text)
        smtp.send(_dot_stuffed(data))
        progress.handed_over = True  # from here on, the server may have it
        code, text = smtp.getreply()
        say(f"smtp: end of DATA -> {code}")
        if code != 250:
            raise smtplib.SMTPDataError(code, text)
        return Receipt(refused)
    finally:
        with contextlib.suppress(Exception):  # the outcome is known; a failed QUIT changes nothing
            smtp.quit()
        with contextlib.suppress(Exception):
            smtp.close()


def _dot_stuffed(data: bytes) -> bytes:
    """The DATA payload: leading dots doubled, CRLF line ends, the final dot line."""
    import re

    body = re.sub(rb"(?m)^\.", b"..", re.sub(rb"\r?\n", b"\r\n", data))
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return body + b".\r\n"
