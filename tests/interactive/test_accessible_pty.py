"""The accessible mode: plain line-by-line prompts, no cursor movement, no spinner."""

from __future__ import annotations

import os
import sys

import pexpect
import pytest

ENTER = "\r"


@pytest.mark.parametrize("how", ["flag", "env"])
def test_a_whole_ticket_with_plain_prompts(cli, how):
    env = {k: v for k, v in os.environ.items() if k != "CTLSUPPORT_NO_INPUT"}
    env.update(TERM="xterm", NO_COLOR="1")
    args = ["-m", "ctlsupport", "--sandbox", "open", "--no-suggest"]
    if how == "flag":
        args.insert(2, "--accessible")
    else:
        env["CTLSUPPORT_ACCESSIBLE"] = "1"
    child = pexpect.spawn(
        sys.executable, args, env=env, encoding="utf-8", timeout=20, dimensions=(50, 80)
    )
    transcript: list[str] = []

    def answer(prompt: str, text: str) -> None:
        child.expect_exact(prompt)
        transcript.append(child.before + child.after)
        child.send(text + ENTER)

    try:
        answer("(Enter for 1): ", "")  # the problem template: 1, none (a blank ticket)
        answer("Subject: ", "ACME: web server down")
        answer("(Enter for 3): ", "")  # the priority, by number: normal
        answer("Partner ticket number: ", "")
        answer("Customer name: ", "Acme Corp")
        answer("Customer account alias: ", "ACME")
        answer("Data center (Tab lists codes): ", "VA1")
        answer("Server name: ", "VA1ACMEWEB01")
        answer("External IP: ", "300.1.1.1")
        child.expect_exact("Not accepted: ")  # said on its own line, then asked again
        answer("External IP: ", "8.8.8.8")
        answer("Control Portal username: ", "jdoe")
        answer("Control Portal PIN (not shown as you type): ", "4711")
        answer("Your full name: ", "Jo Doe")
        answer("Brief description: ", "It stopped answering at 09:12.")
        answer("Troubleshooting steps taken: ", "Rebooted it.")
        child.expect_exact("a line with only a dot to end it.")
        child.send("HTTP 503" + ENTER + "." + ENTER)
        answer("Attachment 1: screenshot or log path: ", "")
        answer("(comma-separated emails): ", "")
        answer("(yes or no, Enter for no): ", "")
        answer("Submit this ticket?", "")
        answer("(Enter for 1): ", "")
        child.expect(r"Opened request #(\d+)")
        transcript.append(child.before + child.after)
        child.expect(pexpect.EOF)
        transcript.append(child.before)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    text = "".join(transcript)
    assert "\x1b" not in text  # no cursor movement, no colour, no spinner frames
    assert "  3. normal" in text  # choices are numbered lines
    listed = cli("--sandbox", "--json", "list").json()["data"]["requests"]
    assert [r["subject"] for r in listed] == ["ACME: web server down"]
