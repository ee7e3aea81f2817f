"""Helpers of the mailbox tests: mail to the desk, the alias's Maildir, a profile."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from pathlib import Path

ALIAS = "support@partner.example"


def alias_maildir(server) -> Path:
    from ctlsupport.sandbox import notify

    return notify.mailbox_path(server.state, ALIAS)


def mail_desk(server, subject: str, body: str, **headers: str) -> str:
    """Send one mail from the alias to the desk's shared queue; returns its Message-ID."""
    from email.utils import make_msgid

    message = EmailMessage()
    message["From"] = headers.pop("From", ALIAS)
    message["To"] = headers.pop("To", "help@ctl.io")
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("Message_ID", make_msgid(domain="partner.example"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    with smtplib.SMTP("127.0.0.1", server.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)
    return str(message["Message-ID"])


def profile(**values: str):
    from ctlsupport.config.settings import Profile

    return Profile(name="default", alias=ALIAS, **values)


class SmtpSink:
    """An aiosmtpd server on a free loopback port that keeps what it is given."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller
        from dovecot import free_port

        self.messages: list[tuple[str, list[str], EmailMessage]] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        from email import policy
        from email.parser import BytesParser

        raw = envelope.original_content or envelope.content
        parsed = BytesParser(policy=policy.default).parsebytes(raw)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 2.0.0 OK"

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def write_profile(**values: str) -> None:
    """The default profile: the email route only (no API sign-in), plus `values`."""
    from ctlsupport.config import paths

    values = {
        "desk_url": "http://127.0.0.1:9",  # no API here: nothing listens
        "status_url": "http://127.0.0.1:9",
        "alias": ALIAS,
        "auth": "token",
        "full_name": "Jo Doe",
        "portal_username": "jdoe",
        "account_rep": "rep@provider.example",
        "via": "email",
        **values,
    }
    lines = ['default_profile = "default"', "[profiles.default]"]
    lines += [f'{key} = "{value}"' for key, value in values.items()]
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text("\n".join(lines) + "\n")
