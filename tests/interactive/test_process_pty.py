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
UP = "\x1b[A"
FLAGS = [
    "--sandbox", "open", "--subject", "ACME: PIN reset does not work", "--priority", "high",
    "--partner-ticket", "p", "--customer-name", "Acme", "--customer-alias", "ACME",
    "--datacenter", "VA1", "--server", "VA1ACMEWEB01", "--ip", "8.8.8.8",
    "--portal-username", "jdoe", "--full-name", "Jo Doe", "--description", "Cannot reset the PIN",
    "--steps", "s", "--cc", "a@b.example", "--no-duplicate-check",
]  # fmt: skip


def _past_the_fields(child: pexpect.spawn) -> None:
    answer(child, "Control Portal PIN", "4711")
    answer(child, "Attachment 1", "")
    child.expect("Must the provider log in")
    child.send("n")


def test_high_priority_is_checked_against_the_matrix(spawn, tmp_path):  # noqa: F811
    log = tmp_path / "e.log"
    log.write_text("error\n")
    child = spawn(*FLAGS, "--no-suggest", "--error-file", str(log))
    _past_the_fields(child)
    # --priority high was a flag: it is checked against the matrix before the preview.
    child.expect("Priority matrix")
    child.expect("first response 30 min, restoration 8 h")
    child.send(ENTER)  # keep high
    child.expect("Which high criterion applies")
    child.send(DOWN + ENTER)  # the second one
    answer(child, "Business impact", "Nobody can sign in to the portal")
    child.expect("Why high")  # the preview shows what goes into the ticket
    child.expect("Business impact")
    child.expect("Submit this ticket")
    child.send(ENTER)
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
    _past_the_fields(child)
    child.expect("How to reset your Control Portal PIN")
    child.expect("Open the ticket anyway")
    child.send("n")
    child.expect("answered by the knowledge base")
    child.expect(pexpect.EOF)
    assert cli("--sandbox", "--json", "list").json()["data"]["requests"] == []


def test_the_priority_prompt_shows_the_matrix_and_high_asks_why(spawn, tmp_path):  # noqa: F811
    log = tmp_path / "e.log"
    log.write_text("error\n")
    flags = [f for f in FLAGS if f not in ("--priority", "high")]
    child = spawn(*flags, "--no-suggest", "--error-file", str(log))
    child.expect("Priority matrix")  # shown where the priority is chosen
    child.expect("RESTORATION")
    child.expect("Priority")
    child.send(UP + ENTER)  # high, from normal
    _past_the_fields(child)
    child.expect("Which high criterion applies")  # chosen with the matrix in view:
    child.send(ENTER)  # not checked a second time
    answer(child, "Business impact", "Portal sign-in fails for all users")
    child.expect("Submit this ticket")
    assert "checked against the matrix" not in child.before
    child.send(ENTER)
    child.expect(r"Opened request #(\d+)")
    body = desk_body(child.match.group(1))
    child.expect(pexpect.EOF)
    assert "Priority: high" in body
    assert "Business impact: Portal sign-in fails for all users" in body


def test_a_duplicate_can_become_a_signed_comment_instead(spawn, tmp_path, cli, monkeypatch):  # noqa: F811
    from ticketdata import FULL_FLAGS

    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    first = cli("--sandbox", "--no-input", "--json", "open", *FULL_FLAGS, stdin="boom\n")
    assert first.code == 0, first.stderr
    first_id = first.json()["data"]["id"]
    log = tmp_path / "e.log"
    log.write_text("still failing\n")
    flags = [f if f != "high" else "low" for f in FLAGS if f != "--no-duplicate-check"]
    flags[flags.index("--server") + 1] = FULL_FLAGS[FULL_FLAGS.index("--server") + 1]
    monkeypatch.delenv("CTLSUPPORT_PIN")
    child = spawn(*flags, "--no-suggest", "--error-file", str(log))
    _past_the_fields(child)
    child.expect("What now")
    child.send(DOWN + ENTER)  # "Add a comment to #first instead"
    child.expect(rf"Commented on #{first_id}")
    child.expect(pexpect.EOF)
    listed = cli("--sandbox", "--json", "list", "--status", "all").json()["data"]["requests"]
    assert [r["id"] for r in listed] == [first_id]  # no second ticket
    shown = cli("--sandbox", "--json", "show", str(first_id)).json()["data"]
    last = shown["comments"][-1]["body"]
    assert "Cannot reset the PIN" in last and "still failing" in last
    assert "--\nJo Doe" in last  # signed, as every update is
