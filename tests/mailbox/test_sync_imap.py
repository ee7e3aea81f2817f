"""`sync` against a real IMAP server (Dovecot), fed by the sandbox desk over SMTP."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from boxhelp import ALIAS, mail_desk, profile

from ctlsupport.actions import sync as action
from ctlsupport.secret import Secret
from ctlsupport.store import db


@pytest.fixture
def relayed_desk(tmp_path: Path, dovecot):
    """A sandbox desk that mails its notifications over SMTP into Dovecot."""
    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(
        data_dir=tmp_path / "desk", smtp_port=0, notify_smtp=f"127.0.0.1:{dovecot.relay_port}"
    )
    server = SandboxServer(config).start()
    yield server
    server.stop()


def imap_profile(dovecot, *, tls: bool = False, **values):
    if tls:
        return profile(imap_host="localhost", imap_port=str(dovecot.tls_port),
                       imap_security="tls", **values)  # fmt: skip
    return profile(imap_host="127.0.0.1", imap_port=str(dovecot.port), imap_security="none",
                   **values)  # fmt: skip


def sync_once(dovecot, password="imap-secret", **values):
    p = imap_profile(dovecot, **values)
    source = action.open_source(p, lambda kind: Secret(password))
    try:
        return action.sync(db.connect(), p, source)
    finally:
        source.close()


def test_the_whole_flow_over_imap_incremental_by_uid(relayed_desk, dovecot):
    mail_desk(relayed_desk, "Database slow", "Queries take minutes.\n")
    ticket = relayed_desk.state.list_requests()[0]["id"]
    first = sync_once(dovecot)
    assert (first.read, first.new_tickets, first.numbers_learned) == (1, 1, 1)
    assert first.source.startswith(f"imap://{ALIAS}@127.0.0.1:")
    relayed_desk.state.agent_reply(ticket, "Index added.")
    second = sync_once(dovecot)
    assert (second.read, second.replies) == (1, 1)
    third = sync_once(dovecot)
    assert third.read == 0
    row = db.connect().execute("SELECT status FROM requests WHERE id = ?", (ticket,)).fetchone()
    assert row["status"] == "open"
    # Read-only: the alias's mail stays unread for the people who read it too.
    flags = dovecot.doveadm("fetch", "-u", ALIAS, "flags", "mailbox", "INBOX")
    assert flags.count("flags:") == 2 and "\\Seen" not in flags


def test_over_tls_with_a_verified_certificate(relayed_desk, dovecot, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.dir / "cert.pem"))
    mail_desk(relayed_desk, "Over TLS", "Encrypted.\n")
    result = sync_once(dovecot, tls=True)
    assert result.new_tickets == 1


def test_a_certificate_that_is_not_trusted_is_refused(relayed_desk, dovecot, monkeypatch):
    from ctlsupport.errors import DeskUnreachable

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(DeskUnreachable, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
        sync_once(dovecot, tls=True)


def test_a_new_uidvalidity_reads_the_folder_again_without_counting_twice(relayed_desk, dovecot):
    mail_desk(relayed_desk, "One", "First.\n")
    assert sync_once(dovecot).new_tickets == 1
    # The server renumbers the folder (as after a mailbox restore or migration).
    dovecot.doveadm("mailbox", "update", "-u", ALIAS, "--uid-validity", "12345", "INBOX")
    mail_desk(relayed_desk, "Two", "Second.\n")
    again = sync_once(dovecot)
    assert again.uidvalidity_reset
    assert again.read == 2 and again.skipped["duplicate"] == 1 and again.new_tickets == 1


def test_a_wrong_password_is_one_auth_error_without_the_password(relayed_desk, dovecot):
    from ctlsupport.errors import AuthError

    with pytest.raises(AuthError) as caught:
        sync_once(dovecot, password="not-the-password")
    assert "not-the-password" not in caught.value.message + (caught.value.hint or "")


def test_idle_tells_of_new_mail_at_once(relayed_desk, dovecot):
    p = imap_profile(dovecot)
    source = action.open_source(p, lambda kind: Secret("imap-secret"))
    try:
        assert source.has_idle
        later = threading.Timer(0.5, mail_desk, (relayed_desk, "Wake up", "Now.\n"))
        later.start()
        started = time.monotonic()
        assert action.wait_for_mail(source, 15)
        assert time.monotonic() - started < 10
        later.join()
    finally:
        source.close()


class Introspection:
    """An RFC 7662 token introspection endpoint: one good token, for the alias."""

    def __init__(self, good: str) -> None:
        import json
        from http.server import BaseHTTPRequestHandler, HTTPServer
        from urllib.parse import parse_qs

        asked = self.asked = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                token = form.get("token", [""])[0]
                asked.append(token)
                answer = {"active": True, "username": ALIAS} if token == good else {}
                raw = json.dumps(answer or {"active": False}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/introspect"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def oauth_dovecot():
    """Dovecot that takes XOAUTH2 tokens, checked at a local introspection endpoint."""
    from dovecot import Dovecot, missing

    if missing():
        pytest.skip(missing())
    endpoint = Introspection(good="token-from-the-command")
    server = Dovecot({ALIAS: "imap-secret"}, introspection_url=endpoint.url).start()
    server.endpoint = endpoint
    yield server
    server.stop()
    endpoint.stop()


def test_xoauth2_signs_in_with_the_token_the_named_command_prints(oauth_dovecot, tmp_path):
    from ctlsupport.errors import AuthError

    script = tmp_path / "token.sh"
    script.write_text("#!/bin/sh\necho token-from-the-command\n")
    script.chmod(0o755)
    good = imap_profile(oauth_dovecot, imap_auth="xoauth2", imap_token_command=str(script))
    source = action.open_source(good, lambda kind: None)
    try:
        assert action.sync(db.connect(), good, source).read == 0
    finally:
        source.close()
    assert oauth_dovecot.endpoint.asked == ["token-from-the-command"]

    stale = imap_profile(oauth_dovecot, imap_auth="xoauth2", imap_token_command="echo expired")
    with pytest.raises(AuthError, match="refused the sign-in"):
        action.open_source(stale, lambda kind: None)
    failing = imap_profile(oauth_dovecot, imap_auth="xoauth2", imap_token_command="false")
    with pytest.raises(AuthError, match="imap_token_command failed"):
        action.open_source(failing, lambda kind: None)


def test_watch_from_the_mailbox_reports_a_reply_the_moment_it_arrives(relayed_desk, dovecot):
    from ctlsupport.actions.mail_watch import MailWatcher, watch

    mail_desk(relayed_desk, "Watched", "Please look.\n")
    ticket = relayed_desk.state.list_requests()[0]["id"]
    p = imap_profile(dovecot)
    source = action.open_source(p, lambda kind: Secret("imap-secret"))
    conn = db.connect()
    action.sync(conn, p, source)
    changes, notes = [], []
    later = threading.Timer(1.0, relayed_desk.state.agent_reply, (ticket, "Looking now."))
    later.start()
    started = time.monotonic()
    try:
        code = watch(MailWatcher(conn, p, source), interval=60, count=None, until="comment",
                     on_change=changes.append, note=notes.append)  # fmt: skip
    finally:
        later.join()
        source.close()
    assert code == 0 and time.monotonic() - started < 30  # IDLE, not the 60 s interval
    (change,) = changes
    assert (change.kind, change.request_id, change.comment.body) == (
        "comment",
        ticket,
        "Looking now.",
    )
    assert "tells of new mail at once" in notes[0]


def test_over_imap_odd_mail_is_skipped_and_a_huge_one_read_only_in_part(relayed_desk, dovecot):
    from email.message import EmailMessage

    mail_desk(relayed_desk, "Among odd mail", "Hi.\n")
    huge = EmailMessage()
    huge["From"] = "someone@customer.example"
    huge["Subject"] = "big"
    huge.set_content("see attachment")
    huge.add_attachment(b"\1" * (3 * 1024 * 1024), maintype="application",
                        subtype="octet-stream")  # fmt: skip
    dovecot.deliver(ALIAS, huge.as_bytes())
    dovecot.deliver(ALIAS, b"Subject: \xff\xfe\r\n\r\n\x00 not a mail \xff\r\n")
    result = sync_once(dovecot)
    assert result.read == 3 and result.new_tickets == 1 and result.truncated == 1
    assert result.skipped["not_desk"] == 2


def test_starttls_upgrades_the_plain_port(relayed_desk, dovecot, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.dir / "cert.pem"))
    mail_desk(relayed_desk, "Upgraded", "STARTTLS.\n")
    p = profile(imap_host="localhost", imap_port=str(dovecot.port), imap_security="starttls")
    source = action.open_source(p, lambda kind: Secret("imap-secret"))
    try:
        assert action.sync(db.connect(), p, source).new_tickets == 1
    finally:
        source.close()
