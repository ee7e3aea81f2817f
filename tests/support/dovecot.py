"""A real Dovecot IMAP server for tests: an ordinary process on a free loopback port, its
own configuration, passwd-file users and Maildir storage in a temporary directory, and
mail delivered by Dovecot's own LDA behind a small SMTP relay (aiosmtpd), so the desk
mails it over SMTP as it would mail a real mailbox.

As root, Dovecot will not run its login or mail processes as root: they then run as
`nobody`, and the directory is made theirs.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
LDA_CANDIDATES = ("/usr/lib/dovecot/dovecot-lda", "/usr/libexec/dovecot/dovecot-lda")


def missing() -> str | None:
    """Why Dovecot cannot be used here, or None."""
    if not Path(DOVECOT).exists():
        return "dovecot is not installed (Debian: apt-get install dovecot-imapd)"
    if lda() is None:
        return "dovecot-lda is not installed (Debian: dovecot-core)"
    if shutil.which("openssl") is None:
        return "openssl is not installed (the test server's certificate is made with it)"
    return None


def lda() -> str | None:
    return next((p for p in LDA_CANDIDATES if Path(p).exists()), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Dovecot:
    """Start with start(), stop with stop(); users are added before start."""

    def __init__(
        self, users: dict[str, str], *, tls: bool = False, introspection_url: str = ""
    ) -> None:
        self.introspection_url = introspection_url  # OAuth2 tokens checked there (XOAUTH2)
        self.dir = Path(tempfile.mkdtemp(prefix="ctlsupport-dovecot-"))
        os.chmod(self.dir, 0o755)  # the unprivileged processes must reach it
        self.users = users
        self.tls = tls
        self.port = free_port()
        self.tls_port = free_port() if tls else 0
        self.process: subprocess.Popen | None = None
        if os.geteuid() == 0:
            import pwd

            entry = pwd.getpwnam("nobody")
            self.uid, self.gid, self.run_as = entry.pw_uid, entry.pw_gid, "nobody"
        else:
            import pwd

            self.uid, self.gid = os.getuid(), os.getgid()
            self.run_as = pwd.getpwuid(self.uid).pw_name
        self.config = self.dir / "dovecot.conf"

    def maildir(self, user: str) -> Path:
        return self.dir / "mail" / user

    def _write_config(self) -> None:
        import grp

        for sub in ("run", "state", "mail"):
            (self.dir / sub).mkdir(exist_ok=True)
        os.chown(self.dir / "mail", self.uid, self.gid)
        lines = [
            f"{user}:{{PLAIN}}{password}:{self.uid}:{self.gid}::{self.maildir(user)}::"
            for user, password in self.users.items()
        ]
        (self.dir / "passwd").write_text("\n".join(lines) + "\n")
        group = grp.getgrgid(self.gid).gr_name
        ssl = "no"
        listeners = f"inet_listener imap {{\n address = 127.0.0.1\n port = {self.port}\n }}\n"
        if self.tls:
            ssl = "yes"
            listeners += (
                f"inet_listener imaps {{\n address = 127.0.0.1\n port = {self.tls_port}\n"
                " ssl = yes\n }\n"
            )
        else:
            listeners += "inet_listener imaps {\n port = 0\n }\n"
        tls_lines = ""
        if self.tls:
            tls_lines = f"ssl_cert = <{self.dir}/cert.pem\nssl_key = <{self.dir}/key.pem\n"
        d = self.dir
        self.config.write_text(
            f"""base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = {ssl}
{tls_lines}default_internal_user = {self.run_as}
default_internal_group = {group}
default_login_user = {self.run_as}
disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = plain login{" xoauth2 oauthbearer" if self.introspection_url else ""}
mail_location = maildir:{d}/mail/%u
{self._oauth2_passdb()}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {d}/passwd
}}
service imap-login {{
{listeners}  chroot =
}}
service anvil {{
  chroot =
}}
"""
        )

    def _oauth2_passdb(self) -> str:
        """XOAUTH2: the token is checked at an RFC 7662 introspection endpoint."""
        if not self.introspection_url:
            return ""
        conf = self.dir / "dovecot-oauth2.conf.ext"
        conf.write_text(
            "introspection_mode = post\n"
            f"introspection_url = {self.introspection_url}\n"
            "username_attribute = username\n"
            "active_attribute = active\n"
            "active_value = true\n"
        )
        return (
            "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
            f"  args = {conf}\n}}\n"
        )

    def make_certificate(self) -> Path:
        """A self-signed certificate for 127.0.0.1 and localhost (openssl)."""
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(self.dir / "key.pem"), "-out", str(self.dir / "cert.pem")],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        return self.dir / "cert.pem"

    def start(self) -> Dovecot:
        if self.tls:
            self.make_certificate()
        self._write_config()
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.process.stderr.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    if conn.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("dovecot did not answer within 20 s")

    def deliver(self, user: str, raw: bytes) -> None:
        """Hand one message to Dovecot's LDA for `user` (as a mail server would)."""
        subprocess.run(
            [lda(), "-c", str(self.config), "-d", user],
            input=raw, check=True, capture_output=True, timeout=30,
        )  # fmt: skip

    def doveadm(self, *args: str) -> str:
        done = subprocess.run(
            ["doveadm", "-c", str(self.config), *args],
            check=True, capture_output=True, timeout=30, text=True,
        )  # fmt: skip
        return done.stdout

    def log(self) -> str:
        path = self.dir / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class LdaRelay:
    """An SMTP server (aiosmtpd) that hands every message to Dovecot's LDA, once per
    recipient that is a Dovecot user."""

    def __init__(self, dovecot: Dovecot) -> None:
        from aiosmtpd.controller import Controller

        self.dovecot = dovecot
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        for rcpt in envelope.rcpt_tos:
            if rcpt.lower() in self.dovecot.users:
                self.dovecot.deliver(rcpt.lower(), raw)
        return "250 2.0.0 delivered"

    def start(self) -> LdaRelay:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
