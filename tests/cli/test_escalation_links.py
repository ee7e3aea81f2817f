"""`show` of a ticket names the escalation made of it, and `show` of the escalation names
its ticket: read from the desk (or, with no API access, from the alias's mailbox)."""

from __future__ import annotations

from ticketdata import FULL_FLAGS

ERROR = "curl: (7) Failed to connect\n"


def test_show_links_a_ticket_and_its_escalation_both_ways(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    opened = cli("--sandbox", "--json", "--no-input", "open", *FULL_FLAGS,
                 "--no-duplicate-check", stdin=ERROR)  # fmt: skip
    assert opened.code == 0, opened.stderr
    ticket = opened.json()["data"]["id"]
    escalated = cli("--sandbox", "--json", "--no-input", "escalate", str(ticket), "--yes",
                    "--reason", "Shop down for 3 hours", "--full-name", "Jo Doe")  # fmt: skip
    assert escalated.code == 0, escalated.stderr
    made = escalated.json()["data"]["escalation_id"]

    shown = cli("--sandbox", "--json", "show", str(ticket)).json()["data"]
    assert shown["escalated_in"] == [made] and shown["escalation_of"] is None
    other = cli("--sandbox", "--json", "show", str(made)).json()["data"]
    assert other["escalation_of"] == ticket and other["escalated_in"] == []
    assert f"escalated in #{made}" in cli("--sandbox", "show", str(ticket)).stdout
    assert f"escalation of #{ticket}" in cli("--sandbox", "show", str(made)).stdout


def test_a_ticket_never_escalated_shows_no_link(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    opened = cli("--sandbox", "--json", "--no-input", "open", "--via", "api", *FULL_FLAGS,
                 "--no-duplicate-check", stdin=ERROR)  # fmt: skip
    ticket = opened.json()["data"]["id"]
    shown = cli("--sandbox", "--json", "show", str(ticket)).json()["data"]
    assert shown["escalated_in"] == [] and shown["escalation_of"] is None
    assert "escalat" not in cli("--sandbox", "show", str(ticket)).stdout.lower()
