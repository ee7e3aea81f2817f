"""`open --via email` against real SMTP servers: the sandbox desk's intake, and servers
that fail in each way a partner's mail server can."""

from __future__ import annotations

import re
import time

import pytest
from mailhelp import (
    ALIAS,
    PIN,
    LosesAnswerAfterData,
    SmtpServer,
    accepting,
    free_port,
    refusing_auth,
    write_profile,
)
from ticketdata import FULL_FLAGS

from ctlsupport.exitcodes import ExitCode

ERROR = "curl: (7) Failed to connect\n"


def _open(cli, *extra: str):
    return cli("--json", "--no-input", "open", *FULL_FLAGS, "--no-duplicate-check", *extra,
               stdin=ERROR)  # fmt: skip


def _items(cli, *flags: str) -> list[dict]:
    return cli("--json", "outbox", "list", *flags).json()["data"]["items"]


def test_a_ticket_by_email_reaches_the_desk_with_everything(cli, mail_desk, tmp_path):
    write_profile(mail_desk.url, mail_desk.smtp_port)
    shot = tmp_path / "screen.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n" + b"1" * 100)
    sent = _open(cli, "--attach", str(shot), "--cc", "ops@partner.example")
    assert sent.code == 0, sent.stdout + sent.stderr
    data = sent.json()["data"]
    assert data["route"] == "email" and data["to"] == "high@ctl.io"
    assert data["message_id"].startswith("<") and data["message_id"].endswith("@partner.example>")

    [request] = mail_desk.state.list_requests()
    assert data["id"] is None  # without API credentials the desk's number is not known here
    assert request["priority"] == "high"
    assert request["subject"] == "ACME: VA1ACMEWEB01 unreachable"
    requester = mail_desk.state.user_by_email(ALIAS)
    assert request["requester_id"] == requester["id"]
    cc_emails = sorted(_email(mail_desk, uid) for uid in request["email_cc_ids"])
    assert cc_emails == ["ops@partner.example", "rep@provider.example"]
    body = request["description"]
    assert f"User PIN: {PIN}\n" in body
    assert "Customer name: Acme Corp\n" in body and "curl: (7) Failed to connect" in body
    assert f"Client reference: {data['client_ref']}" in body
    with mail_desk.state.reading() as conn:
        names = [r["file_name"] for r in conn.execute("SELECT file_name FROM attachments")]
    assert names == ["screen.png"]
    # Local history: the Message-ID and the client reference, matched to the request.
    from ctlsupport.store import db
    from ctlsupport.store.mail_log import MailLog

    record = MailLog(db.connect()).get(data["client_ref"])
    assert record.message_id == data["message_id"]
    assert (record.state, record.route) == ("accepted", "high")


def _email(server, user_id: int) -> str:
    with server.state.reading() as conn:
        return conn.execute("SELECT email FROM users WHERE id = ?", (user_id,)).fetchone()[0]


