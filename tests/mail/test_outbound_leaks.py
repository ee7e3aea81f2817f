"""Secrets planted on every way out reach neither the desk nor any local file.

A ticket, a comment and an escalation, each by API and by email, each carrying the PIN,
a password assignment, an Authorization header and the desk token in its text and in a
text attachment; some of them kept (desk down) as outbox items and drafts. The desk
gets the PIN only on the ticket's own PIN line; nothing under the home keeps any.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from mailhelp import PIN, write_profile
from ticketdata import FULL_FLAGS

from ctlsupport.exitcodes import ExitCode

PASSWORD = "Hunter2-Leak!"
BEARER = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.c2lnbmF0dXJl"
DESK_TOKEN = "sandbox-token"
PLANTED = (
    f"Authorization: Bearer {BEARER}\n"
    f"db password={PASSWORD}\n"
    f"the customer's PIN is {PIN}\n"
    f"the api token {DESK_TOKEN} was rejected\n"
)
SECRETS = (PASSWORD, BEARER, PIN, DESK_TOKEN)


def _desk_texts(desk) -> list[str]:
    """Everything the desk keeps of what was sent: tickets, comments, attachments."""
    texts = []
    with sqlite3.connect(desk.state.db_path) as conn:
        for table, column in (("requests", "subject"), ("requests", "description"),
                              ("comments", "body")):  # fmt: skip
            texts += [row[0] or "" for row in conn.execute(f"SELECT {column} FROM {table}")]
    for upload in Path(desk.state.uploads_dir).rglob("*"):
        if upload.is_file():
            texts.append(upload.read_bytes().decode("utf-8", errors="replace"))
    return texts


def _files_containing(root: Path, needle: str) -> list[str]:
    return [
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and needle.encode() in path.read_bytes()
    ]


def test_no_secret_leaves_by_any_path_or_stays_in_any_file(
    cli, monkeypatch, mail_desk, tmp_path, isolated_home
):
    monkeypatch.setenv("CTLSUPPORT_TOKEN", DESK_TOKEN)
    monkeypatch.setenv("CTLSUPPORT_RETRY_SECONDS", "1")
    plant = tmp_path / "notes.log"
    plant.write_text(PLANTED)
    outputs: list[str] = []

    def run(*args: str, stdin: str = "", code: int = 0):
        result = cli("--no-input", *args, stdin=stdin)
        outputs.append(result.stdout + result.stderr)
        assert result.code == code, result.stdout + result.stderr
        return result

    def ticket_and_follow_ups(via: str) -> None:
        opened = run("--json", "open", "--via", via, *FULL_FLAGS, "--no-duplicate-check",
                     "--attach", str(plant), "--description", "Down since 09:12. " + PLANTED,
                     stdin=PLANTED)  # fmt: skip
        ticket = str(opened.json()["data"]["id"])
        run("comment", ticket, "--via", via, "--body-file", "-", "--attach", str(plant),
            stdin=PLANTED)  # fmt: skip
        run("escalate", ticket, "--via", via, "--yes", "--full-name", "Jo Doe",
            "--reason", " ".join(PLANTED.splitlines()))  # fmt: skip

    for via in ("api", "email"):
        write_profile(mail_desk.url, mail_desk.smtp_port, via=via)
        ticket_and_follow_ups(via)

    # The desk down: the ticket waits in the outbox, the comment as a draft.
    write_profile("http://127.0.0.1:9", mail_desk.smtp_port, via="api")
    run("open", "--via", "api", *FULL_FLAGS, "--attach", str(plant), "--description", PLANTED,
        stdin=PLANTED, code=ExitCode.QUEUED)  # fmt: skip
    run("comment", "1001", "--body-file", "-", stdin=PLANTED, code=ExitCode.QUEUED)
    drafts = cli("--json", "drafts", "list").json()["data"]["drafts"]
    assert [d["kind"] for d in drafts] == ["comment"]
    assert len(cli("--json", "outbox", "list").json()["data"]["items"]) == 1

    desk = _desk_texts(mail_desk)
    assert len([t for t in desk if "ESCALATION" in t]) >= 2  # both routes got there
    assert any("Redacted" in t or "[REDACTED]" in t for t in desk)
    for secret in SECRETS:
        shown = [t for t in desk if secret in t.replace(f"User PIN: {PIN}", "")]
        assert shown == [], (secret, shown[:1])
        assert _files_containing(isolated_home, secret) == [], secret
        assert not [text for text in outputs if secret in text], secret
    # The desk did get the PIN where it belongs, on each ticket's PIN line.
    assert all(f"User PIN: {PIN}" in t for t in desk if "Customer name" in t)
    # Local files: config, outbox (with its copied files), drafts, history, logs.
    kept = json.dumps(cli("--json", "outbox", "list").json())
    assert PASSWORD not in kept and PIN not in kept
