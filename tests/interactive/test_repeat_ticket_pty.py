"""A repeat ticket on a real terminal: the second ticket for a known customer and server,
with a problem template, takes at most a third of the keys of the same ticket typed
into a blank form. Both counts are printed (run with -s to see them) and written in
docs/opening-tickets.md."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

ENTER, DOWN, UP, ESC = "\r", "\x1b[B", "\x1b[A", "\x1b"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "opening-tickets.md"


class Typist:
    """Types into a child process and counts the keys (an arrow or Esc is one key)."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child, self.keys = child, 0

    def answer(self, prompt: str, *keys: str) -> None:
        self.child.expect(prompt)
        for key in keys:
            self.child.send(key)
            self.keys += 1 if key.startswith(ESC) or len(key) == 1 else len(key)


@pytest.fixture
def terminal(tmp_path, isolated_home):
    from ctlsupport.config import settings

    profile = settings.Profile(
        name=settings.SANDBOX_PROFILE, portal_username="jdoe", full_name="Jo Doe"
    )
    settings.save(settings.Settings(profiles={settings.SANDBOX_PROFILE: profile}))
    errors = tmp_path / "error.txt"
    errors.write_text("PING 64.15.183.10: 100% packet loss\n")
    children = []

    def start() -> Typist:
        env = {k: v for k, v in os.environ.items() if k != "CTLSUPPORT_NO_INPUT"}
        env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", NO_COLOR="1", CTLSUPPORT_PIN="4711")
        args = ["-m", "ctlsupport", "--sandbox", "open", "--no-suggest", "--no-duplicate-check",
                "--error-file", str(errors)]  # fmt: skip
        child = pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=20,
                              dimensions=(60, 160))  # fmt: skip
        children.append(child)
        return Typist(child)

    yield start
    for child in children:
        child.close(force=True)


def _finish(typist: Typist, *, template: bool) -> int:
    """The questions both forms end with; then submit. Returns the request id."""
    typist.answer("Attachment 1", ENTER)
    typist.answer("CC", ENTER)
    typist.answer("Must the provider log in", "n")
    if template:  # the template's priority is checked against the matrix once
        typist.answer(r"Priority \(checked against the matrix", ENTER)
    else:
        typist.answer("Which high criterion", DOWN, ENTER)  # fewer than half of the servers
    typist.answer("Business impact", "Web shop offline", ENTER)
    typist.answer("Submit this ticket", ENTER)
    typist.child.expect(r"Opened request #(\d+)")
    request_id = int(typist.child.match.group(1))
    typist.child.expect(pexpect.EOF)
    return request_id


def blank_form(typist: Typist) -> int:
    """The first ticket, every field typed (what `open` took before templates)."""
    typist.answer("Problem template", ENTER)  # none
    typist.answer("Subject", "ACME: VA1ACMEWEB01 down or unreachable", ENTER)
    typist.answer("Priority", UP, ENTER)  # high
    typist.answer("Partner ticket number", ENTER)
    typist.answer("Customer name", "Acme Corp", ENTER)
    typist.answer("Customer account alias", "ACME", ENTER)
    typist.answer("Data center", "VA1", ENTER)
    typist.answer("Server name", "VA1ACMEWEB01", ENTER)
    typist.answer("External IP", "64.15.183.10", ENTER)
    typist.answer("Brief description", "Does not answer: ping fails since 09:12 UTC.", ENTER)
    typist.answer(
        "Troubleshooting steps taken",
        "Checked status page, power, ping from outside, firewall rules; rebooted it.",
        ENTER,
    )
    return _finish(typist, template=False)


def with_template(typist: Typist) -> int:
    """The second ticket: template, customer and server picked, questions answered."""
    typist.answer("Problem template", *[DOWN] * 6, ENTER)  # server-down
    typist.answer("Customer", "acm")
    typist.answer("Acme Corp", "\t", ENTER)  # the fuzzy match offered, taken with Tab
    typist.answer("Server", ENTER)  # the customer's server, IP and data center
    typist.answer("What fails", "ping fails", ENTER)
    typist.answer("Since when", "09:12 UTC", ENTER)
    typist.answer("What changed", ENTER)
    typist.answer("console", ENTER)
    typist.answer("L1 checklist", "a", ENTER)  # all done
    typist.answer("Partner ticket number", ENTER)
    return _finish(typist, template=True)


def test_a_repeat_ticket_takes_at_most_a_third_of_the_keys(terminal, cli, capsys, lenient_priority):
    first = terminal()
    first_id = blank_form(first)
    second = terminal()
    second_id = with_template(second)

    blank, template = first.keys, second.keys
    with capsys.disabled():  # shown with -s, whatever the `cli` fixture captures
        print(f"\nkeys typed: blank form {blank}, with template and directory {template}")
    assert template * 3 <= blank

    shown = [
        cli("--sandbox", "--json", "show", str(n)).json()["data"] for n in (first_id, second_id)
    ]
    requests = [s["request"] for s in shown]
    assert (
        requests[0]["subject"] == requests[1]["subject"] == "ACME: VA1ACMEWEB01 down or unreachable"
    )
    assert requests[0]["priority"] == requests[1]["priority"] == "high"
    body = shown[1]["comments"][0]["body"]
    for text in (
        "Customer name: Acme Corp", "Account alias: ACME", "Data center: VA1",
        "Server(s) affected: VA1ACMEWEB01", "External IP: 64.15.183.10",
        "ping fails", "09:12 UTC",
        "- Checked the status page for an incident or maintenance in the data center",
        "- Rebooted the server from the Control Portal",
    ):  # fmt: skip
        assert text in body, text

    written = re.search(
        r"blank form: (\d+) keys.*?with a template[^:]*: (\d+) keys", DOCS.read_text(), re.S
    )
    assert written, "docs/opening-tickets.md must give both counts"
    assert (int(written[1]), int(written[2])) == (blank, template)
