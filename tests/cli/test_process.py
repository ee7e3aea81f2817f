"""The provider's process end to end on the embedded sandbox desk: triage, security,
service tasks, escalation, duplicates, knowledge base and platform status."""

from __future__ import annotations

import pytest
from ticketdata import FULL_FLAGS, desk_body

PIN = "4711"
ERROR = "curl: (7) Failed to connect\n"
QUIET = ["--no-duplicate-check", "--impact", "Shop is down"]

# These flows are not about the kept priority: the embedded desk lets it be set.
pytestmark = pytest.mark.usefixtures("lenient_priority")


@pytest.fixture(autouse=True)
def pin(monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", PIN)


def _desk():
    from ctlsupport.config import paths
    from ctlsupport.sandbox import SandboxState

    return SandboxState(paths.sandbox_dir() / "sandbox.sqlite3")


def _open(cli, *extra: str):
    result = cli("--sandbox", "--json", "--no-input", "open", *FULL_FLAGS, *extra, stdin=ERROR)
    assert result.code == 0, result.stderr
    return result


def _age(request_id: int, created_at: str) -> None:
    with _desk().writing() as conn:
        conn.execute("UPDATE requests SET created_at = ? WHERE id = ?", (created_at, request_id))


def test_high_priority_needs_an_impact_under_no_input(cli):
    at = FULL_FLAGS.index("--impact")
    flags = FULL_FLAGS[:at] + FULL_FLAGS[at + 2 :]
    result = cli("--sandbox", "--no-input", "open", *flags, stdin=ERROR)
    assert result.code == 3
    assert "--impact" in result.stderr
    listed = cli("--sandbox", "--json", "list").json()["data"]["requests"]
    assert listed == []


def test_justification_lines_go_into_the_ticket(cli):
    data = _open(cli, *QUIET, "--criterion", "fewer than half of the servers are down")
    body = desk_body(data.json()["data"]["id"])
    assert "Priority justification: fewer than half of the servers are down\n" in body
    assert "Business impact: Shop is down\n" in body


def test_criterion_defaults_to_the_submitters_word(cli):
    body = desk_body(_open(cli, *QUIET).json()["data"]["id"])
    assert "Priority justification: stated by the submitter\n" in body


@pytest.mark.parametrize(("flags", "priority"), [([], "high"), (["--breach"], "urgent")])
def test_security_kind_sets_priority_and_shows_guidance(cli, flags, priority):
    result = _open(cli, *QUIET, "--kind", "security", *flags)
    assert result.json()["data"]["priority"] == priority
    assert "Scans of internet-facing servers are routine" in result.stderr
    assert "black-holing" in result.stderr
    body = desk_body(result.json()["data"]["id"])
    assert f"Priority justification: security {'breach' if flags else 'incident'}" in body


def test_task_is_a_service_task_with_a_due_date(cli):
    flags = [f if f != "high" else "normal" for f in FULL_FLAGS]
    result = cli(
        "--sandbox", "--json", "--no-input", "task", *flags, "--due", "2026-12-21",
        "--no-duplicate-check", stdin=ERROR,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert "within one business day" in result.stderr
    assert "Monday-Friday 9:00-17:00 Pacific" in result.stderr
    row = _desk().get_request(result.json()["data"]["id"])
    assert row["type"] == "task"
    assert row["due_at"] == "2026-12-22T01:00:00Z"


def test_scope_warning_and_its_silencer(cli):
    flags = [f if f != "The web server stopped answering at 09:12 UTC." else
             "The website is slow since the upgrade" for f in FULL_FLAGS]  # fmt: skip
    warned = cli("--sandbox", "--no-input", "open", *flags, *QUIET, stdin=ERROR)
    assert warned.code == 0, warned.stderr
    assert "outside the provider's support scope" in warned.stderr
    quiet = cli("--sandbox", "--no-input", "open", *flags, *QUIET, "--out-of-scope-ok", stdin=ERROR)
    assert quiet.code == 0
    assert "support scope" not in quiet.stderr


def test_duplicates_found_at_the_desk_and_in_history(cli):
    first = _open(cli, "--impact", "Shop is down").json()["data"]["id"]
    second = cli("--sandbox", "--no-input", "open", *FULL_FLAGS, "--impact", "x", stdin=ERROR)
    assert second.code == 0
    assert f"#{first}" in second.stderr and "same server VA1ACMEWEB01" in second.stderr
    skipped = cli("--sandbox", "--no-input", "open", *FULL_FLAGS, *QUIET, stdin=ERROR)
    assert "may be about the same" not in skipped.stderr


def test_duplicates_ignore_solved_requests(cli):
    first = _open(cli, "--impact", "Shop is down").json()["data"]["id"]
    _desk().set_status(first, "solved")
    cli("--sandbox", "--json", "list")  # history learns the new status
    again = cli("--sandbox", "--no-input", "open", *FULL_FLAGS, "--impact", "x", stdin=ERROR)
    assert "may be about the same" not in again.stderr


def test_escalation_by_the_api_route(cli):
    """Only when asked for, said to be an ordinary request; "early" only warns."""
    original = _open(cli, *QUIET).json()["data"]["id"]
    result = cli(
        "--sandbox", "--json", "--no-input", "escalate", str(original), "--via", "api",
        "--reason", "Down for 3 hours", "--full-name", "Jo Doe",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert "early" in result.stderr and "ordinary request" in result.stderr
    data = result.json()["data"]
    assert data["subject"] == f"ESCALATION: Ticket - {original}"
    new = _desk().get_request(data["escalation_id"])
    assert new["subject"] == f"ESCALATION: Ticket - {original}"
    assert new["type"] == "question"
    for part in ("Down for 3 hours", "ACME: VA1ACMEWEB01 unreachable", f"/{original}", "Jo Doe"):
        assert part in new["description"]
    assert "User PIN" not in new["description"]  # a new request, never a forward

    shown = cli("--sandbox", "--json", "show", str(original)).json()["data"]
    assert [(e["escalation_id"], e["route"]) for e in shown["escalations"]] == [
        (data["escalation_id"], "api")
    ]
    human = cli("--sandbox", "show", str(original))
    assert f"as request #{data['escalation_id']}: Down for 3 hours" in human.stdout


def test_early_escalation_only_warns_and_counts_from_the_last_answer(cli):
    original = _open(cli, *QUIET).json()["data"]["id"]
    flags = ["--reason", "r", "--full-name", "Jo Doe", "--via", "email"]
    result = cli("--sandbox", "--no-input", "escalate", str(original), *flags)
    assert result.code == 0, result.stderr  # no --yes needed: early is never a refusal
    assert "escalation may be early" in result.stderr
    assert "since the ticket was opened" in result.stderr
    answered = cli("sandbox", "reply", str(original), "--body", "Looking into it")
    assert answered.code == 0, answered.stderr
    again = cli("--sandbox", "--no-input", "escalate", str(original), *flags)
    assert again.code == 0, again.stderr
    assert "since the provider's last answer" in again.stderr


def test_service_task_escalation_warns_about_the_window(cli):
    from datetime import UTC, datetime

    from ctlsupport.core.escalation import in_task_ack_window

    flags = [f if f != "high" else "normal" for f in FULL_FLAGS]
    made = cli("--sandbox", "--json", "--no-input", "task", *flags, stdin=ERROR)
    task_id = made.json()["data"]["id"]
    result = cli(
        "--sandbox", "--no-input", "escalate", str(task_id), "--reason", "r",
        "--full-name", "Jo Doe", "--yes",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    warned = "acknowledged only 7:00-19:00 Pacific" in result.stderr
    assert warned is not in_task_ack_window(datetime.now(UTC))


def test_escalation_refused_for_closed_tickets(cli):
    original = _open(cli, *QUIET).json()["data"]["id"]
    _desk().set_status(original, "solved")
    _desk().set_status(original, "closed")
    result = cli(
        "--sandbox", "--no-input", "escalate", str(original), "--reason", "r",
        "--full-name", "Jo Doe", "--yes",
    )  # fmt: skip
    assert result.code == 3
    assert "is closed" in result.stderr


def test_escalation_refused_for_the_developer_tier(cli, sandbox, isolated_home):
    from ctlsupport.config import paths

    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text(
        f'default_profile = "dev"\n[profiles.dev]\ndesk_url = "{sandbox.url}"\n'
        'alias = "support@partner.example"\nauth = "token"\ntier = "developer"\n'
    )
    result = cli("--no-input", "escalate", "1001", "--reason", "r", "--full-name", "Jo Doe")
    assert result.code == 3
    assert "paid support tier" in result.stderr
    assert sandbox.state.list_requests() == []


def test_escalation_without_a_reason_names_the_flag(cli):
    result = cli("--sandbox", "--no-input", "escalate", "1001", "--full-name", "Jo Doe")
    assert result.code == 3
    assert "--reason" in result.stderr


def test_matrix_json_for_the_tier(cli):
    data = cli("--sandbox", "--json", "matrix").json()["data"]
    assert data["tier"] == "professional"
    rows = {r["priority"]: r for r in data["priorities"]}
    assert rows["urgent"]["first_response"] == "15 min"
    assert rows["normal"]["restoration"] == "5 business days"
    assert "security breach" in rows["urgent"]["criteria"]


def test_kb_search_and_suggestions(cli):
    found = cli("--sandbox", "--json", "kb", "search", "reset", "PIN").json()["data"]
    assert found["articles"][0]["title"] == "How to reset your Control Portal PIN"
    assert "<em>" in found["articles"][0]["snippet"]
    plain = cli("--sandbox", "kb", "search", "vpn")
    assert "OpenVPN" in plain.stdout
    about_pins = ["--subject", "ACME: cannot reset the PIN", "--description", "PIN reset fails"]
    suggested = _open(cli, *QUIET, *about_pins, "--suggest")
    assert "knowledge base: How to reset your Control Portal PIN" in suggested.stderr
    # Articles that share one word (server) with the problem are no answer to it.
    assert "knowledge base: " not in _open(cli, *QUIET, "--suggest").stderr
    assert "knowledge base: " not in _open(cli, *QUIET).stderr  # never unasked in scripts


def test_status_with_a_simulated_incident_and_the_banner_in_open(cli):
    calm = cli("--sandbox", "--json", "status").json()["data"]
    assert calm["incidents"] == []
    raised = cli(
        "--json", "sandbox", "incident", "--datacenter", "VA1", "--name", "VA1 storage latency",
        "--status", "restoring", "--impact", "major",
    )  # fmt: skip
    assert raised.code == 0, raised.stderr
    incident_id = raised.json()["data"]["incident"]["id"]

    shown = cli("--sandbox", "--json", "status", "--datacenter", "va1").json()["data"]
    assert [(i["name"], i["status"]) for i in shown["incidents"]] == [
        ("VA1 storage latency", "restoring")  # an unknown stage, kept verbatim
    ]
    assert shown["components"] == [{"name": "VA1", "status": "partial_outage"}]
    elsewhere = cli("--sandbox", "--json", "status", "-d", "GB3").json()["data"]
    assert elsewhere["incidents"] == []
    assert [m["name"] for m in elsewhere["maintenances"]] == ["Storage firmware upgrade in GB3"]

    opened = _open(cli, *QUIET)
    assert "active incident in VA1: VA1 storage latency [restoring]" in opened.stderr
    assert cli("sandbox", "resolve", incident_id).code == 0
    assert "active incident" not in _open(cli, *QUIET).stderr
