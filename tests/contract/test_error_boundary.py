"""The error boundary sees everything: a closed stdout, Ctrl-C outside a prompt, an
outbox that cannot send, and --json prints exactly one document whatever happens."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ticketdata import FULL_FLAGS

from ctlsupport.exitcodes import ExitCode


def _setup(cli, monkeypatch, url: str) -> None:
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")
    monkeypatch.setenv("CTLSUPPORT_PIN", "1234")
    result = cli("--no-input", "setup", "--desk-url", url, "--alias", "support@partner.example",
                 "--auth", "token")  # fmt: skip
    assert result.code == 0, result.stderr


def _one_document(text: str) -> dict:
    """The whole of stdout is one JSON document (json.loads refuses a second one)."""
    return json.loads(text)


def test_a_closed_stdout_is_no_traceback(cli, monkeypatch, sandbox):
    _setup(cli, monkeypatch, sandbox.url)
    for args, code in ((["--json", "show", "99999"], ExitCode.NOT_FOUND), (["list"], 0)):
        read, write = os.pipe()
        os.close(read)  # `| true`: the reader is gone before anything is written
        proc = subprocess.run([sys.executable, "-m", "ctlsupport", *args], stdout=write,
                              stderr=subprocess.PIPE, env=os.environ, timeout=60,
                              check=False)  # fmt: skip
        os.close(write)
        stderr = proc.stderr.decode()
        assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
        assert proc.returncode == code, stderr


@pytest.fixture
def slow_desk(tmp_path):
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to see when the client is waiting for the desk")
    """A desk that takes 30 s over every answer: time enough to press Ctrl-C."""
    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    desk = SandboxServer(
        SandboxConfig(data_dir=tmp_path / "slow", fault_rates={"slow": 1.0}, slow_seconds=30)
    ).start()
    yield desk
    desk.stop()


def _interrupt(args: list[str], ready, stdin: bytes = b"") -> subprocess.CompletedProcess:
    proc = subprocess.Popen([sys.executable, "-m", "ctlsupport", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=os.environ)  # fmt: skip
    proc.stdin.write(stdin)
    proc.stdin.close()
    proc.stdin = None  # given whole; communicate() must not touch it
    deadline = time.monotonic() + 30
    while not ready(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # well inside the wait for the desk
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    return subprocess.CompletedProcess(args, proc.returncode, out.decode(), err.decode())


def _talking(pid: int) -> bool:
    """Whether the process has a connection open (to the slow desk: it uses no other)."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(os.readlink(fd).startswith("socket:") for fd in fds.iterdir())
    except OSError:
        return False


def test_ctrl_c_during_json_list_prints_the_envelope(cli, monkeypatch, slow_desk):
    _setup(cli, monkeypatch, slow_desk.url)
    done = _interrupt(["--json", "list"], _talking)
    assert done.returncode == ExitCode.INTERRUPTED, done.stderr
    error = _one_document(done.stdout)["error"]
    assert error["code"] == "interrupted"
    assert "Traceback" not in done.stderr


def test_ctrl_c_while_sending_says_the_ticket_is_kept(cli, monkeypatch, slow_desk, isolated_home):
    import sqlite3

    _setup(cli, monkeypatch, slow_desk.url)
    database = isolated_home / "data" / "ctlsupport.sqlite3"

    def queued(_pid: int) -> bool:
        try:
            with sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True) as conn:
                return conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] > 0
        except sqlite3.Error:
            return False

    done = _interrupt(["--no-input", "open", *FULL_FLAGS, "--no-duplicate-check"], queued,
                      stdin=b"kernel: oops\n")  # fmt: skip
    assert done.returncode == ExitCode.INTERRUPTED, done.stderr
    assert "kept in the outbox as item 1" in done.stderr
    assert "outbox send" in done.stderr
    assert "Traceback" not in done.stderr
    items = cli("--json", "outbox", "list").json()["data"]["items"]
    assert [i["id"] for i in items] == [1]


def test_outbox_send_reports_one_error_not_a_list(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_RETRY_SECONDS", "1")
    monkeypatch.setenv("CTLSUPPORT_DEADLINE", "2")  # nothing listens: no need to wait
    _setup(cli, monkeypatch, "http://127.0.0.1:9")  # nothing listens there
    assert cli("--no-input", "open", *FULL_FLAGS, stdin="oops\n").code == ExitCode.QUEUED
    human = cli("outbox", "send")
    assert human.code == ExitCode.QUEUED
    assert "[{" not in human.stderr and "{'" not in human.stderr
    assert "1 item(s) not delivered (item 1:" in human.stderr
    result = cli("--json", "outbox", "send")
    assert result.code == ExitCode.QUEUED
    document = _one_document(result.stdout)
    assert document["ok"] is False
    assert document["error"]["details"]["failed"][0]["outbox_id"] == 1


def test_the_automatic_send_after_a_command_adds_no_second_document(
    cli, monkeypatch, sandbox, tmp_path, isolated_home
):
    monkeypatch.setenv("CTLSUPPORT_RETRY_SECONDS", "1")
    _setup(cli, monkeypatch, "http://127.0.0.1:9")
    attachment = tmp_path / "ping.log"
    attachment.write_text("64 bytes from 10.0.0.5\n")
    queued = cli("--no-input", "open", *FULL_FLAGS, "--attach", str(attachment), stdin="oops\n")
    assert queued.code == ExitCode.QUEUED
    for copy in (isolated_home / "data" / "outbox").rglob("ping.log"):
        copy.unlink()  # the queued item can no longer be sent as it is
    _setup(cli, monkeypatch, sandbox.url)
    listed = cli("--json", "list")
    assert listed.code == 0, listed.stdout + listed.stderr
    assert _one_document(listed.stdout)["ok"] is True
    assert "queued items not sent" in listed.stderr
    assert Path(isolated_home).exists()
