"""After sign-in, open, list, show and logout, no secret is on disk or in any output.

The desk is a separate sandbox server whose database lives outside the home directory:
that database rightly holds the ticket (and so the PIN); nothing under the home may.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from oauthflow import keyring_entries, oauth_login, profile_on
from ticketdata import FULL_FLAGS

PIN = "86413"
PASSWORD = "Pa55-w0rd-Leak"
TOKEN = "tok-LEAK-9f8e7d6c"


@pytest.fixture
def desk(tmp_path: Path, isolated_home: Path):
    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    data = tmp_path / "desk-outside-home"
    assert not data.is_relative_to(isolated_home)
    # Password access on (an older desk): the password's path must not leak either.
    config = SandboxConfig(data_dir=data, password=PASSWORD, token=TOKEN, password_access=True)
    server = SandboxServer(config).start()
    yield server
    server.stop()


def _files_containing(home: Path, needle: str) -> list[str]:
    return [
        str(path.relative_to(home))
        for path in home.rglob("*")
        if path.is_file() and needle.encode() in path.read_bytes()
    ]


def test_no_secret_leaks_anywhere(cli, desk, isolated_home):
    outputs: list[str] = []
    seen_tokens: set[str] = set()

    def remember_tokens() -> None:
        for name, value in keyring_entries().items():
            if "oauth-access" in name or "oauth-refresh" in name:
                seen_tokens.add(value)

    def run(*args: str, stdin: str = "") -> None:
        result = cli(*args, stdin=stdin)
        assert result.code == 0, result.stderr
        outputs.append(result.stdout + result.stderr)
        remember_tokens()

    profile_on(cli, desk)
    run("--no-input", "setup", "--pin-stdin", stdin=f"{PIN}\n")
    for debug in ((), ("--debug",)):
        # OAuth, for real through the browser redirect, then a ticket and reads.
        code, out, err = oauth_login(*debug)
        assert code == 0, err
        outputs.append(out + err)
        remember_tokens()
        run(*debug, "--no-input", "open", *FULL_FLAGS, stdin="kernel: oops\n")
        opened = json.loads(cli("--json", "list").stdout)["data"]["requests"][0]["id"]
        run(*debug, "list")
        run(*debug, "--json", "show", str(opened))
        run(*debug, "auth", "status")
        run(*debug, "doctor")
        # The legacy methods too.
        run(*debug, "auth", "login", "--method", "password", stdin=f"{PASSWORD}\n")
        run(*debug, "list")
        run(*debug, "auth", "login", "--method", "token", stdin=f"{TOKEN}\n")
        run(*debug, "--json", "show", str(opened))
        run(*debug, "auth", "logout")
    run("auth", "logout", "--all")

    assert len(seen_tokens) >= 4  # two sign-ins, each an access and a refresh token
    assert any("debug: > GET" in text for text in outputs)  # --debug really showed traffic
    for secret in (PIN, PASSWORD, TOKEN, *seen_tokens):
        assert _files_containing(isolated_home, secret) == [], secret
        assert not [text for text in outputs if secret in text], secret
    assert keyring_entries() == {}
    # The desk got the PIN where it belongs: in the ticket, in its own database.
    assert f"User PIN: {PIN}" in desk.state.list_requests()[0]["description"]
