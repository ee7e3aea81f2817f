"""Following tickets on a sandbox desk whose agent side moves them: list, show, comment,
solve, watch, and the output modes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ticketdata import FULL_FLAGS

from ctlsupport.exitcodes import ExitCode

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

ESCAPES = re.compile(r"\x1b\[|\x07")

# These flows are not about the kept priority: the embedded desk lets it be set.
pytestmark = pytest.mark.usefixtures("lenient_priority")


@pytest.fixture(autouse=True)
def pin(monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    monkeypatch.setenv("CTLSUPPORT_RETRY_SECONDS", "5")


def _desk():
    from ctlsupport.config import paths
    from ctlsupport.sandbox import SandboxState

    return SandboxState(paths.sandbox_dir() / "sandbox.sqlite3")


def _open(cli, *extra: str) -> int:
    result = cli("--sandbox", "--json", "--no-input", "open", *FULL_FLAGS,
                 "--no-duplicate-check", *extra, stdin="boom")  # fmt: skip
    assert result.code == 0, result.stdout + result.stderr
    return result.json()["data"]["id"]


def _listed(cli, *args: str) -> list[dict]:
    result = cli("--sandbox", "--json", "list", *args)
    assert result.code == 0, result.stdout
    return result.json()["data"]["requests"]


def _seeded(count: int) -> None:
    import list_bench

    from ctlsupport.config import paths

    paths.ensure_private_dir(paths.sandbox_dir())
    desk = _desk()
    desk.ensure_end_user("support@partner.example", "Partner Support", "sandbox")
    list_bench.seed(desk, count)


# -- list --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 100, 250])
def test_pagination_edges_all_requests_once(cli, count):
    _seeded(count)
    rows = _listed(cli, "--all", "--status", "all")
    assert len(rows) == count
    assert len({r["id"] for r in rows}) == count
    updated = [r["updated_at"] for r in rows]
    assert updated == sorted(updated, reverse=True)


def test_limit_default_and_status_filters(cli):
    _seeded(250)  # statuses cycle new, open, pending, hold, solved, closed
    assert len(_listed(cli)) == 30
    everything = _listed(cli, "--all")
    assert {r["status"] for r in everything} == {"new", "open", "pending", "hold", "solved"}
    assert {r["status"] for r in _listed(cli, "--all", "--status", "open")} == {
        "new", "open", "hold",
    }  # fmt: skip
    assert {r["status"] for r in _listed(cli, "--all", "--status", "closed")} == {"closed"}
    high = _listed(cli, "--all", "--priority", "high", "--status", "all")
    assert high and {r["priority"] for r in high} == {"high"}
    acme = _listed(cli, "--all", "--customer", "c5", "--status", "all")
    assert acme and {r["customer_alias"] for r in acme} == {"C5"}
    assert [r["id"] for r in _listed(cli, "--limit", "3", "--sort", "created")] == [
        r["id"] for r in _listed(cli, "--all", "--sort", "created")[:3]
    ]


def test_bad_filters_are_usage_errors(cli):
    assert cli("--sandbox", "list", "--status", "weird").code == ExitCode.USAGE
    assert cli("--sandbox", "list", "--priority", "meh").code == ExitCode.USAGE


def test_row_has_customer_clock_and_mine(cli):
    request_id = _open(cli)
    (row,) = _listed(cli)
    assert row["id"] == request_id and row["customer_alias"] == "ACME"
    assert row["sla"]["state"] == "on track" and row["sla"]["target"] == "30 min"
    assert row["mine"] is True
    assert [r["id"] for r in _listed(cli, "--mine")] == [request_id]


def test_an_answer_within_the_target_stops_the_clock(cli):
    request_id = _open(cli)
    _desk().agent_reply(request_id, "Please check the disk.")  # status becomes open
    (row,) = _listed(cli)
    assert (row["status"], row["sla"]["state"]) == ("open", "answered")


def test_agent_moves_show_in_list_status_and_clock(cli):
    request_id = _open(cli)
    desk = _desk()
    with desk.writing() as conn:  # opened three hours ago, never answered
        conn.execute("UPDATE requests SET created_at = '2020-01-01T00:00:00Z' WHERE id = ?",
                     (request_id,))  # fmt: skip
    assert _listed(cli)[0]["sla"]["state"] == "breached"
    desk.set_status(request_id, "open")
    assert _listed(cli)[0]["sla"]["state"] == "breached"  # open, but no answer yet
    desk.agent_reply(request_id, "We are on it.")
    row = _listed(cli)[0]
    assert (row["status"], row["sla"]["state"]) == ("open", "answered")
    desk.set_status(request_id, "pending")
    assert _listed(cli)[0]["status"] == "pending"
    desk.set_status(request_id, "solved")
    assert _listed(cli)[0]["sla"]["state"] == "stopped"
    desk.set_status(request_id, "closed")
    assert _listed(cli) == []
    assert _listed(cli, "--status", "closed")[0]["id"] == request_id


def test_piped_output_is_plain_tab_separated_with_iso_times(run_process):
    env = {"CTLSUPPORT_PIN": "4711"}
    opened = run_process("--sandbox", "--no-input", "open", *FULL_FLAGS, "--no-duplicate-check",
                         stdin=b"boom", env=env)  # fmt: skip
    assert opened.code == 0, opened.stderr
    clean = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    listed = subprocess.run(
        [sys.executable, "-m", "ctlsupport", "--sandbox", "list"],
        capture_output=True, text=True, env={**clean, "TERM": "xterm-256color"}, timeout=60,
    )  # fmt: skip
    assert listed.returncode == 0
    assert not ESCAPES.search(listed.stdout + listed.stderr)
    cells = listed.stdout.rstrip("\n").split("\t")
    assert len(cells) == 8
    assert cells[2:5] == ["ACME", "high", "new"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", cells[5])
    assert cells[6] == "on track" and re.fullmatch(r"\d{4}-.*Z", cells[7])
    shown = subprocess.run(
        [sys.executable, "-m", "ctlsupport", "--sandbox", "show", cells[0]],
        capture_output=True, text=True, env={**clean, "TERM": "xterm-256color"}, timeout=60,
    )  # fmt: skip
    assert not ESCAPES.search(shown.stdout)
    assert "first response (professional, 30 min): on track" in shown.stdout


def test_offline_list_is_the_last_known_state(cli):
    request_id = _open(cli)
    _listed(cli)  # seen
    _desk().set_status(request_id, "pending")  # the desk moves on; we do not ask
    result = cli("--sandbox", "--json", "list", "--offline")
    data = result.json()["data"]
    assert data["offline"] is True
    assert [(r["id"], r["status"]) for r in data["requests"]] == [(request_id, "new")]
    assert data["requests"][0]["seen_at"]
    plain = cli("--sandbox", "list", "--offline")
    assert plain.stdout.startswith(f"{request_id}\t") and "offline" in plain.stderr


# -- show --------------------------------------------------------------------------------


def test_show_has_fields_clock_thread_and_attachment_sizes(cli, tmp_path):
    log = tmp_path / "ping.log"
    log.write_text("64 bytes from 10.0.0.1\n" * 10)
    request_id = _open(cli, "--attach", str(log))
    _desk().agent_reply(request_id, "Looking at it now.")
    data = cli("--sandbox", "--json", "show", str(request_id)).json()["data"]
    assert data["customer_alias"] == "ACME"
    assert data["sla"]["state"] == "answered" and data["sla"]["updates"] == "hourly, status page"
    assert data["sla"]["restoration"] == "8 h" and data["sla"]["first_reply_at"]
    assert [c["author_name"] for c in data["comments"]] == ["Partner Support", "Sam Agent"]
    assert data["comments"][0]["attachments"][0]["size"] == log.stat().st_size
    plain = cli("--sandbox", "show", str(request_id)).stdout
    assert f"[attachment] ping.log ({log.stat().st_size} bytes)" in plain
    assert "--- Sam Agent at" in plain and "Looking at it now." in plain


def test_show_web_opens_the_browser(run_process, tmp_path):
    record = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {record}\n')
    browser.chmod(0o755)
    result = run_process("--sandbox", "show", "1042", "--web", env={"BROWSER": str(browser)})
    assert result.code == 0, result.stderr
    for _ in range(50):
        if record.exists():
            break
        time.sleep(0.1)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/hc/requests/1042\n", record.read_text())


# -- comment -----------------------------------------------------------------------------


def _comments(request_id: int) -> list[str]:
    with _desk().reading() as conn:
        rows = conn.execute("SELECT body FROM comments WHERE request_id = ? ORDER BY id",
                            (request_id,)).fetchall()  # fmt: skip
    return [r["body"] for r in rows]


def test_comment_is_signed_with_the_full_name(cli):
    request_id = _open(cli)
    result = cli("--sandbox", "--no-input", "comment", str(request_id),
                 "--body", "Customer confirms it is back.", "--full-name", "Jo Doe")  # fmt: skip
    assert result.code == 0, result.stderr
    body = _comments(request_id)[-1]
    assert body.startswith("Customer confirms it is back.\n\n--\nJo Doe\n")
    assert re.search(r"Client reference: ctlsupport-c-[0-9a-f]{16}\n$", body)


def test_comment_signature_from_the_profile_and_body_file(cli, sandbox, tmp_path, monkeypatch):
    import list_bench

    monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")
    _setup(cli, sandbox.url, name="Ann Lee")
    list_bench.seed(sandbox.state, 1)
    request_id = sandbox.state.list_requests()[0]["id"]
    note = tmp_path / "note.txt"
    note.write_text("From a file.\n")
    attach = tmp_path / "trace.txt"
    attach.write_text("traceroute\n")
    result = cli("--json", "--no-input", "comment", str(request_id),
                 "--body-file", str(note), "--attach", str(attach))  # fmt: skip
    assert result.code == 0, result.stdout
    assert result.json()["data"]["attachments"] == ["trace.txt"]
    thread = cli("--json", "show", str(request_id)).json()["data"]["comments"]
    assert thread[-1]["body"].startswith("From a file.\n\n--\nAnn Lee\n")
    assert thread[-1]["attachments"][0]["file_name"] == "trace.txt"
    piped = cli("--no-input", "comment", str(request_id), "--body-file", "-",
                stdin="From stdin.")  # fmt: skip
    assert piped.code == 0, piped.stderr
    thread = cli("--json", "show", str(request_id)).json()["data"]["comments"]
    assert thread[-1]["body"].startswith("From stdin.\n\n--\nAnn Lee\n")


def test_comment_needs_text_and_name_without_a_terminal(cli):
    request_id = _open(cli)
    missing = cli("--sandbox", "--no-input", "comment", str(request_id), "--full-name", "Jo")
    assert missing.code == ExitCode.INVALID_INPUT and "--body" in missing.stderr
    from ctlsupport.store import db

    db.connect().execute("UPDATE requests SET signed_by = NULL")  # not opened here
    nameless = cli("--sandbox", "--no-input", "comment", str(request_id), "--body", "x")
    assert nameless.code == ExitCode.INVALID_INPUT and "--full-name" in nameless.stderr


def test_comment_on_solved_ticket_says_it_reopens(cli):
    request_id = _open(cli)
    _desk().set_status(request_id, "solved")
    result = cli("--sandbox", "--no-input", "comment", str(request_id), "--body", "Still down",
                 "--full-name", "Jo Doe")  # fmt: skip
    assert result.code == 0
    assert "solved: this comment reopens it" in result.stderr
    assert _desk().get_request(request_id)["status"] == "open"


def test_closed_ticket_refuses_then_opens_a_follow_up(cli):
    request_id = _open(cli)
    _desk().set_status(request_id, "closed")
    refused = cli("--sandbox", "--no-input", "comment", str(request_id), "--body", "Again",
                  "--full-name", "Jo Doe")  # fmt: skip
    assert refused.code == ExitCode.INVALID_INPUT
    assert "closed" in refused.stderr and "--follow-up" in refused.stderr
    made = cli("--sandbox", "--json", "--no-input", "comment", str(request_id), "--body", "Again",
               "--full-name", "Jo Doe", "--follow-up")  # fmt: skip
    assert made.code == 0, made.stdout
    follow_id = made.json()["data"]["follow_up_id"]
    follow = _desk().get_request(follow_id)
    assert follow["followup_source_id"] == request_id and follow["priority"] == "normal"
    assert "Again\n\n--\nJo Doe" in follow["description"]
    assert _listed(cli)[0]["customer_alias"] == "ACME"  # the follow-up's customer


class ScriptedDice:
    """Faults in a fixed order for the desk's API calls, then none."""

    def __init__(self, *kinds):
        from ctlsupport.sandbox.faults import FaultDice

        self.dice = FaultDice({}, slow_seconds=0.5)
        self.script = list(kinds)

    def roll(self):
        return self.script.pop(0) if self.script else None

    def before(self, kind):
        return self.dice.before(kind)

    def after(self, kind, response):
        return self.dice.after(kind, response)


