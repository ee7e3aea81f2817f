"""The process steps of `open` on a real pseudo-terminal: priority triage, suggestions."""

from __future__ import annotations

import pexpect
from test_open_pty import (
    ENTER,
    answer,
    spawn,  # noqa: F401 - the fixture
)
from ticketdata import desk_body

DOWN = "\x1b[B"
FLAGS = [
    "--sandbox", "open", "--subject", "ACME: PIN reset does not work", "--priority", "high",
    "--partner-ticket", "p", "--customer-name", "Acme", "--customer-alias", "ACME",
    "--datacenter", "VA1", "--server", "VA1ACMEWEB01", "--ip", "8.8.8.8",
    "--portal-username", "jdoe", "--full-name", "Jo Doe", "--description", "Cannot reset the PIN",
    "--steps", "s", "--cc", "a@b.example", "--no-duplicate-check",
]  # fmt: skip


def _to_submit(child: pexpect.spawn) -> None:
    answer(child, "Control Portal PIN", "4711")
    answer(child, "Attachment 1", "")
    child.expect("Must the provider log in")
    child.send("n")
    child.expect("Submit this ticket")
    child.send(ENTER)


def test_high_priority_is_checked_against_the_matrix(spawn, tmp_path):  # noqa: F811
    log = tmp_path / "e.log"
    log.write_text("error\n")
    child = spawn(*FLAGS, "--no-suggest", "--error-file", str(log))
    _to_submit(child)
    child.expect("Priority matrix")
    child.expect("first response 30 min, restoration 8 h")
    child.send(ENTER)  # keep high
    child.expect("Which high criterion applies")
    child.send(DOWN + ENTER)  # the second one
    answer(child, "Business impact", "Nobody can sign in to the portal")
    child.expect(r"Opened request #(\d+)")
    body = desk_body(child.match.group(1))
    child.expect(pexpect.EOF)
    assert "Priority justification: fewer than half of the servers are down" in body
    assert "Business impact: Nobody can sign in to the portal" in body


def test_suggested_articles_can_stop_the_ticket(spawn, tmp_path, cli):  # noqa: F811
    log = tmp_path / "e.log"
    log.write_text("error\n")
    flags = [f if f != "high" else "low" for f in FLAGS]
    child = spawn(*flags, "--error-file", str(log))
    _to_submit(child)
    child.expect("How to reset your Control Portal PIN")
    child.expect("Open the ticket anyway")
    child.send("n")
    child.expect("answered by the knowledge base")
    child.expect(pexpect.EOF)
    assert cli("--sandbox", "--json", "list").json()["data"]["requests"] == []
