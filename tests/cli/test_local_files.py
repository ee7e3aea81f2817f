"""Local files: private from the start, and a database that cannot be used is refused in
one line (exit 12), left exactly as it was."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from dataclasses import dataclass
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


def _loose_modes(root: Path) -> list[str]:
    return [
        f"{path.relative_to(root)} {stat.filemode(path.stat().st_mode)}"
        for path in root.rglob("*")
        if path.is_file() and path.stat().st_mode & 0o077
    ]


def test_every_file_is_created_private_whatever_the_folder_and_umask(
    cli, monkeypatch, tmp_path, isolated_home
):
    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    old = os.umask(0o022)
    try:
        desk_dir = tmp_path / "desk"
        desk_dir.mkdir(mode=0o755)
        desk = SandboxServer(SandboxConfig(data_dir=desk_dir)).start()
        try:
            isolated_home.chmod(0o755)
            _setup(cli, monkeypatch, desk.url)
            attachment = tmp_path / "ping.log"
            attachment.write_text("64 bytes from 10.0.0.5\n")
            monkeypatch.setenv("CTLSUPPORT_RETRY_SECONDS", "1")
            # One ticket delivered (with an upload), one kept in the outbox (desk down).
            opened = cli("--no-input", "open", *FULL_FLAGS, "--attach", str(attachment),
                         stdin="kernel: oops\n" * 300)  # fmt: skip
            assert opened.code == 0, opened.stderr
            _setup(cli, monkeypatch, "http://127.0.0.1:9")
            kept = cli("--no-input", "open", *FULL_FLAGS, "--attach", str(attachment),
                       stdin="kernel: oops\n")  # fmt: skip
            assert kept.code == ExitCode.QUEUED
            assert list((isolated_home / "data" / "outbox").rglob("ping.log"))
            assert _loose_modes(isolated_home) == []
            assert _loose_modes(desk_dir) == []
        finally:
            desk.stop()
    finally:
        os.umask(old)


def _database(home: Path) -> Path:
    return home / "data" / "ctlsupport.sqlite3"


def _refused(result, *words: str) -> None:
    assert result.code == ExitCode.LOCAL_FILES, result.stdout + result.stderr
    error = result.json()["error"]
    assert error["code"] == "local_files"
    for word in words:
        assert word in error["message"]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all\n" * 40, os.urandom(4096), "truncated"],
    ids=["text", "garbage", "truncated"],
)
def test_a_damaged_database_is_refused_and_left_alone(cli, tmp_path, isolated_home, content):
    from ctlsupport.store import db

    if content == "truncated":  # the start of a real one, cut short
        real = tmp_path / "real.sqlite3"
        db.connect(real).close()
        content = real.read_bytes()[:50]
    path = _database(isolated_home)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    _refused(cli("--json", "outbox", "list"), "damaged", str(path))
    assert path.read_bytes() == content  # nothing touched: the user may rescue it


def test_a_folder_where_the_database_belongs_is_refused(cli, isolated_home):
    _database(isolated_home).mkdir(parents=True)
    _refused(cli("--json", "drafts", "list"), "folder")


def test_a_database_from_a_newer_version_is_refused_not_used(cli, isolated_home):
    assert cli("--json", "outbox", "list").code == 0
    path = _database(isolated_home)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 9999")
    before = path.read_bytes()
    result = cli("--json", "outbox", "list")
    _refused(result, "newer", "9999")
    assert "Upgrade" in result.json()["error"]["hint"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 9999
    assert path.read_bytes() == before


def test_a_database_locked_too_long_is_one_line(cli, monkeypatch, sandbox, isolated_home):
    from ctlsupport.store import db

    monkeypatch.setattr(db, "BUSY_SECONDS", 1)
    _setup(cli, monkeypatch, sandbox.url)
    assert cli("--json", "outbox", "list").code == 0
    holder = sqlite3.connect(_database(isolated_home), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing, for longer than we wait
    try:
        result = cli("--json", "--no-input", "open", *FULL_FLAGS, stdin="oops\n")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _refused(result, "locked")
    assert sandbox.state.list_requests() == []


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


class Unprivileged:
    """Runs ctlsupport as a real process that file permissions apply to: when the tests
    run as root, without the capabilities that let root read and write anything."""

    def __init__(self, base: Path) -> None:
        import shutil

        self.prefix: list[str] = []
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("running as root needs setpriv (util-linux) to drop DAC rights")
            self.prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
        self.base = base
        self.home = base / "own-home"
        self.home.mkdir()
        self.env = {**os.environ, "CTLSUPPORT_HOME": str(self.home)}

    def run(self, *args: str, stdin: bytes = b"") -> Result:
        import subprocess
        import sys

        proc = subprocess.run([*self.prefix, sys.executable, "-m", "ctlsupport", *args],
                              input=stdin, capture_output=True, env=self.env, timeout=60,
                              check=False)  # fmt: skip
        return Result(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


@pytest.fixture
def unprivileged(tmp_path):
    return Unprivileged(tmp_path)


def test_a_read_only_home_is_one_line(unprivileged):
    unprivileged.home.chmod(0o500)
    result = unprivileged.run("--json", "outbox", "list")
    unprivileged.home.chmod(0o700)
    _refused(result, "Permission denied")


def test_an_unreadable_attachment_is_refused_and_leaves_no_outbox_folder(unprivileged, sandbox):
    unprivileged.env.update(CTLSUPPORT_TOKEN="sandbox-token", CTLSUPPORT_PIN="1234")
    setup = unprivileged.run("--no-input", "setup", "--desk-url", sandbox.url, "--alias",
                             "support@partner.example", "--auth", "token")  # fmt: skip
    assert setup.code == 0, setup.stderr
    secret_file = unprivileged.base / "locked.log"
    secret_file.write_text("not yours\n")
    secret_file.chmod(0)
    result = unprivileged.run("--json", "--no-input", "open", *FULL_FLAGS, "--attach",
                              str(secret_file), stdin=b"oops\n")  # fmt: skip
    assert result.code == ExitCode.INVALID_INPUT, result.stdout + result.stderr
    assert "locked.log" in result.json()["error"]["message"]
    assert "Traceback" not in result.stderr
    outbox = unprivileged.home / "data" / "outbox"
    assert not outbox.exists() or list(outbox.iterdir()) == []
    assert sandbox.state.list_requests() == []