def test_the_desk_api_gives_the_mailed_ticket_its_number(cli, mail_desk, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")
    write_profile(mail_desk.url, mail_desk.smtp_port)
    sent = _open(cli)
    assert sent.code == 0, sent.stderr
    [request] = mail_desk.state.list_requests()
    assert sent.json()["data"]["id"] == request["id"]
    listed = cli("--json", "list").json()["data"]["requests"]
    assert [r["id"] for r in listed] == [request["id"]]


def test_sandbox_open_by_email_then_list_shows_it(cli):
    sent = cli("--sandbox", "--json", "--no-input", "open", "--via", "email", *FULL_FLAGS,
               "--no-duplicate-check", stdin=ERROR)  # fmt: skip
    assert sent.code == 0, sent.stderr
    data = sent.json()["data"]
    assert (data["route"], data["to"]) == ("email", "high@ctl.io")
    listed = cli("--sandbox", "--json", "list").json()["data"]["requests"]
    assert [(r["id"], r["priority"]) for r in listed] == [(data["id"], "high")]
    plain = cli("--sandbox", "list")
    assert str(data["id"]) in plain.stdout


def test_nothing_listening_keeps_the_message_and_outbox_send_delivers_it(cli, mail_desk):
    write_profile(mail_desk.url, free_port())  # nothing listens there
    failed = _open(cli)
    assert failed.code == ExitCode.QUEUED
    error = failed.json()["error"]
    assert "refused the connection" in error["message"] and "outbox send" in error["hint"]
    [item] = _items(cli)
    assert (item["route"], item["state"], item["kind"]) == ("email", "queued", "request")
    assert mail_desk.state.list_requests() == []

    write_profile(mail_desk.url, mail_desk.smtp_port)
    resent = cli("--json", "outbox", "send")
    assert resent.code == 0, resent.stdout + resent.stderr
    assert len(mail_desk.state.list_requests()) == 1
    assert _items(cli) == []
    assert cli("outbox", "send").code == 0
    assert len(mail_desk.state.list_requests()) == 1  # exactly once


def test_a_refused_sign_in_is_one_line_and_keeps_the_message(cli, mail_desk, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_SMTP_PASSWORD", "wrong-password")
    with SmtpServer(authenticator=refusing_auth, auth_require_tls=False) as server:
        write_profile(mail_desk.url, server.port, smtp_user="jdoe")
        failed = cli("--no-input", "open", *FULL_FLAGS, "--no-duplicate-check", stdin=ERROR)
        assert server.sink.messages == []
    assert failed.code == ExitCode.QUEUED
    lines = failed.stderr.strip().splitlines()
    assert lines[0].startswith("ctlsupport: error: not delivered: the mail server")
    assert "refused the SMTP sign-in of jdoe: 535" in lines[0]
    assert lines[1].startswith("hint: Kept in the outbox as item")
    assert "wrong-password" not in failed.stdout + failed.stderr
    assert len(_items(cli)) == 1


def test_starttls_required_but_not_offered(cli, mail_desk):
    with SmtpServer() as server:  # plain SMTP, no STARTTLS
        write_profile(mail_desk.url, server.port, smtp_security="starttls", smtp_host="localhost")
        failed = _open(cli)
        assert server.sink.messages == []
    assert failed.code == ExitCode.QUEUED
    assert "does not offer STARTTLS" in failed.json()["error"]["message"]
    assert len(_items(cli)) == 1


def test_plain_smtp_is_refused_away_from_this_machine(cli, mail_desk):
    write_profile(mail_desk.url, 25, smtp_host="smtp.partner.example")
    refused = _open(cli)
    assert refused.code == ExitCode.CONFIG
    assert "unencrypted" in refused.json()["error"]["message"]
    assert _items(cli) == []  # refused before anything was typed or queued


def test_a_wrong_from_is_refused_before_sending(cli, mail_desk):
    write_profile(mail_desk.url, free_port())
    assert _open(cli).code == ExitCode.QUEUED  # queued From the alias
    write_profile(mail_desk.url, mail_desk.smtp_port, alias="jdoe@partner.example")
    refused = cli("outbox", "send")
    assert refused.code == ExitCode.QUEUED
    assert "not sent: refusing to send: the message is from 'support@partner.example'" in (
        refused.stdout
    )
    [item] = _items(cli)
    assert item["last_error"].startswith("refusing to send")
    assert mail_desk.state.list_requests() == []
    from ctlsupport.sandbox.mail_intake import suspended

    assert suspended(mail_desk.state) == []  # nothing reached the desk at all


def test_the_transport_refuses_a_message_not_from_the_alias():
    from ctlsupport.errors import ConfigError
    from ctlsupport.transport import mail

    message = mail.build_ticket(alias="jdoe@partner.example", to="high@ctl.io", subject="s",
                                body="b\n", message_id=mail.new_message_id(ALIAS))  # fmt: skip
    with SmtpServer() as server:
        settings = mail.SmtpSettings.from_values("127.0.0.1", str(server.port), "none")
        with pytest.raises(ConfigError, match="refusing to send"):
            mail.send(message, settings, alias=ALIAS)
        assert server.sink.messages == []


def test_a_lost_answer_after_data_is_not_resent_blindly(cli, mail_desk):
    lossy = LosesAnswerAfterData()
    try:
        write_profile(mail_desk.url, lossy.port)
        doubt = _open(cli)
        assert doubt.code == ExitCode.QUEUED
        assert "may have arrived" in doubt.json()["error"]["message"]
        assert len(lossy.received) == 1
        write_profile(mail_desk.url, mail_desk.smtp_port)
        held = cli("--json", "outbox", "send")
        assert held.code == ExitCode.QUEUED
        assert mail_desk.state.list_requests() == []  # not sent again on its own
        [item] = _items(cli)
        assert "outbox send" in item["last_error"] and "drop" in item["last_error"]
        # A person decides: naming the item sends it again, with the same Message-ID.
        again = cli("--json", "outbox", "send", str(item["id"]))
        assert again.code == 0, again.stdout
        assert len(mail_desk.state.list_requests()) == 1
        first_id = lossy.received[0].split(b"Message-ID: ")[1].split(b"\r\n")[0].decode()
        with mail_desk.state.reading() as conn:
            kept = conn.execute("SELECT message_id FROM mail_messages").fetchone()[0]
        assert kept == first_id
    finally:
        lossy.close()


def test_a_lost_answer_is_settled_by_the_desk_api_when_it_can_be_used(cli, mail_desk, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")
    lossy = LosesAnswerAfterData()
    try:
        write_profile(mail_desk.url, lossy.port)
        assert _open(cli).code == ExitCode.QUEUED
    finally:
        lossy.close()
    # The message did arrive after all (replayed here into the desk as it was sent).
    from ctlsupport.sandbox.mail_intake import receive

    receive(mail_desk.state, mail_desk.config, ["high@ctl.io"], lossy.received[0])
    write_profile(mail_desk.url, mail_desk.smtp_port)
    settled = cli("--json", "outbox", "send")
    assert settled.code == 0, settled.stdout
    assert settled.json()["data"]["sent"][0]["adopted"] is True
    assert len(mail_desk.state.list_requests()) == 1


def test_messages_leave_at_least_the_gap_apart(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_MAIL_GAP", "1.5")
    with SmtpServer() as server:
        write_profile("http://127.0.0.1:9", server.port)
        started = time.monotonic()
        assert _open(cli).code == 0
        second = _open(cli)
        assert second.code == 0
        took = time.monotonic() - started
    assert len(server.sink.messages) == 2
    assert took >= 1.5
    assert "before this mail: the desk takes a burst of mail" in second.stderr  # not silent


def test_headers_are_those_of_a_person_not_a_robot(cli):
    with SmtpServer() as server:
        write_profile("http://127.0.0.1:9", server.port)
        assert _open(cli, "--cc", "ops@partner.example").code == 0
    [(sender, rcpts, message, _raw)] = server.sink.messages
    assert sender == ALIAS and message["From"] == ALIAS
    assert rcpts == ["high@ctl.io", "rep@provider.example", "ops@partner.example"]
    for name in ("Auto-Submitted", "Precedence", "Reply-To", "In-Reply-To", "References"):
        assert name not in message
    assert message["Subject"] == "ACME: VA1ACMEWEB01 unreachable"


def test_no_secret_in_the_outbox_database_or_debug_output(cli, monkeypatch, isolated_home):
    password = "Smtp-Pa55-word!"
    monkeypatch.setenv("CTLSUPPORT_SMTP_PASSWORD", password)
    outputs = []
    with SmtpServer(authenticator=accepting(password), auth_require_tls=False) as server:
        write_profile("http://127.0.0.1:9", free_port(), smtp_user="jdoe")
        failed = cli("--debug", "--no-input", "open", *FULL_FLAGS, "--no-duplicate-check",
                     stdin=ERROR)  # fmt: skip
        outputs.append(failed.stdout + failed.stderr)
        assert failed.code == ExitCode.QUEUED
        write_profile("http://127.0.0.1:9", server.port, smtp_user="jdoe")
        sent = cli("--debug", "outbox", "send")
        outputs.append(sent.stdout + sent.stderr)
        assert sent.code == 0, sent.stderr
    assert "smtp: signing in as jdoe" in outputs[1]
    [(_s, _r, message, _raw)] = server.sink.messages
    assert f"User PIN: {PIN}" in message.get_body().get_content()  # the PIN goes in the body only
    for secret in (password, PIN):
        assert not [t for t in outputs if secret in t], secret
        # As a word: a 5-digit PIN also turns up by chance inside the digits of a stored
        # time or number (lease times are renewed and written again and again).
        found = re.compile(rb"(?<![0-9.])" + re.escape(secret.encode()) + rb"(?![0-9])")
        leaked = [p for p in isolated_home.rglob("*") if p.is_file() and
                  found.search(p.read_bytes())]  # fmt: skip
        assert leaked == [], secret