def _setup(cli, url, name="Jo Doe"):
    result = cli("--no-input", "setup", "--desk-url", url, "--alias", "support@partner.example",
                 "--auth", "token", "--full-name", name)  # fmt: skip
    assert result.code == 0, result.stderr


def test_comment_sent_exactly_once_when_the_answer_is_lost(cli, sandbox, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")
    _setup(cli, sandbox.url)
    created = sandbox.state.list_requests()
    assert created == []
    import list_bench

    list_bench.seed(sandbox.state, 1)
    request_id = sandbox.state.list_requests()[0]["id"]
    # GET the request answers; the PUT is committed but its answer dropped.
    sandbox._httpd.app.dice = ScriptedDice(None, "drop")
    result = cli("--json", "--no-input", "comment", str(request_id), "--body", "Only once")
    assert result.code == 0, result.stdout
    assert result.json()["data"]["adopted"] is True
    with sandbox.state.reading() as conn:
        bodies = [r[0] for r in conn.execute(
            "SELECT body FROM comments WHERE request_id = ?", (request_id,))]  # fmt: skip
    assert sum("Only once" in b for b in bodies) == 1


def test_failed_comment_is_kept_as_a_draft_and_resumed_once(cli, sandbox, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")
    monkeypatch.setenv("CTLSUPPORT_RETRY_SECONDS", "1")
    _setup(cli, sandbox.url)
    import list_bench

    list_bench.seed(sandbox.state, 1)
    request_id = sandbox.state.list_requests()[0]["id"]
    # Every call after the first loses its answer: the comment may have arrived.
    sandbox._httpd.app.dice = ScriptedDice(None, *["drop"] * 40)
    failed = cli("--no-input", "comment", str(request_id), "--body", "Kept for later")
    assert failed.code == ExitCode.QUEUED, failed.stderr
    assert "--resume" in failed.stderr
    drafts = cli("--json", "drafts", "list").json()["data"]["drafts"]
    assert [d["kind"] for d in drafts] == ["comment"]
    sandbox._httpd.app.dice = ScriptedDice()
    resumed = cli("--json", "--no-input", "comment", str(request_id), "--resume")
    assert resumed.code == 0, resumed.stdout
    assert cli("--json", "drafts", "list").json()["data"]["drafts"] == []
    with sandbox.state.reading() as conn:
        bodies = [r[0] for r in conn.execute("SELECT body FROM comments")]
    assert sum("Kept for later" in b for b in bodies) == 1


# -- solve -------------------------------------------------------------------------------


def test_solve_refused_then_allowed(cli):
    request_id = _open(cli, "--via", "api")  # a mailed request has no type to solve with
    refused = cli("--sandbox", "--json", "solve", str(request_id))
    assert refused.code == ExitCode.INVALID_INPUT
    error = refused.json()["error"]
    assert error["code"] == "solve_refused" and "no agent is assigned" in error["message"]
    _desk().assign(request_id)
    solved = cli("--sandbox", "--json", "solve", str(request_id))
    assert solved.code == 0
    assert solved.json()["data"] == {"id": request_id, "status": "solved", "changed": True}
    again = cli("--sandbox", "solve", str(request_id))
    assert again.code == 0 and "already solved" in again.stderr


# -- watch -------------------------------------------------------------------------------


def _watch(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ctlsupport", "--sandbox", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ}, start_new_session=True,
    )  # fmt: skip


def test_watch_sees_status_priority_and_an_agent_reply(cli):
    request_id = _open(cli)
    proc = _watch("--json", "watch", str(request_id), "--interval", "0.2", "--until", "comment")
    time.sleep(3)  # the first look sets the baseline
    desk = _desk()
    desk.set_status(request_id, "open")
    time.sleep(1.5)
    desk.set_priority(request_id, "urgent")
    desk.agent_reply(request_id, "Found it: a failed switch port.")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    kinds = [e["event"] for e in events]
    assert "status" in kinds and "priority" in kinds and kinds[-1] == "comment"
    status = next(e for e in events if e["event"] == "status")
    assert (status["from"], status["to"]) == ("new", "open")
    comment = events[-1]["comment"]
    assert comment["from_provider"] is True and comment["author"] == "Sam Agent"
    assert comment["body"] == "Found it: a failed switch port."


def test_watch_piped_has_no_bell_and_count_ends_it(cli):
    request_id = _open(cli)
    proc = _watch("watch", str(request_id), "--interval", "0.2", "--count", "3")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out == "" and "Watching 1 request(s)" in err
    assert not ESCAPES.search(out + err)


def test_watch_ctrl_c_exits_130_without_traceback(cli):
    import signal

    request_id = _open(cli)
    proc = _watch("watch", str(request_id), "--interval", "0.2")
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err and "Stopped watching." in err
