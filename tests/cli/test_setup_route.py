"""`setup` sets how the team reaches the desk: by email (no API sign-in; the SMTP
server) or through the API (the desk's OAuth client), and the route and sign-in match."""

from __future__ import annotations

import tomllib

import pytest

from ctlsupport.config import paths
from ctlsupport.exitcodes import ExitCode
from ctlsupport.sandbox import SandboxConfig, SandboxServer

BASE = ["--alias", "support@partner.example", "--portal-username", "jdoe",
        "--full-name", "Jo Doe", "--tier", "professional"]  # fmt: skip


def _profile() -> dict:
    return tomllib.loads(paths.config_file().read_text())["profiles"]["default"]


def test_setup_by_email_needs_no_api_sign_in(cli):
    result = cli(
        "--no-input", "setup", *BASE, "--via", "email", "--smtp-host", "smtp.partner.example",
        "--smtp-security", "starttls", "--smtp-user", "support@partner.example",
        "--pin-stdin", stdin="4711\n",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    profile = _profile()
    assert profile["via"] == "email" and profile["auth"] == "none"
    assert profile["smtp_host"] == "smtp.partner.example"
    assert profile["smtp_port"] == "587"  # the usual port of the security chosen
    assert "Not signed in" not in result.stdout
    assert "by email" in result.stdout


def test_setup_through_the_api_signs_in_with_the_desks_client(cli):
    result = cli("--no-input", "setup", *BASE, "--via", "api")
    assert result.code == 0, result.stderr
    profile = _profile()
    assert profile["via"] == "api" and profile["auth"] == "oauth"
    assert "auth login" in result.stdout  # not signed in yet: said, with the command


def test_setup_by_email_without_a_mail_server_says_what_is_missing(cli):
    result = cli("--no-input", "setup", *BASE, "--via", "email")
    assert result.code == 0, result.stderr
    assert "smtp_host" in result.stdout


def test_a_bad_route_is_refused_in_one_line(cli):
    result = cli("--no-input", "setup", *BASE, "--via", "fax")
    assert result.code == ExitCode.INVALID_INPUT
    assert "--via" in result.stderr and "Traceback" not in result.stderr
    assert not paths.config_file().exists()


@pytest.fixture
def mail_sandbox(tmp_path):
    server = SandboxServer(SandboxConfig(data_dir=tmp_path / "desk", smtp_port=0)).start()
    yield server
    server.stop()


def test_set_up_by_email_a_high_ticket_lands_at_its_priority(cli, mail_sandbox, monkeypatch):
    """As a new user on the strict desk: setup by email, then `open --priority high`."""
    from ticketdata import FULL_FLAGS

    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    setup = cli(
        "--no-input", "setup", "--desk-url", mail_sandbox.url, *BASE, "--via", "email",
        "--smtp-host", "127.0.0.1", "--smtp-port", str(mail_sandbox.smtp_port),
        "--smtp-security", "none",
    )  # fmt: skip
    assert setup.code == 0, setup.stderr
    opened = cli("--no-input", "--json", "open", *FULL_FLAGS, "--no-duplicate-check",
                 stdin="curl: (7) Failed to connect\n")  # fmt: skip
    assert opened.code == 0, opened.stderr
    data = opened.json()["data"]
    assert data["route"] == "email" and data["to"] == "high@ctl.io"
    [request] = mail_sandbox.state.list_requests()
    assert request["priority"] == "high" and request["via"]["channel"] == "email"
