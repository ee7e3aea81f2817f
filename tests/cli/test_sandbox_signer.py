"""In the sandbox, `comment` and `escalate` sign with the name the ticket was opened with,
and their hint for a missing name works there."""

from __future__ import annotations

from ticketdata import FULL_FLAGS, desk_body


def _open(cli, monkeypatch) -> int:
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    made = cli("--sandbox", "--json", "--no-input", "open", *FULL_FLAGS, stdin="boom\n")
    assert made.code == 0, made.stderr
    return made.json()["data"]["id"]


def test_comment_and_escalate_sign_with_the_name_used_at_open(cli, monkeypatch):
    request_id = _open(cli, monkeypatch)  # signed "Jo Doe" by --full-name
    commented = cli("--sandbox", "--json", "--no-input", "comment", str(request_id),
                    "--body", "Any news?")  # fmt: skip
    assert commented.code == 0, commented.stderr
    shown = cli("--sandbox", "--json", "show", str(request_id)).json()["data"]
    assert "Jo Doe" in shown["comments"][-1]["body"]
    escalated = cli("--sandbox", "--json", "--no-input", "escalate", str(request_id),
                    "--reason", "Down for hours", "--yes")  # fmt: skip
    assert escalated.code == 0, escalated.stderr
    assert "Jo Doe" in desk_body(escalated.json()["data"]["escalation_id"])


def test_the_hint_for_a_missing_name_works_in_the_sandbox(cli, run_process, monkeypatch):
    request_id = _open(cli, monkeypatch)
    from ctlsupport.store import db

    db.connect().execute("UPDATE requests SET signed_by = NULL")  # opened elsewhere
    # A process of its own: this one's scrubber may know "sandbox" as another test's secret.
    missing = run_process("--sandbox", "--no-input", "comment", str(request_id), "--body", "x")
    assert missing.code == 3
    assert "`ctlsupport --sandbox setup --full-name 'Jo Doe'`" in missing.stderr
    assert cli("--sandbox", "--no-input", "setup", "--full-name", "Jo Doe").code == 0
    again = cli("--sandbox", "--no-input", "comment", str(request_id), "--body", "x")
    assert again.code == 0, again.stderr
