"""`comment` on a real pseudo-terminal: the prompt, Ctrl-C keeps a draft, --resume sends it."""

from __future__ import annotations

import os
import sys

import pexpect
import pytest
from ticketdata import FULL_FLAGS

FINISH_MULTILINE = "\x1b\r"  # Esc then Enter
CTRL_C = "\x03"


@pytest.fixture
def spawn():
    children = []

    def start(*args: str, editor: str | None = None) -> pexpect.spawn:
        env = {k: v for k, v in os.environ.items() if k not in ("CTLSUPPORT_NO_INPUT", "EDITOR")}
        env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", NO_COLOR="1")
        env.pop("VISUAL", None)
        if editor:
            env["EDITOR"] = editor
        child = pexpect.spawn(sys.executable, ["-m", "ctlsupport", *args], env=env,
                              encoding="utf-8", timeout=20, dimensions=(50, 140))  # fmt: skip
        children.append(child)
        return child

    yield start
    for child in children:
        child.close(force=True)


def _open(cli) -> int:
    result = cli("--sandbox", "--json", "--no-input", "open", *FULL_FLAGS,
                 "--no-duplicate-check", stdin="boom")  # fmt: skip
    assert result.code == 0, result.stdout
    return result.json()["data"]["id"]


def _last_comment(request_id: int) -> str:
    from ctlsupport.config import paths
    from ctlsupport.sandbox import SandboxState

    state = SandboxState(paths.sandbox_dir() / "sandbox.sqlite3")
    with state.reading() as conn:
        row = conn.execute("SELECT body FROM comments WHERE request_id = ? ORDER BY id DESC",
                           (request_id,)).fetchone()  # fmt: skip
    return row["body"]


def test_prompt_then_ctrl_c_keeps_a_draft_that_resume_sends(spawn, cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    request_id = _open(cli)
    child = spawn("--sandbox", "comment", str(request_id), "--full-name", "Jo Doe")
    child.expect("Comment on #")
    child.expect("Your comment")
    child.send("The customer rebooted it")
    child.send(CTRL_C)
    child.expect("saved as draft (\\d+)")
    number = child.match.group(1)
    child.expect(f"`ctlsupport --sandbox comment {request_id} --resume {number}`")  # works there
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")

    drafts = cli("--json", "drafts", "list").json()["data"]["drafts"]
    assert [(str(d["id"]), d["kind"]) for d in drafts] == [(number, "comment")]
    assert "The customer rebooted it" in drafts[0]["summary"]

    resumed = cli("--sandbox", "--no-input", "comment", str(request_id), "--resume", number,
                  "--full-name", "Jo Doe")  # fmt: skip
    assert resumed.code == 0, resumed.stderr
    assert _last_comment(request_id).startswith("The customer rebooted it\n\n--\nJo Doe\n")
    assert cli("--json", "drafts", "list").json()["data"]["drafts"] == []


def test_prompted_comment_is_sent_signed(spawn, cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    request_id = _open(cli)
    from ctlsupport.store import db

    db.connect().execute("UPDATE requests SET signed_by = NULL")  # opened elsewhere
    child = spawn("--sandbox", "comment", str(request_id))
    child.expect("Your full name")
    child.send("Ann Lee\r")
    child.expect("Your comment")
    child.send("Line one\rLine two")
    child.send(FINISH_MULTILINE)
    child.expect(f"Commented on #{request_id}")
    child.expect(pexpect.EOF)
    assert _last_comment(request_id).startswith("Line one\nLine two\n\n--\nAnn Lee\n")


def test_the_comment_is_written_in_the_editor(spawn, cli, monkeypatch, tmp_path):
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    request_id = _open(cli)
    editor = tmp_path / "editor.sh"
    # First an empty file (re-asked), then a real comment.
    editor.write_text(
        "#!/bin/sh\n"
        f'if [ -e "{tmp_path}/once" ]; then echo "Disk replaced, all green" >> "$1"; '
        f'else touch "{tmp_path}/once"; fi\n'
    )
    editor.chmod(0o755)
    child = spawn("--sandbox", "comment", str(request_id), "--full-name", "Jo Doe",
                  editor=str(editor))  # fmt: skip
    child.expect("the comment is empty")
    child.expect("Edit again")
    child.send("y")
    child.expect(f"Commented on #{request_id}")
    child.expect(pexpect.EOF)
    assert _last_comment(request_id).startswith("Disk replaced, all green")
