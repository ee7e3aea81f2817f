"""After queueing, drafts, redaction and resending, no secret is on disk or in output."""

from __future__ import annotations

from pathlib import Path

from ticketdata import FULL_FLAGS

PIN = "97531"
ROOT = "R00t-Secr3t!"
TOKEN = "sandbox-token"


def _files_contain(home: Path, needle: str) -> list[str]:
    found = []
    for path in home.rglob("*"):
        if path.is_file() and needle.encode() in path.read_bytes():
            found.append(str(path.relative_to(home)))
    return found


def test_no_secret_in_home_outbox_drafts_or_output(cli, monkeypatch, sandbox, isolated_home):
    monkeypatch.setenv("CTLSUPPORT_RETRY_SECONDS", "1")
    monkeypatch.setenv("CTLSUPPORT_PIN", PIN)
    monkeypatch.setenv("CTLSUPPORT_TOKEN", TOKEN)
    outputs = []

    def run(*args, stdin=""):
        result = cli(*args, stdin=stdin)
        outputs.append(result.stdout + result.stderr)
        return result

    setup = ("--no-input", "setup", "--alias", "support@partner.example", "--auth", "token")
    assert run(*setup, "--desk-url", "http://127.0.0.1:9").code == 0
    # Queued with a root password and a log holding the PIN and a password.
    log = f"token={TOKEN}\npin {PIN} rejected\npassword={ROOT}\n"
    queued = run("--debug", "--no-input", "open", *FULL_FLAGS, "--root-password-stdin",
                 stdin=f"{ROOT}\n{log}")  # fmt: skip
    assert queued.code == 10
    assert run(*setup, "--desk-url", sandbox.url).code == 0
    # The root password is not stored, so a scripted resend must wait for a terminal.
    held = run("--json", "--debug", "outbox", "send")
    assert held.code == 10 and "root/admin password" in held.stdout
    sent = run("--debug", "--no-input", "open", *FULL_FLAGS, stdin=log)
    assert sent.code == 0
    run("--debug", "--json", "list")
    run("--json", "outbox", "list", "--sent")
    run("--json", "drafts", "list")

    for secret in (PIN, ROOT, TOKEN):
        assert _files_contain(isolated_home, secret) == [], secret
        assert not [text for text in outputs if secret in text], secret
    # The desk got the PIN where it belongs (the template line), and nothing else.
    body = sandbox.state.list_requests()[0]["description"]
    assert f"User PIN: {PIN}" in body
    assert f"pin {PIN}" not in body and ROOT not in body and TOKEN not in body
