"""`open --via email` on a real pseudo-terminal: the preview names the route, then it is sent."""

from __future__ import annotations

import os
import sys

import pexpect
from ticketdata import FULL_FLAGS

ENTER = "\r"


def test_the_preview_names_the_address_and_submit_mails_it(tmp_path, cli):
    errors = tmp_path / "error.txt"
    errors.write_text("HTTP 503 Service Unavailable\n")
    flags = [f if f != "high" else "normal" for f in FULL_FLAGS]
    env = {k: v for k, v in os.environ.items() if k != "CTLSUPPORT_NO_INPUT"}
    env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", NO_COLOR="1")
    args = ["-m", "ctlsupport", "--sandbox", "open", "--via", "email", *flags,
            "--error-file", str(errors), "--no-suggest", "--no-duplicate-check"]  # fmt: skip
    child = pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=20,
                          dimensions=(50, 160))  # fmt: skip
    try:
        child.expect("Attachment 1")
        child.send(ENTER)
        child.expect("Must the provider log in")
        child.send("n")
        child.expect("New ticket by email from support@partner.example to help@ctl.io")
        child.expect("Submit this ticket")
        child.send(ENTER)
        child.expect(r"Opened request #(\d+) by email to help@ctl.io")
        request_id = int(child.match.group(1))
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    listed = cli("--sandbox", "--json", "list").json()["data"]["requests"]
    assert [(r["id"], r["priority"]) for r in listed] == [(request_id, "normal")]
