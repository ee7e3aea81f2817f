"""The issue's acceptance, as a new user would run it: a profile with NO API access
(`auth = none`) on the embedded sandbox desk: open by email, sync, list, an agent's
reply in show, a comment by email on the same ticket, watch from the mailbox."""

from __future__ import annotations

import threading

import pytest
from ticketdata import FULL_FLAGS

from ctlsupport.exitcodes import ExitCode


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "97531")
    monkeypatch.delenv("CTLSUPPORT_TOKEN", raising=False)


def _desk():
    from ctlsupport.config import paths
    from ctlsupport.sandbox import SandboxState

    return SandboxState(paths.sandbox_dir() / "sandbox.sqlite3")


def test_the_whole_round_without_api_access_on_the_embedded_desk(cli):
    made = cli("--sandbox", "--no-input", "setup", "--auth", "none", "--full-name", "Jo Doe")
    assert made.code == 0, made.stderr
    assert "No API access" in made.stdout
    opened = cli("--sandbox", "--json", "--no-input", "open", "--via", "email", *FULL_FLAGS,
                 "--no-duplicate-check", stdin="curl: (7) Failed to connect\n")  # fmt: skip
    assert opened.code == 0, opened.stderr
    assert opened.json()["data"]["id"] is None  # no API: the number comes by mail

    synced = cli("--sandbox", "--json", "sync").json()["data"]
    assert synced["new_tickets"] == 1 and synced["numbers_learned"] == 1
    listed = cli("--sandbox", "--json", "list")
    assert listed.code == 0, listed.stderr
    [row] = listed.json()["data"]["requests"]
    [request] = _desk().list_requests()
    assert (row["id"], row["status"]) == (request["id"], "new")
    assert "From the desk's notifications in the alias's mailbox" in listed.stderr

    _desk().agent_reply(request["id"], "We rebooted the host; please check.")
    shown = cli("--sandbox", "--json", "show", str(request["id"]))
    assert shown.code == 0, shown.stderr
    data = shown.json()["data"]
    assert data["source"] == "mailbox" and data["synced_at"]
    assert data["request"]["status"] == "open"
    assert data["comments"][-1]["body"] == "We rebooted the host; please check."
    plain = cli("--sandbox", "show", str(request["id"]))
    assert "We rebooted the host" in plain.stdout and "mailbox" in plain.stderr
    # The whole first comment, but never the PIN the desk's mail quotes.
    assert "Rebooted from Control Portal; still no ping." in plain.stdout
    assert "97531" not in plain.stdout + shown.stdout
    from ctlsupport.store import db

    dump = "\n".join(db.connect().iterdump())
    assert "97531" not in dump

    sent = cli("--sandbox", "--json", "comment", str(request["id"]), "--via", "email",
               "--body", "Back up, thanks.", "--full-name", "Jo Doe")  # fmt: skip
    assert sent.code == 0, sent.stderr
    assert sent.json()["data"]["in_reply_to"] == _latest_notification_id(request["id"])
    assert len(_desk().list_requests()) == 1
    with _desk().reading() as conn:
        last = conn.execute("SELECT body FROM comments WHERE request_id = ? ORDER BY id DESC",
                            (request["id"],)).fetchone()[0]  # fmt: skip
    assert last.startswith("Back up, thanks.") and "##-" not in last

    # An escalation by email: `show` of either names the other, from the mailbox.
    escalated = cli("--sandbox", "--no-input", "escalate", str(request["id"]), "--yes",
                    "--reason", "Down again for hours", "--full-name", "Jo Doe")  # fmt: skip
    assert escalated.code == 0, escalated.stderr
    made = _desk().list_requests()[-1]["id"]
    assert cli("--sandbox", "--json", "sync").code == 0
    ticket = cli("--sandbox", "--json", "show", str(request["id"])).json()["data"]
    assert ticket["escalated_in"] == [made]
    assert f"escalation of #{request['id']}" in cli("--sandbox", "show", str(made)).stdout


def _latest_notification_id(ticket: int) -> str:
    with _desk().reading() as conn:
        return conn.execute(
            "SELECT message_id FROM notifications WHERE request_id = ? ORDER BY id DESC",
            (ticket,),
        ).fetchone()[0]


def test_watch_from_the_mailbox_without_api_access(cli):
    assert cli("--sandbox", "--no-input", "setup", "--auth", "none").code == 0
    opened = cli("--sandbox", "--json", "--no-input", "open", "--via", "email", *FULL_FLAGS,
                 "--no-duplicate-check", stdin="boom\n")  # fmt: skip
    assert opened.code == 0, opened.stderr
    ticket = _desk().list_requests()[0]["id"]
    later = threading.Timer(1.5, lambda: _desk().agent_reply(ticket, "Done."))
    later.start()
    try:
        watched = cli("--sandbox", "--json", "watch", "--until", "comment", "--interval", "0.2")
    finally:
        later.join()
    assert watched.code == ExitCode.OK, watched.stderr
    import json

    events = [json.loads(line) for line in watched.stdout.splitlines()]
    assert events[-1]["event"] == "comment" and events[-1]["comment"]["body"] == "Done."


def test_without_api_and_without_a_mailbox_list_says_how(cli):
    from boxhelp import write_profile

    write_profile(auth="none")
    refused = cli("list")
    assert refused.code == ExitCode.AUTH
    assert "has no API access (auth = none)" in refused.stderr and "mailbox" in refused.stderr


def test_the_report_of_a_mail_only_team_comes_from_the_synced_mailbox(cli):
    assert cli("--sandbox", "--no-input", "setup", "--auth", "none").code == 0
    opened = cli("--sandbox", "--json", "--no-input", "open", "--via", "email", *FULL_FLAGS,
                 "--no-duplicate-check", stdin="curl: (7) Failed to connect\n")  # fmt: skip
    assert opened.code == 0, opened.stderr
    assert cli("--sandbox", "sync").code == 0
    [request] = _desk().list_requests()
    _desk().agent_reply(request["id"], "We rebooted the host; please check.")
    assert cli("--sandbox", "sync").code == 0
    report = cli("--sandbox", "--json", "report", "--since", "1d")
    assert report.code == 0, report.stderr
    assert "No API access" in report.stderr and "ctlsupport sync" in report.stderr
    data = report.json()["data"]
    assert data["offline"] is True and data["requests_read"] == 0  # the desk's API untouched
    counted = [row for row in data["first_response"] if row["tickets"]]
    assert [(r["key"], r["tickets"], r["met"], r["missed"]) for r in counted] == [
        (request["priority"], 1, 1, 0)
    ]
