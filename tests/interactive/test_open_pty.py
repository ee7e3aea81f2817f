"""`open` on a real pseudo-terminal: prompts, re-asking, preview, cancel and submit."""

from __future__ import annotations

import os
import re
import shlex
import sys

import pexpect
import pytest
from ticketdata import desk_body

ENTER = "\r"
DOWN = "\x1b[B"
CLEAR_LINE = "\x15"  # Ctrl-U
FINISH_MULTILINE = "\x1b\r"  # Esc then Enter

# These flows are not about the kept priority: the embedded desk lets it be set.
pytestmark = pytest.mark.usefixtures("lenient_priority")


@pytest.fixture
def spawn():
    children = []

    def start(*args: str, program: str = sys.executable) -> pexpect.spawn:
        env = {k: v for k, v in os.environ.items() if k != "CTLSUPPORT_NO_INPUT"}
        env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", NO_COLOR="1")
        child = pexpect.spawn(
            program,
            list(args) if program != sys.executable else ["-m", "ctlsupport", *args],
            env=env,
            encoding="utf-8",
            timeout=20,
            dimensions=(50, 140),
        )
        children.append(child)
        return child

    start.shell = lambda command: start("-c", command, program="/bin/sh")  # type: ignore[attr-defined]
    yield start
    for child in children:
        child.close(force=True)


def answer(child: pexpect.spawn, prompt: str, text: str) -> None:
    child.expect(prompt)
    child.send(text + ENTER)


def fill_ticket(child: pexpect.spawn) -> None:
    """Answer every prompt of `open`, with one bad IP that must be re-asked."""
    answer(child, "Problem template", "")  # none: a blank ticket
    answer(child, "Subject", "ACME: web server down")
    child.expect("Priority")
    child.send(ENTER)  # normal, the default
    answer(child, "Partner ticket number", "P-9")
    answer(child, "Customer name", "Acme Corp")
    answer(child, "Customer account alias", "ACME")
    answer(child, "Data center", "VA1")
    answer(child, "Server name", "VA1ACMEWEB01")
    answer(child, "External IP", "300.1.1.1")
    child.expect("is not an IPv4 or IPv6 address")
    child.send(CLEAR_LINE + "8.8.8.8" + ENTER)
    answer(child, "Control Portal username", "jdoe")
    answer(child, "Control Portal PIN", "4711")
    answer(child, "Your full name", "Jo Doe")
    answer(child, "Brief description", "It stopped answering at 09:12.")
    answer(child, "Troubleshooting steps taken", "Rebooted it.")
    child.expect("Error output")
    child.send("HTTP 503 Service Unavailable" + ENTER + "upstream timed out")
    child.send(FINISH_MULTILINE)
    answer(child, "Attachment 1", "")
    answer(child, "CC", "")
    child.expect("Must the provider log in")
    child.send("n")
    child.expect("Submit this ticket")


def test_submit_creates_exactly_one_request_with_every_field(spawn, cli):
    child = spawn("--sandbox", "open", "--no-suggest")
    fill_ticket(child)
    child.send(ENTER)
    child.expect(r"Opened request #(\d+)")
    request_id = int(child.match.group(1))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    listed = cli("--sandbox", "--json", "list").json()["data"]["requests"]
    assert [r["id"] for r in listed] == [request_id]
    shown = cli("--sandbox", "--json", "show", str(request_id)).json()["data"]
    body = shown["comments"][0]["body"]
    for text in (
        "Partner ticket number: P-9",
        "Customer name: Acme Corp",
        "Account alias: ACME",
        "Data center: VA1",
        "Server(s) affected: VA1ACMEWEB01",
        "External IP: 8.8.8.8",
        "Control Portal username: jdoe",
        "It stopped answering at 09:12.",
        "Rebooted it.",
        "HTTP 503 Service Unavailable\nupstream timed out",
        "Jo Doe",
    ):
        assert text in body
    assert "300.1.1.1" not in body
    assert "User PIN: ********" in body and "User PIN: 4711" in desk_body(request_id)
    assert shown["request"]["priority"] == "normal"


def test_cancel_sends_nothing(spawn, cli):
    child = spawn("--sandbox", "open", "--no-suggest")
    fill_ticket(child)
    child.send(DOWN + DOWN + ENTER)
    child.expect("cancelled; nothing was sent")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 11
    assert cli("--sandbox", "--json", "list").json()["data"]["requests"] == []


def test_edit_a_field_from_the_preview(spawn, cli):
    child = spawn("--sandbox", "open", "--no-suggest")
    fill_ticket(child)
    child.send(DOWN + ENTER)  # Edit a field
    child.expect("Which field")
    child.send(ENTER)  # Subject, the first
    child.expect("Subject")
    child.expect("ACME: web server down")  # the edit starts from the current value
    child.send(CLEAR_LINE + "ACME: corrected subject" + ENTER)
    child.expect("Submit this ticket")
    child.send(ENTER)
    child.expect(r"Opened request #(\d+)")
    child.expect(pexpect.EOF)
    listed = cli("--sandbox", "--json", "list").json()["data"]["requests"]
    assert [r["subject"] for r in listed] == ["ACME: corrected subject"]


