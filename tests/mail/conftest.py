"""Fixtures for the email route: no pacing in tests, the PIN in the environment, and a
sandbox desk whose email channel listens on a free loopback port."""

from __future__ import annotations

from pathlib import Path

import pytest
from mailhelp import PIN


@pytest.fixture(autouse=True)
def _mail_env(monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", PIN)
    monkeypatch.setenv("CTLSUPPORT_SMTP_TIMEOUT", "5")
    monkeypatch.delenv("CTLSUPPORT_SMTP_PASSWORD", raising=False)


@pytest.fixture
def mail_desk(tmp_path: Path):
    """A sandbox desk with its email channel on a free loopback port."""
    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    server = SandboxServer(SandboxConfig(data_dir=tmp_path / "desk", smtp_port=0)).start()
    yield server
    server.stop()
