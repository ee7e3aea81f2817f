"""`open` end to end against the embedded sandbox desk, driven by flags and a pipe."""

from __future__ import annotations

import pytest
from ticketdata import FULL_FLAGS, desk_body

PIN = "4711"
ERROR = "curl: (7) Failed to connect to 64.15.183.10 port 443: Connection refused\n"

# These flows are not about the kept priority: the embedded desk lets it be set.
pytestmark = pytest.mark.usefixtures("lenient_priority")


def _requests(cli) -> list[dict]:
    listed = cli("--sandbox", "--json", "list", "--all")
    assert listed.code == 0, listed.stderr
    return listed.json()["data"]["requests"]


def test_scripted_open_sends_every_field_once(cli, monkeypatch, tmp_path, lenient_priority):
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(b"\x89PNG fake image bytes")
    monkeypatch.setenv("CTLSUPPORT_PIN", PIN)
    result = cli(
        "--sandbox", "--json", "--no-input", "open", "--via", "api", *FULL_FLAGS,
        "--attach", str(shot), stdin=ERROR,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    data = result.json()["data"]
    assert data["priority"] == "high"
    assert data["uploaded"] == ["screenshot.png"]

    requests = _requests(cli)
    assert [r["id"] for r in requests] == [data["id"]]
    shown = cli("--sandbox", "--json", "show", str(data["id"])).json()["data"]
    body = shown["comments"][0]["body"]
    assert "User PIN: ********" in body  # ctlsupport never shows the PIN back
    assert f"User PIN: {PIN}" in desk_body(data["id"])  # but the desk has it
    for expected in (
        "Partner ticket number: P-77",
        "Customer name: Acme Corp",
        "Account alias: ACME",
        "Control Portal username: jdoe",
        "Data center: VA1",
        "Server(s) affected: VA1ACMEWEB01",
        "External IP: 64.15.183.10",
        "The web server stopped answering at 09:12 UTC.",
        "Rebooted from Control Portal; still no ping.",
        ERROR.strip(),
        "Attached: screenshot.png",
        "Jo Doe",
    ):
        assert expected in body
    assert shown["request"]["type"] == "incident"
    assert shown["request"]["subject"] == "ACME: VA1ACMEWEB01 unreachable"
    assert [a["file_name"] for a in shown["comments"][0]["attachments"]] == ["screenshot.png"]
    assert len(shown["request"]["email_cc_ids"]) == 1


def test_piped_error_text_through_a_real_pipe(run_process):
    result = run_process(
        "--sandbox", "--json", "open", *FULL_FLAGS,
        stdin=ERROR.encode(), env={"CTLSUPPORT_PIN": PIN},
    )  # fmt: skip
    assert result.code == 0, result.stderr
    request_id = result.json()["data"]["id"]
    shown = run_process("--sandbox", "--json", "show", str(request_id))
    assert ERROR.strip() in shown.json()["data"]["comments"][0]["body"]


def test_root_password_from_stdin_is_sent_but_never_printed(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", PIN)
    stdin = "s3cr3t-Root!\n" + ERROR
    result = cli(
        "--sandbox", "--no-input", "open", *FULL_FLAGS, "--root-password-stdin", stdin=stdin
    )
    assert result.code == 0, result.stderr
    assert "s3cr3t-Root!" not in result.stdout + result.stderr
    request_id = result.stdout.split("#")[1].split(" ")[0]
    shown = cli("--sandbox", "--json", "show", request_id).json()["data"]
    assert "s3cr3t-Root!" not in str(shown)
    body = desk_body(request_id)
    assert "Root/admin password (provider may log in): s3cr3t-Root!" in body
    assert ERROR.strip() in body


def test_dry_run_masks_secrets_and_sends_nothing(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", PIN)
    result = cli("--sandbox", "--no-input", "open", "--via", "api", *FULL_FLAGS, "--dry-run",
                 stdin=ERROR)  # fmt: skip
    assert result.code == 0, result.stderr
    assert '"subject": "ACME: VA1ACMEWEB01 unreachable"' in result.stdout
    assert "User PIN: ********" in result.stdout
    assert PIN not in result.stdout
    assert _requests(cli) == []


def test_error_file_and_private_ip_warning(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("CTLSUPPORT_PIN", PIN)
    log = tmp_path / "err.log"
    log.write_text("kernel: I/O error\n")
    flags = [f if f != "64.15.183.10" else "10.1.2.3" for f in FULL_FLAGS]
    result = cli("--sandbox", "--no-input", "open", *flags, "--error-file", str(log))
    assert result.code == 0, result.stderr
    assert "10.1.2.3 is a private or reserved address" in result.stderr
    assert len(_requests(cli)) == 1


def test_long_piped_log_keeps_the_end(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", PIN)
    log = "".join(f"line {n}\n" for n in range(20000)) + "FATAL: the last line\n"
    result = cli("--sandbox", "--json", "--no-input", "open", *FULL_FLAGS, stdin=log)
    assert result.code == 0, result.stderr
    shown = cli("--sandbox", "--json", "show", str(result.json()["data"]["id"])).json()["data"]
    body = shown["comments"][0]["body"]
    assert "FATAL: the last line" in body
    assert "earlier lines omitted" in body
    assert "line 0\n" not in body
