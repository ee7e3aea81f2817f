"""`ctlsupport sync` through main(): a profile with no API access at all, on the desk's
email channel and the alias's mailbox."""

from __future__ import annotations

import pytest
from boxhelp import ALIAS, alias_maildir, mail_desk, write_profile

from ctlsupport.exitcodes import ExitCode


@pytest.fixture(autouse=True)
def _mail_env(monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "97531")
    monkeypatch.setenv("CTLSUPPORT_SMTP_TIMEOUT", "5")
    for var in ("CTLSUPPORT_TOKEN", "CTLSUPPORT_IMAP_PASSWORD", "SSL_CERT_FILE"):
        monkeypatch.delenv(var, raising=False)


def _mail_profile(desk, **extra: str) -> None:
    write_profile(desk_url=desk.url, smtp_host="127.0.0.1", smtp_port=str(desk.smtp_port),
                  smtp_security="none", maildir=str(alias_maildir(desk)), **extra)  # fmt: skip


def test_sync_prints_a_summary_and_json(cli, desk):
    mail_desk(desk, "Printer on fire", "Smoke.\n")
    _mail_profile(desk)
    done = cli("sync")
    assert done.code == 0, done.stderr
    assert "1 new ticket(s)" in done.stdout and done.stderr == ""
    again = cli("--json", "sync").json()["data"]
    assert again["read"] == 0 and again["source"].startswith("maildir:")


def test_a_ticket_opened_by_email_gets_its_number_and_comment_by_email_threads(cli, desk):
    from ticketdata import FULL_FLAGS

    _mail_profile(desk)
    opened = cli(
        "--json",
        "--no-input",
        "open",
        *FULL_FLAGS,
        "--no-duplicate-check",
        stdin="curl: (7) Failed to connect\n",
    )
    assert opened.code == 0, opened.stderr
    assert opened.json()["data"]["id"] is None  # no API: the number is not known yet
    synced = cli("--json", "sync").json()["data"]
    [request] = desk.state.list_requests()
    assert synced["new_tickets"] == 1 and synced["numbers_learned"] == 1
    from ctlsupport.store import db
    from ctlsupport.store.mail_log import MailLog

    record = MailLog(db.connect()).get(opened.json()["data"]["client_ref"])
    assert record.desk_id == request["id"]
    desk.state.agent_reply(request["id"], "Rebooted the host.")
    assert cli("--json", "sync").json()["data"]["agent_replies"] == 1
    sent = cli("--json", "comment", str(request["id"]), "--via", "email",
               "--body", "Up again, thanks.", "--full-name", "Jo Doe")  # fmt: skip
    assert sent.code == 0, sent.stderr
    assert len(desk.state.list_requests()) == 1  # threaded, not a new ticket
    with desk.state.reading() as conn:
        bodies = [
            r[0]
            for r in conn.execute(
                "SELECT body FROM comments WHERE request_id = ? ORDER BY id", (request["id"],)
            )
        ]
    assert bodies[-1].startswith("Up again, thanks.")


def test_no_mailbox_is_one_config_error(cli):
    write_profile()
    done = cli("sync")
    assert done.code == ExitCode.CONFIG
    assert done.stderr.startswith("ctlsupport: error: profile 'default' names no mailbox")
    assert "Traceback" not in done.stderr


def test_a_missing_mailbox_password_says_how_to_store_it(cli):
    write_profile(imap_host="imap.example.com")
    done = cli("sync")
    assert done.code == ExitCode.AUTH
    assert "--store-password" in done.stderr


def test_the_password_goes_to_the_keyring_from_stdin_and_nowhere_else(cli, dovecot, desk):
    from ctlsupport.config import paths

    write_profile(imap_host="127.0.0.1", imap_port=str(dovecot.port), imap_security="none")
    done = cli("--json", "sync", "--store-password", stdin="imap-secret\n")
    assert done.code == 0, done.stderr
    assert "imap-secret" not in paths.config_file().read_text()
    assert "imap-secret" not in done.stdout + done.stderr
    assert cli("sync").code == 0  # the kept password is used
    wrong = cli("sync", "--store-password", stdin="wrong\n")
    assert wrong.code == ExitCode.AUTH and "wrong" not in wrong.stderr.replace("wrong\n", "")


def test_mailbox_settings_are_validated(cli):
    write_profile()
    bad = cli("config", "set", "imap_security", "ssl")
    assert bad.code == ExitCode.INVALID_INPUT and "tls, starttls, none" in bad.stderr
    assert cli("config", "set", "imap_port", "993").code == 0
    plain = cli("config", "set", "imap_security", "none")
    assert plain.code == 0
    write_profile(imap_host="imap.example.com", imap_security="none")
    refused = cli("sync")
    assert refused.code == ExitCode.CONFIG and "unencrypted" in refused.stderr
    assert ALIAS


def test_the_same_flow_against_a_real_imap_server(cli, dovecot, tmp_path, monkeypatch):
    """No API (`auth = none`): open by email, sync over IMAP (Dovecot, fed by the desk
    over SMTP), list, the agent's reply in show, a comment by email on the same ticket."""
    from ticketdata import FULL_FLAGS

    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(data_dir=tmp_path / "relay-desk", smtp_port=0,
                           notify_smtp=f"127.0.0.1:{dovecot.relay_port}")  # fmt: skip
    desk = SandboxServer(config).start()
    try:
        monkeypatch.setenv("CTLSUPPORT_IMAP_PASSWORD", "imap-secret")
        write_profile(desk_url=desk.url, smtp_host="127.0.0.1", smtp_port=str(desk.smtp_port),
                      smtp_security="none", imap_host="127.0.0.1", imap_port=str(dovecot.port),
                      imap_security="none", auth="none")  # fmt: skip
        opened = cli("--json", "--no-input", "open", *FULL_FLAGS, "--no-duplicate-check",
                     stdin="curl: (7) Failed to connect\n")  # fmt: skip
        assert opened.code == 0, opened.stderr
        first = cli("--json", "sync").json()["data"]
        [request] = desk.state.list_requests()
        assert first["new_tickets"] == 1 and first["source"].startswith("imap://")
        listed = cli("--json", "list")
        assert [r["id"] for r in listed.json()["data"]["requests"]] == [request["id"]]
        assert "alias's mailbox" in listed.stderr
        desk.state.agent_reply(request["id"], "Fixed the route.")
        shown = cli("--json", "show", str(request["id"])).json()["data"]
        assert shown["comments"][-1]["body"] == "Fixed the route."
        assert shown["source"] == "mailbox" and shown["request"]["status"] == "open"
        sent = cli("--json", "comment", str(request["id"]), "--via", "email",
                   "--body", "Confirmed, thanks.", "--full-name", "Jo Doe")  # fmt: skip
        assert sent.code == 0, sent.stderr
        assert len(desk.state.list_requests()) == 1
    finally:
        desk.stop()
