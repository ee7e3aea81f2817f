"""Fixtures for the mailbox: a sandbox desk with its email channel, mail into it, the
alias's Maildir, and a real Dovecot IMAP server fed by the desk over SMTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from boxhelp import ALIAS


@pytest.fixture
def desk(tmp_path: Path):
    """A sandbox desk with its email channel on a free loopback port (notifications into
    a Maildir per user under its data directory)."""
    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    server = SandboxServer(SandboxConfig(data_dir=tmp_path / "desk", smtp_port=0)).start()
    yield server
    server.stop()


@pytest.fixture
def dovecot():
    """A running Dovecot with the alias as a user (password `imap-secret`), and an SMTP
    relay into it; skipped with the reason when Dovecot is not installed."""
    from dovecot import Dovecot, LdaRelay, missing

    why = missing()
    if why:
        pytest.skip(why)
    server = Dovecot({ALIAS: "imap-secret", "cc@customer.example": "cc-secret"}, tls=True)
    try:
        server.start()
    except RuntimeError as exc:
        server.stop()
        pytest.fail(f"dovecot did not start: {exc}")
    relay = LdaRelay(server).start()
    server.relay_port = relay.port
    yield server
    relay.stop()
    server.stop()
