"""Escalation by email: a NEW message with the exact subject, never a forward."""

from __future__ import annotations

from mailhelp import ALIAS, SmtpServer, free_port, write_profile
from ticketdata import FULL_FLAGS

from ctlsupport.exitcodes import ExitCode

REASON = "The customer's shop has been down for 3 hours and nobody answered."


def _ticket(cli) -> int:
    made = cli("--json", "--no-input", "open", "--via", "api", *FULL_FLAGS,
               "--no-duplicate-check", stdin="curl: (7) Failed to connect\n")  # fmt: skip
    assert made.code == 0, made.stderr
    return made.json()["data"]["id"]


def _escalate(cli, ticket: int):
    return cli("--json", "--no-input", "escalate", str(ticket), "--via", "email",
               "--reason", REASON, "--yes")  # fmt: skip


def test_escalation_is_a_new_message_with_the_exact_subject(cli, sandbox, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")
    with SmtpServer() as server:
        write_profile(sandbox.url, server.port)
        ticket = _ticket(cli)
        sent = _escalate(cli, ticket)
        assert sent.code == 0, sent.stderr
    [(sender, rcpts, message, raw)] = server.sink.messages
    assert message["Subject"] == f"ESCALATION: Ticket - {ticket}"
    assert (sender, message["From"], rcpts) == (ALIAS, ALIAS, ["escalation@ctl.io"])
    for name in ("In-Reply-To", "References", "Auto-Submitted", "Precedence", "Reply-To"):
        assert name not in message
    assert not message.is_multipart()  # nothing attached, no message/rfc822 forward
    body = message.get_content()
    assert REASON in body and f"Escalation of ticket #{ticket}" in body
    original = sandbox.state.get_request(ticket)["description"]
    for line in ("The web server stopped answering", "curl: (7)", "User PIN", "Rebooted"):
        assert line in original and line not in body  # nothing of the old ticket quoted
    assert b"Fwd:" not in raw and b"-----Original Message-----" not in raw
    data = sent.json()["data"]
    assert (data["route"], data["to"]) == ("email", "escalation@ctl.io")
    assert data["original_id"] == ticket
    shown = cli("--json", "show", str(ticket)).json()["data"]
    assert any(e.get("message_id") == data["message_id"] for e in shown.get("escalations", []))


def test_escalation_by_email_without_api_access(cli, monkeypatch):
    monkeypatch.delenv("CTLSUPPORT_PIN")  # an escalation carries no PIN
    with SmtpServer() as server:
        write_profile("http://127.0.0.1:9", server.port)  # no desk API at all
        sent = cli("--no-input", "escalate", "1042", "--via", "email", "--reason", REASON,
                   "--full-name", "Jo Doe")  # fmt: skip
    assert sent.code == 0, sent.stderr
    assert "was not read from the desk" in sent.stderr
    [(_s, _r, message, _raw)] = server.sink.messages
    assert message["Subject"] == "ESCALATION: Ticket - 1042"


def test_a_failed_escalation_is_kept_and_sent_later(cli, monkeypatch):
    monkeypatch.delenv("CTLSUPPORT_PIN")
    write_profile("http://127.0.0.1:9", free_port())
    failed = cli("--json", "--no-input", "escalate", "1042", "--via", "email",
                 "--reason", REASON, "--full-name", "Jo Doe")  # fmt: skip
    assert failed.code == ExitCode.QUEUED
    assert "refused the connection" in failed.json()["error"]["message"]
    [item] = cli("--json", "outbox", "list").json()["data"]["items"]
    assert (item["kind"], item["route"]) == ("escalation", "email")
    with SmtpServer() as server:
        write_profile("http://127.0.0.1:9", server.port)
        resent = cli("outbox", "send")
        assert resent.code == 0, resent.stdout + resent.stderr
    [(_s, _r, message, _raw)] = server.sink.messages
    assert message["Subject"] == "ESCALATION: Ticket - 1042"


def test_the_sandbox_desk_takes_the_escalation(cli):
    opened = cli("--sandbox", "--json", "--no-input", "open", *FULL_FLAGS,
                 "--no-duplicate-check", stdin="boom\n")  # fmt: skip
    ticket = opened.json()["data"]["id"]
    sent = cli("--sandbox", "--json", "--no-input", "escalate", str(ticket), "--via", "email",
               "--reason", REASON, "--full-name", "Jo Doe", "--yes")  # fmt: skip
    assert sent.code == 0, sent.stderr
    data = sent.json()["data"]
    listed = cli("--sandbox", "--json", "list").json()["data"]["requests"]
    subjects = {r["id"]: r["subject"] for r in listed}
    assert subjects[data["escalation_id"]] == f"ESCALATION: Ticket - {ticket}"
    # The desk's automation marked it escalated and linked both ways; `show` has it.
    from ctlsupport.sandbox.escalations import (
        ESCALATED_FIELD,
        ESCALATED_IN_FIELD,
        ESCALATION_OF_FIELD,
    )

    def fields(request_id: int) -> dict:
        shown = cli("--sandbox", "--json", "show", str(request_id)).json()["data"]["request"]
        return {f["id"]: f["value"] for f in shown["custom_fields"]}

    escalation = fields(data["escalation_id"])
    assert escalation[ESCALATED_FIELD] is True and escalation[ESCALATION_OF_FIELD] == ticket
    assert fields(ticket)[ESCALATED_IN_FIELD] == data["escalation_id"]


def test_config_show_lists_every_route_with_its_source(cli):
    write_profile("http://127.0.0.1:9", 2525, smtp_security="none")
    assert cli("config", "set", "routes.enterprise", "acme@provider.example").code == 0
    shown = cli("--json", "config", "show").json()["data"]["values"]
    rows = {r["key"]: (r["value"], r["source"]) for r in shown}
    assert rows["routes.urgent"] == ("high@ctl.io", "default")  # urgent mail takes high@
    assert rows["routes.escalation"] == ("escalation@ctl.io", "default")
    assert rows["routes.enterprise"] == ("acme@provider.example", "file")
    assert rows["smtp_port"] == ("2525", "file")


def test_without_a_mail_server_the_escalation_is_written_never_sent_as_a_request(
    cli, sandbox, monkeypatch
):
    """No --via: by email; with no mail server, the exact .eml and a mailto: link."""
    from email import policy
    from email.parser import BytesParser
    from pathlib import Path

    monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")
    write_profile(sandbox.url, 2525, smtp_host="")
    ticket = _ticket(cli)
    before = len(sandbox.state.list_requests())
    done = cli("--json", "--no-input", "escalate", str(ticket), "--reason", REASON, "--yes")
    assert done.code == 0, done.stderr
    data = done.json()["data"]
    assert (data["route"], data["sent"]) == ("handoff", False)
    assert data["mailto"].startswith("mailto:escalation@ctl.io?")
    raw = Path(data["eml"]).read_bytes()
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert message["Subject"] == f"ESCALATION: Ticket - {ticket}"
    assert message["To"] == "escalation@ctl.io"
    assert "never goes as an ordinary request" in done.stderr
    assert len(sandbox.state.list_requests()) == before  # nothing quietly created by API
    plain = cli("--no-input", "escalate", str(ticket), "--reason", REASON, "--yes")
    assert "NOT sent (no mail server)" in plain.stdout and ".eml" in plain.stdout
