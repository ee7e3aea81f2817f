"""Every test gets its own home, a file-backed test keyring, and no prompts in-process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SUPPORT = Path(__file__).parent / "support"
sys.path.insert(0, str(SUPPORT))

SANDBOX_EMAIL = "support@partner.example"
SANDBOX_TOKEN = "sandbox-token"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("CTLSUPPORT_HOME", str(home))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "filekeyring.FileKeyring")
    monkeypatch.setenv("CTLSUPPORT_TEST_KEYRING", str(tmp_path / "keyring.json"))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(SUPPORT), os.environ.get("PYTHONPATH", "")])
    )
    monkeypatch.setenv("CTLSUPPORT_NO_INPUT", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    # Urgent and high go by email: no gap between two mails of a test (pacing has its
    # own test in tests/mail/test_open_by_email.py).
    monkeypatch.setenv("CTLSUPPORT_MAIL_GAP", "0")
    for var in ("CTLSUPPORT_PIN", "CTLSUPPORT_PASSWORD", "CTLSUPPORT_TOKEN", "CTLSUPPORT_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    from ctlsupport.core.datacenters import datacenters
    from ctlsupport.secret import SCRUBBER

    datacenters.cache_clear()
    SCRUBBER.forget()  # one test's secrets are not another's: no masking across tests
    return home


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self):
        import json

        return json.loads(self.stdout)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run ctlsupport in-process through main(), the real error boundary."""
    from ctlsupport.cli.app import main

    def run(*args: str, stdin: str | bytes = b"") -> Result:
        data = stdin.encode() if isinstance(stdin, str) else stdin
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


@pytest.fixture
def run_process():
    """Run ctlsupport as a real process, with no controlling terminal."""

    def run(*args: str, stdin: bytes | None = b"", env: dict | None = None, timeout: float = 60):
        proc = subprocess.run(
            [sys.executable, "-m", "ctlsupport", *args],
            input=stdin,
            capture_output=True,
            env={**os.environ, **(env or {})},
            timeout=timeout,
            start_new_session=True,  # no /dev/tty: the non-interactive case
        )
        return Result(proc.returncode, proc.stdout.decode(), proc.stderr.decode())

    return run


@pytest.fixture
def sandbox(tmp_path: Path):
    """A sandbox desk on 127.0.0.1, port 0, with its own state."""
    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    server = SandboxServer(SandboxConfig(data_dir=tmp_path / "desk")).start()
    yield server
    server.stop()


@pytest.fixture
def lenient_priority(isolated_home: Path) -> None:
    """The embedded desk with end users allowed to set priority (a desk setting that is
    off by default): for tests of flows that are not about the kept priority."""
    from ctlsupport.config import paths
    from ctlsupport.sandbox import SandboxState

    folder = paths.ensure_private_dir(paths.sandbox_dir())
    SandboxState(folder / "sandbox.sqlite3").change_settings({"end_user_priority": "on"})


def desk_session(server, email: str = SANDBOX_EMAIL, token: str = SANDBOX_TOKEN):
    """A requests.Session authenticated as the sandbox's end user."""
    import requests

    session = requests.Session()
    session.auth = (f"{email}/token", token)
    session.base = server.url  # type: ignore[attr-defined]
    return session


from ticketdata import FULL_FLAGS  # noqa: E402,F401 - shared with the tests


@pytest.fixture
def hostile():
    """A hostile, slow or broken desk on 127.0.0.1 (tests/support/hostile.py); call it
    for as many as a test needs (another host for redirects and links)."""
    from hostile import HostileDesk

    desks = []

    def start() -> HostileDesk:
        desk = HostileDesk().start()
        desks.append(desk)
        return desk

    yield start
    for desk in desks:
        desk.stop()
