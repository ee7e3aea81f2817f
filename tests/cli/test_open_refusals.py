"""Missing and invalid input under --no-input: one line naming every flag, exit 3."""

from __future__ import annotations

import subprocess
import sys

from ticketdata import FULL_FLAGS

from ctlsupport.exitcodes import ExitCode


def test_missing_fields_are_all_named(cli):
    result = cli("--sandbox", "--no-input", "open", "--subject", "Disk full")
    assert result.code == ExitCode.INVALID_INPUT
    assert result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first.startswith("ctlsupport: error: missing required input: ")
    for flag in (
        "--customer-name", "--customer-alias", "--datacenter", "--server", "--ip",
        "--portal-username", "CTLSUPPORT_PIN", "--full-name", "--description", "--steps",
    ):  # fmt: skip
        assert flag in first
    assert "--subject" not in first
    assert "Traceback" not in result.stderr


def test_empty_pipe_means_missing_error_text(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "1234")
    result = cli("--sandbox", "--no-input", "open", *FULL_FLAGS, stdin=" \n")
    assert result.code == ExitCode.INVALID_INPUT
    assert result.stderr.splitlines()[0] == (
        "ctlsupport: error: missing required input: --error-file"
    )


def test_invalid_and_missing_together(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "12345678901")
    result = cli("--no-input", "open", "--ip", "300.1.1.1", "--customer-alias", "TOOLONGX")
    assert result.code == ExitCode.INVALID_INPUT
    line = result.stderr.splitlines()[0]
    assert "--ip: '300.1.1.1' is not an IPv4 or IPv6 address" in line
    assert "--customer-alias: account alias must be 2-6 letters or digits" in line
    assert "CTLSUPPORT_PIN: PIN must be 1-10 digits" in line
    assert "missing required input: --subject" in line


def test_open_pipe_that_never_closes_does_not_hang(tmp_path):
    # stdin stays open with no writer activity: missing flags must still fail at once.
    proc = subprocess.Popen(
        [sys.executable, "-m", "ctlsupport", "--sandbox", "open", "--subject", "x"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        proc.wait(timeout=20)
        err = proc.stderr.read().decode()
    finally:
        proc.kill()
        proc.stdin.close()
    assert proc.returncode == ExitCode.INVALID_INPUT
    assert "missing required input" in err


def test_bad_attachment_and_cc(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("CTLSUPPORT_PIN", "1234")
    result = cli(
        "--sandbox", "--no-input", "open", *FULL_FLAGS,
        "--attach", str(tmp_path / "nope.png"), "--cc", "not-an-email",
        stdin="error",
    )  # fmt: skip
    assert result.code == ExitCode.INVALID_INPUT
    assert "nope.png' does not exist" in result.stderr
    assert "'not-an-email' is not a valid email address" in result.stderr


def test_unknown_datacenter_lists_known_codes(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "1234")
    flags = [f if f != "va1" else "ZZ9" for f in FULL_FLAGS]
    result = cli("--sandbox", "--no-input", "open", *flags, stdin="error")
    assert result.code == ExitCode.INVALID_INPUT
    assert "unknown data center 'ZZ9'; known: VA1, UC1" in result.stderr


def test_no_profile_is_a_clear_error(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "1234")
    result = cli("--no-input", "open", *FULL_FLAGS, stdin="error")
    assert result.code == ExitCode.NOT_FOUND
    assert result.stderr.startswith("ctlsupport: error: no profile named 'default'\nhint: ")
