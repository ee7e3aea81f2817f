"""Real SMTP for the email route's tests: a profile pointing at a desk, and small
servers (aiosmtpd, or a raw socket) that keep, refuse sign-in, or lose the answer."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

ALIAS = "support@partner.example"
PIN = "97531"


def write_profile(desk_url: str, smtp_port: int, **extra: str) -> None:
    """The default profile: the desk's API by token, its mail on loopback without TLS."""
    from ctlsupport.config import paths

    values = {
        "desk_url": desk_url,
        "status_url": desk_url,  # never the real status page from a test
        "alias": ALIAS,
        "auth": "token",
        "full_name": "Jo Doe",
        "portal_username": "jdoe",
        "account_rep": "rep@provider.example",
        "via": "email",
        "smtp_host": "127.0.0.1",
        "smtp_port": str(smtp_port),
        "smtp_security": "none",
        **extra,
    }
    lines = ['default_profile = "default"', "[profiles.default]"]
    lines += [f'{key} = "{value}"' for key, value in values.items()]
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text("\n".join(lines) + "\n")


@dataclass
class Sink:
    """Keeps every message it is given (envelope and parsed message)."""

    messages: list[tuple[str, list[str], EmailMessage, bytes]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        parsed = BytesParser(policy=policy.default).parsebytes(raw)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed, raw))
        return "250 2.0.0 OK"


class SmtpServer:
    """An aiosmtpd server on a free loopback port."""

    def __init__(self, **options) -> None:
        from aiosmtpd.controller import Controller

        self.sink = Sink()
        port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=port, **options)
        self.port = port

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def refusing_auth(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult

    return AuthResult(success=False, handled=False)


def accepting(password: str):
    def check(server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        ok = auth_data.login == b"jdoe" and auth_data.password == password.encode()
        return AuthResult(success=ok)

    return check


class LosesAnswerAfterData:
    """A raw SMTP server that takes the whole message, then hangs up without answering:
    the case where the message may or may not have been accepted."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                self._session(conn)

    def _session(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        conn.sendall(b"220 lossy ready\r\n")
        while line := reader.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                conn.sendall(b"250 lossy\r\n")
            elif verb == b"DATA":
                conn.sendall(b"354 go ahead\r\n")
                data = b""
                while (chunk := reader.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.received.append(data)
                return  # hang up instead of "250"
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.sock.close()