def test_piped_error_text_with_prompts_on_the_terminal(spawn, cli):
    # stdin is a pipe carrying the error text; the prompts go to the terminal (/dev/tty).
    flags = (
        "--yes --subject s --customer-name Acme --customer-alias ACME --datacenter VA1 "
        "--server VA1ACMEWEB01 --ip 8.8.8.8 --portal-username jdoe --full-name 'Jo Doe' "
        "--description d --steps s"
    )
    command = (
        f"printf 'kernel: disk failure on sdb\\n' | "
        f"{shlex.quote(sys.executable)} -m ctlsupport --sandbox open {flags}"
    )
    child = spawn.shell(command)
    answer(child, "Priority", "")
    answer(child, "Partner ticket number", "")
    answer(child, "Control Portal PIN", "12a")
    child.expect("PIN must be 1-10 digits")
    child.send(CLEAR_LINE + "12" + ENTER)
    answer(child, "Attachment 1", "")
    answer(child, "CC", "")
    child.expect("Must the provider log in")
    child.send("y")
    answer(child, "Root/admin password", "r00t-pw")
    child.expect(r"Opened request #(\d+)")
    request_id = child.match.group(1)
    child.expect(pexpect.EOF)
    body = desk_body(request_id)
    assert "kernel: disk failure on sdb" in body
    assert "Root/admin password (provider may log in): r00t-pw" in body
    assert re.search(r"User PIN: 12\n", body)


def test_ctrl_c_saves_a_draft_and_resume_completes_it(spawn, cli):
    child = spawn("--sandbox", "open", "--no-suggest")
    answer(child, "Problem template", "")  # none: a blank ticket
    answer(child, "Subject", "ACME: half typed")
    child.expect("Priority")
    child.send(DOWN + ENTER)  # low
    answer(child, "Partner ticket number", "P-5")
    answer(child, "Customer name", "Acme Corp")
    child.expect("Customer account alias")
    child.send("\x03")  # Ctrl-C
    child.expect(r"saved as draft (\d+)")
    draft_id = child.match.group(1)
    child.expect("ctlsupport --sandbox open --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    drafts = cli("--json", "drafts", "list").json()["data"]["drafts"]
    assert [(str(d["id"]), d["summary"]) for d in drafts] == [(draft_id, "ACME: half typed")]

    child = spawn("--sandbox", "open", "--resume")
    # Subject, priority, partner ticket and customer name are not asked again.
    answer(child, "Customer account alias", "ACME")
    answer(child, "Data center", "VA1")
    answer(child, "Server name", "VA1ACMEWEB01")
    answer(child, "External IP", "8.8.8.8")
    answer(child, "Control Portal username", "jdoe")
    answer(child, "Control Portal PIN", "4711")
    answer(child, "Your full name", "Jo Doe")
    answer(child, "Brief description", "d")
    answer(child, "Troubleshooting steps taken", "s")
    child.expect("Error output")
    child.send("boom" + FINISH_MULTILINE)
    answer(child, "Attachment 1", "")
    answer(child, "CC", "")
    child.expect("Must the provider log in")
    child.send("n")
    child.expect("Submit this ticket")
    child.send(ENTER)
    child.expect(r"Opened request #(\d+)")
    request_id = child.match.group(1)
    child.expect(pexpect.EOF)
    shown = cli("--sandbox", "--json", "show", request_id).json()["data"]
    assert shown["request"]["subject"] == "ACME: half typed"
    assert shown["request"]["priority"] == "low"
    assert "Partner ticket number: P-5" in shown["comments"][0]["body"]
    assert cli("--json", "drafts", "list").json()["data"]["drafts"] == []


def test_preview_shows_what_was_redacted(spawn, cli, tmp_path):
    log = tmp_path / "app.log"
    log.write_text("login failed for admin password=hunter2\n")
    child = spawn(
        "--sandbox", "open", "--subject", "s", "--priority", "low", "--partner-ticket", "p",
        "--customer-name", "Acme", "--customer-alias", "ACME", "--datacenter", "VA1",
        "--server", "VA1ACMEWEB01", "--ip", "8.8.8.8", "--portal-username", "jdoe",
        "--full-name", "Jo Doe", "--description", "d", "--steps", "s",
        "--error-file", str(log), "--cc", "a@b.example",
    )  # fmt: skip
    answer(child, "Control Portal PIN", "4711")
    answer(child, "Attachment 1", "")
    child.expect("Must the provider log in")
    child.send("n")
    child.expect("Redacted before sending: 1 x password or key assignment")
    child.expect("Submit this ticket")
    child.send(ENTER)
    child.expect(r"Opened request #(\d+)")
    request_id = child.match.group(1)
    child.expect(pexpect.EOF)
    body = cli("--sandbox", "--json", "show", request_id).json()["data"]["comments"][0]["body"]
    assert "hunter2" not in body and "password=[REDACTED]" in body
