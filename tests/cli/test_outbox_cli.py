"""Nothing typed is lost: the outbox keeps what the desk did not confirm."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from ticketdata import FULL_FLAGS

from ctlsupport.exitcodes import ExitCode


def _setup(cli, url: str) -> None:
    result = cli("--no-input", "setup", "--desk-url", url, "--alias", "support@partner.example",
                 "--auth", "token")  # fmt: skip
    assert result.code == 0, result.stderr


def test_desk_down_queues_then_outbox_send_delivers_once(cli, monkeypatch, sandbox):
    monkeypatch.setenv("CTLSUPPORT_RETRY_SECONDS", "2")
    monkeypatch.setenv("CTLSUPPORT_PIN", "1234")
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")
    _setup(cli, "http://127.0.0.1:9")  # nothing listens there
    down = cli("--json", "--no-input", "open", *FULL_FLAGS, stdin="boom")
    assert down.code == ExitCode.QUEUED
    error = down.json()["error"]
    assert error["code"] == "queued" and "outbox send" in error["hint"]

    listed = cli("--json", "outbox", "list").json()["data"]["items"]
    assert [(i["state"], i["subject"]) for i in listed] == [
        ("queued", "ACME: VA1ACMEWEB01 unreachable")
    ]
    assert "1234" not in json.dumps(listed)
    assert cli("outbox", "list").stdout.rstrip("\n").endswith("\tdefault")  # whose it is

    _setup(cli, sandbox.url)
    sent = cli("--json", "outbox", "send")
    assert sent.code == 0, sent.stdout + sent.stderr
    assert [s["adopted"] for s in sent.json()["data"]["sent"]] == [False]
    assert len(sandbox.state.list_requests()) == 1
    assert cli("--json", "outbox", "list").json()["data"]["items"] == []
    again = cli("outbox", "send")
    assert again.code == 0 and "Nothing to send" in again.stderr
    assert len(sandbox.state.list_requests()) == 1


def test_server_errors_are_kept_and_can_be_dropped(cli, monkeypatch, sandbox):
    monkeypatch.setenv("CTLSUPPORT_RETRY_SECONDS", "2")
    monkeypatch.setenv("CTLSUPPORT_PIN", "1234")
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")
    _setup(cli, sandbox.url)
    sandbox._httpd.app.faults.add(
        __import__("ctlsupport.sandbox.faults", fromlist=["Fault"]).Fault(status=500, count=20)
    )
    failed = cli("--no-input", "open", *FULL_FLAGS, stdin="boom")
    assert failed.code == ExitCode.QUEUED
    item = cli("--json", "outbox", "list").json()["data"]["items"][0]
    assert "500" in item["last_error"]
    dropped = cli("outbox", "drop", str(item["id"]))
    assert dropped.code == 0
    assert cli("--json", "outbox", "list").json()["data"]["items"] == []


def test_kill_9_while_waiting_for_the_desk_then_delivered_once(tmp_path, cli, monkeypatch):
    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    # A desk that takes 4 s to answer: long enough to kill the client mid-wait.
    desk = SandboxServer(
        SandboxConfig(data_dir=tmp_path / "desk", fault_rates={"slow": 1.0}, slow_seconds=4)
    ).start()
    try:
        monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")
        _setup(cli, desk.url)
        env = {**os.environ, "CTLSUPPORT_PIN": "1234", "CTLSUPPORT_OUTBOX_LEASE": "2"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "ctlsupport", "--no-input", "open", *FULL_FLAGS],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )  # fmt: skip
        proc.stdin.write(b"kernel panic\n")
        proc.stdin.close()
        deadline = time.monotonic() + 20
        while not desk.state.list_requests() and time.monotonic() < deadline:
            time.sleep(0.05)  # the create has reached the desk; its answer is 4 s away
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        desk._httpd.app.dice.rates = {}  # the desk is healthy again
        time.sleep(2.1)  # the killed sender's lease runs out
        monkeypatch.setenv("CTLSUPPORT_PIN", "1234")
        sent = cli("--json", "outbox", "send")
        assert sent.code == 0, sent.stdout + sent.stderr
        assert [s["adopted"] for s in sent.json()["data"]["sent"]] == [True]
        assert len(desk.state.list_requests()) == 1
    finally:
        desk.stop()


def test_next_command_sends_what_is_queued_unless_turned_off(cli, monkeypatch, sandbox):
    from ctlsupport.config import paths

    monkeypatch.setenv("CTLSUPPORT_RETRY_SECONDS", "1")
    monkeypatch.setenv("CTLSUPPORT_PIN", "1234")
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")
    _setup(cli, "http://127.0.0.1:9")
    assert cli("--no-input", "open", *FULL_FLAGS, stdin="boom").code == ExitCode.QUEUED
    _setup(cli, sandbox.url)
    text = paths.config_file().read_text()
    paths.config_file().write_text("auto_send_outbox = false\n" + text)
    assert cli("list").code == 0
    assert sandbox.state.list_requests() == []  # turned off: still queued
    paths.config_file().write_text(text)
    listed = cli("list")
    assert listed.code == 0
    assert "outbox: 1\tsent as request #" in listed.stderr
    assert len(sandbox.state.list_requests()) == 1
