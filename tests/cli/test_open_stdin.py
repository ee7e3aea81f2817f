"""`open` with a stdin that is closed, or open and silent."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

from ticketdata import FULL_FLAGS


def _shell(command: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CTLSUPPORT_NO_INPUT"}
    env["CTLSUPPORT_PIN"] = "4711"
    return subprocess.run(
        ["/bin/sh", "-c", command],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        start_new_session=True,  # no controlling terminal
    )


def _open(global_flags: str, extra: str = "") -> str:
    flags = " ".join(shlex.quote(f) for f in FULL_FLAGS)
    program = f"{shlex.quote(sys.executable)} -m ctlsupport"
    return f"{program} --sandbox {global_flags} open {flags} {extra}"


def test_closed_stdin_is_not_an_internal_error(tmp_path):
    log = tmp_path / "error.log"
    log.write_text("kernel: disk failure on sdb\n")
    for global_flags in ("--no-input", ""):
        done = _shell(_open(global_flags, f"--error-file {log}") + " <&-")
        assert "internal error" not in done.stderr
        assert done.returncode == 0, done.stderr
        assert "Opened request" in done.stdout


def test_closed_stdin_without_error_file_names_the_flag():
    done = _shell(_open("--no-input") + " <&-")
    assert "internal error" not in done.stderr
    assert done.returncode == 3 and "--error-file" in done.stderr


def test_a_silent_pipe_is_announced_once():
    done = _shell(f"(sleep 4; echo boom) | {_open('--no-input')}")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("Reading the error output from stdin") == 1


def test_a_quick_pipe_is_not_announced():
    done = _shell(f"echo boom | {_open('--no-input')}")
    assert done.returncode == 0, done.stderr
    assert "Reading the error output" not in done.stderr


def test_no_error_output_is_an_explicit_answer_said_in_the_ticket(cli, monkeypatch):
    from ticketdata import desk_body

    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    made = cli("--sandbox", "--json", "--no-input", "task", *_task_flags(), "--no-error-output")
    assert made.code == 0, made.stderr
    assert "None shown: there is no error output" in desk_body(made.json()["data"]["id"])
    both = cli("--sandbox", "--no-input", "open", *FULL_FLAGS, "--no-error-output",
               "--error-file", "-")  # fmt: skip
    assert both.code == 3 and "--no-error-output" in both.stderr
    missing = cli("--sandbox", "--no-input", "open", *FULL_FLAGS, stdin="")
    assert missing.code == 3 and "--no-error-output" in missing.stderr  # the hint names it


def _task_flags() -> list[str]:
    flags = [f if f != "high" else "normal" for f in FULL_FLAGS]
    return [*flags, "--due", "2030-01-07"]
