"""No keyring backend at all: what needs no stored secret works; the rest says how to fix it."""

from __future__ import annotations

import pytest
from oauthflow import ALIAS

NO_BACKEND = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


@pytest.fixture
def profile(run_process, sandbox):
    for key, value in (("desk_url", sandbox.url), ("alias", ALIAS), ("auth", "oauth")):
        assert run_process("config", "set", key, value, env=NO_BACKEND).code == 0
    return sandbox


@pytest.mark.parametrize(
    "args",
    [
        ("config", "show"),
        ("config", "path"),
        ("--json", "auth", "status"),
        ("--sandbox", "--json", "list"),
        ("sandbox", "--help"),
        ("--json", "outbox", "list"),
    ],
    ids=" ".join,
)
def test_commands_without_stored_secrets_work(run_process, profile, args):
    result = run_process(*args, env=NO_BACKEND)
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_status_says_the_keyring_is_missing(run_process, profile):
    entry = run_process("--json", "auth", "status", env=NO_BACKEND).json()
    entry = entry["data"]["profiles"][0]
    assert entry["stored_in"] == "keyring unavailable"
    assert any("no OS keyring backend" in w for w in entry["warnings"])


@pytest.mark.parametrize(
    "args",
    [("list",), ("auth", "logout"), ("doctor",)],
    ids=" ".join,
)
def test_commands_that_need_the_keyring_fail_with_one_hint(run_process, profile, args):
    result = run_process(*args, env=NO_BACKEND)
    assert result.code == 9, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ctlsupport: error:")]
    assert len(errors) == 1
    assert "hint:" in result.stderr and "Traceback" not in result.stderr
    assert "keyring" in result.stderr


def test_login_stores_nothing_but_says_why(run_process, profile):
    result = run_process(
        "auth", "login", "--method", "token", stdin=b"sandbox-token\n", env=NO_BACKEND
    )
    assert result.code == 9
    assert "no OS keyring backend is available; the sign-in worked but could not be stored" in (
        result.stderr
    )
    assert "--insecure-storage" in result.stderr


def test_env_variables_stand_in_for_the_keyring(run_process, profile):
    token = profile.state.issue_bearer(ALIAS)
    result = run_process("--json", "list", env={**NO_BACKEND, "CTLSUPPORT_OAUTH_TOKEN": token})
    assert result.code == 0, result.stderr
