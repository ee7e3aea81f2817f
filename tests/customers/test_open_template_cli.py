"""`open --template` with `--no-input`: the directory and the template fill the flags."""

from __future__ import annotations

import pytest

from ctlsupport.cli.completion.engine import candidates

CHECKED = ["--checked", "status", "--checked", "power", "--checked", "ping",
           "--checked", "firewall"]  # fmt: skip


@pytest.fixture
def known(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    added = cli("customers", "add", "ACME", "--name", "Acme Corp", "--server", "VA1ACMEWEB01",
                "--ip", "64.15.183.10", "--datacenter", "VA1")  # fmt: skip
    assert added.code == 0


def _open(cli, *flags: str):
    base = ["--sandbox", "--json", "--no-input", "open", "--template", "server-down",
            "--customer-alias", "ACME", "--server", "VA1ACMEWEB01", "--portal-username", "jdoe",
            "--full-name", "Jo Doe", "--impact", "Web shop offline",
            "--no-duplicate-check"]  # fmt: skip
    return cli(*base, *flags, stdin="PING 64.15.183.10: 100% packet loss\n")


def test_a_repeat_ticket_from_flags(cli, known, lenient_priority):
    opened = _open(cli, *CHECKED, "--unchecked", "reboot=not allowed by the customer")
    assert opened.code == 0, opened.stderr
    data = opened.json()["data"]
    assert data["priority"] == "high"
    assert data["subject"] == "ACME: VA1ACMEWEB01 down or unreachable"
    body = cli("--sandbox", "--json", "show", str(data["id"])).json()["data"]["comments"][0]["body"]
    for text in (
        "Customer name: Acme Corp", "Data center: VA1", "External IP: 64.15.183.10",
        "VA1ACMEWEB01 (64.15.183.10, data center VA1) of Acme Corp does not answer.",
        "Checked before opening this ticket:\n- Checked the status page",
        "- Rebooted the server from the Control Portal (with the customer's consent) "
        "(why: not allowed by the customer)",
    ):  # fmt: skip
        assert text in body, text
    assert "customer ACME: Acme Corp (from the directory)" in opened.stderr


def test_a_missing_checklist_item_is_named_like_a_missing_flag(cli, known):
    refused = _open(cli, *CHECKED)
    assert refused.code == 3
    assert refused.json()["error"]["message"] == (
        "missing required input: --checked reboot or --unchecked reboot=REASON"
    )
    assert cli("--sandbox", "--json", "list").json()["data"]["requests"] == []


def test_a_changed_ip_is_sent_but_not_written_to_the_directory(cli, known):
    opened = _open(cli, *CHECKED, "--unchecked", "reboot=no", "--ip", "64.15.183.99")
    assert opened.code == 0, opened.stderr
    assert "ip 64.15.183.10 in the directory, 64.15.183.99 now" in opened.stderr
    assert "64.15.183.10" in cli("customers", "show", "ACME").stdout


def test_checklist_flags_need_a_template(cli, known):
    result = cli("--sandbox", "--no-input", "open", "--checked", "ping")
    assert result.code == 2 and "--checked and --unchecked go with --template" in result.stderr


def test_an_unknown_template_is_named(cli, known):
    result = cli("--sandbox", "--no-input", "open", "--template", "nope")
    assert result.code == 4 and "no template 'nope'" in result.stderr


def test_template_names_complete_on_tab():
    found = [value for value, _ in candidates(["open", "--template"], "s")]
    assert found == ["server-down", "service-task", "site-to-site-vpn"]


def test_escalate_asks_the_reason_of_each_item_the_ticket_went_without(cli, known):
    from ctlsupport.config import paths
    from ctlsupport.sandbox import SandboxState

    opened = cli(
        "--sandbox", "--json", "--no-input", "open", "--template", "client-vpn",
        "--customer-alias", "ACME", "--server", "VA1ACMEWEB01", "--portal-username", "jdoe",
        "--full-name", "Jo Doe", "--no-duplicate-check", "--checked", "config",
        "--checked", "port", "--unchecked", "password", stdin="TLS handshake failed\n",
    )  # fmt: skip
    assert opened.code == 0, opened.stderr
    ticket = opened.json()["data"]["id"]
    desk = SandboxState(paths.sandbox_dir() / "sandbox.sqlite3")
    with desk.writing() as conn:  # old enough: escalating it is not early
        conn.execute("UPDATE requests SET created_at = '2020-01-01T00:00:00Z' WHERE id = ?",
                     (ticket,))  # fmt: skip
    escalate = ["--sandbox", "--json", "--no-input", "escalate", str(ticket),
                "--reason", "Nobody can work", "--full-name", "Jo Doe"]  # fmt: skip
    refused = cli(*escalate)
    assert refused.code == 3
    assert refused.json()["error"]["message"] == (
        "missing required input: --unchecked password=REASON, --unchecked version=REASON"
    )
    sent = cli(*escalate, "--unchecked", "password=the user is away",
               "--unchecked", "version=managed by the customer's IT")  # fmt: skip
    assert sent.code == 0, sent.stderr
    text = desk.get_request(sent.json()["data"]["escalation_id"])["description"]
    assert "L1 checklist items not done:" in text
    assert "(why: the user is away)" in text and "(why: managed by the customer's IT)" in text
