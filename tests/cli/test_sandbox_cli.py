"""`ctlsupport sandbox ...`: serving the desk and playing the provider's agents."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import requests
from ticketdata import FULL_FLAGS

from ctlsupport.exitcodes import ExitCode

# These flows are not about the kept priority: the embedded desk lets it be set.
pytestmark = pytest.mark.usefixtures("lenient_priority")


def _open(cli, monkeypatch) -> int:
    monkeypatch.setenv("CTLSUPPORT_PIN", "1234")
    result = cli("--sandbox", "--json", "--no-input", "open", *FULL_FLAGS, stdin="err")
    assert result.code == 0, result.stderr
    return result.json()["data"]["id"]


def test_agent_moves_a_ticket(cli, monkeypatch):
    request_id = str(_open(cli, monkeypatch))
    replied = cli("--json", "sandbox", "reply", request_id, "--body", "Please send a traceroute.")
    assert replied.code == 0
    assert replied.json()["data"]["request"]["status"] == "open"
    assert cli("sandbox", "status", request_id, "pending").stdout.endswith(
        "status pending, priority high\n"
    )
    shown = cli("--sandbox", "--json", "show", request_id).json()["data"]
    assert shown["request"]["status"] == "pending"
    last = shown["comments"][-1]
    assert last["body"] == "Please send a traceroute."
    assert last["author_name"] == "Sam Agent"
    assert shown["comments"][0]["author_name"] == "Partner Support"
    assert cli("sandbox", "assign", request_id).code == 0
    assert (
        cli("--json", "sandbox", "priority", request_id, "urgent").json()["data"]["request"][
            "priority"
        ]
        == "urgent"
    )


def test_agent_errors_are_one_line(cli, monkeypatch):
    assert cli("sandbox", "reply", "4242", "--body", "x").code == ExitCode.NOT_FOUND
    request_id = str(_open(cli, monkeypatch))
    bad = cli("sandbox", "status", request_id, "exploded")
    assert bad.code == ExitCode.INVALID_INPUT
    assert bad.stderr.startswith("ctlsupport: error: ") and "Traceback" not in bad.stderr


def _serve(tmp_path, *flags: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ctlsupport", "sandbox", "serve", "--data", str(tmp_path / "d"),
         *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ,
    )  # fmt: skip


def test_serve_flags_set_password_access_and_desk_settings(tmp_path):
    """No flags: strict (password refused); --allow-password and --setting loosen it."""
    for flags, status, shown in (
        ((), 401, "end_user_priority=off"),
        (("--allow-password", "--setting", "end_user_priority=on"), 200, "end_user_priority=on"),
    ):
        proc = _serve(tmp_path, *flags)
        try:
            url = proc.stdout.readline().rsplit(" ", 1)[1].strip()
            creds, settings = proc.stdout.readline(), proc.stdout.readline()
            assert ("refused" in creds) == (status == 401)
            assert shown in settings
            me = requests.get(f"{url}/api/v2/users/me.json",
                              auth=("support@partner.example", "sandbox"), timeout=5)  # fmt: skip
            assert me.status_code == status
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=10)


def test_serve_prints_url_and_credentials_and_answers(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "ctlsupport", "sandbox", "serve", "--data", str(tmp_path / "d")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("Sandbox desk listening at http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1].strip()
        creds = proc.stdout.readline()
        assert "support@partner.example" in creds and "sandbox-token" in creds
        me = requests.get(
            f"{url}/api/v2/users/me.json",
            auth=("support@partner.example/token", "sandbox-token"),
            timeout=5,
        )
        assert me.json()["user"]["email"] == "support@partner.example"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    assert proc.returncode == 0
    assert (tmp_path / "d" / "sandbox.sqlite3").exists()


def test_serve_refuses_bad_fault_rates(cli):
    bad = cli("sandbox", "serve", "--fault", "teapot=0.1")
    assert bad.code == ExitCode.INVALID_INPUT
    assert "unknown fault kinds: teapot" in bad.stderr
    too_much = cli("sandbox", "serve", "--faults", "0.9", "--fault", "500=0.5")
    assert too_much.code == ExitCode.INVALID_INPUT
