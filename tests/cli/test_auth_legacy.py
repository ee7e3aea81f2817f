"""Legacy sign-in (password, API token): stdin or hidden prompt, deadline warnings, checks."""

from __future__ import annotations

import tomllib

import pytest
from oauthflow import ALIAS, keyring_entries, profile_on

from ctlsupport.config import paths
from ctlsupport.exitcodes import ExitCode


@pytest.fixture
def old_desk(tmp_path):
    """A desk of the days before Zendesk removed password access to the API."""
    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    server = SandboxServer(SandboxConfig(data_dir=tmp_path / "old", password_access=True))
    yield server.start()
    server.stop()


def test_token_login_from_stdin_warns_with_the_dates(cli, sandbox):
    profile_on(cli, sandbox)
    result = cli("--json", "auth", "login", "--method", "token", stdin="sandbox-token\n")
    assert result.code == 0, result.stderr
    assert "no new tokens after 2026-10-27, none work after 2027-04-30" in result.stderr
    assert result.json()["data"]["identity"] == ALIAS
    assert keyring_entries() == {"default/token": "sandbox-token"}
    assert "sandbox-token" not in result.stdout + result.stderr
    profile = tomllib.loads(paths.config_file().read_text())["profiles"]["default"]
    assert profile["auth"] == "token"
    assert cli("--json", "list").code == 0
    status = cli("--json", "auth", "status").json()["data"]["profiles"][0]
    assert status["method"] == "token" and status["stored_in"] == "keyring"
    assert any("2027-04-30" in w for w in status["warnings"])


def test_password_login_warns_that_the_desk_removed_it(cli, old_desk):
    profile_on(cli, old_desk)
    result = cli("auth", "login", "--method", "password", stdin="sandbox\n")
    assert result.code == 0, result.stderr
    assert "password access to the desk's API was removed by Zendesk in January 2026" in (
        result.stderr
    )
    assert keyring_entries() == {"default/password": "sandbox"}


def test_wrong_secret_is_refused_and_nothing_stored(cli, sandbox):
    profile_on(cli, sandbox)
    result = cli("auth", "login", "--method", "token", stdin="not-the-token\n")
    assert result.code == ExitCode.AUTH
    assert "refused the credentials" in result.stderr
    assert keyring_entries() == {}


def test_password_sign_in_is_refused_clearly_by_the_desk(cli, sandbox):
    profile_on(cli, sandbox)
    result = cli("auth", "login", "--method", "password", stdin="sandbox\n")
    assert result.code == ExitCode.AUTH
    assert "password access to the desk's API is gone at Zendesk" in result.stderr
    assert "setup --via email" in result.stderr and "Traceback" not in result.stderr
    assert keyring_entries() == {}


def test_switching_method_drops_the_old_secret(cli, old_desk):
    profile_on(cli, old_desk)
    assert cli("auth", "login", "--method", "password", stdin="sandbox\n").code == 0
    assert cli("auth", "login", "--method", "token", stdin="sandbox-token\n").code == 0
    assert keyring_entries() == {"default/token": "sandbox-token"}


def test_no_secret_on_stdin_is_one_line(cli, sandbox):
    profile_on(cli, sandbox)
    result = cli("auth", "login", "--method", "token", stdin="")
    assert result.code == ExitCode.INVALID_INPUT
    assert result.stderr.count("ctlsupport: error:") == 1
    assert "no desk API token on stdin" in result.stderr


def test_the_secret_is_never_an_argument(cli):
    result = cli("auth", "login", "--method", "token", "--token", "abc")
    assert result.code == ExitCode.USAGE
    assert "No such option" in result.stderr


def test_unknown_method_and_sandbox_are_refused(cli, sandbox):
    profile_on(cli, sandbox)
    assert cli("auth", "login", "--method", "magic").code == ExitCode.USAGE
    refused = cli("--sandbox", "auth", "login")
    assert refused.code == ExitCode.USAGE and "signs you in by itself" in refused.stderr


def test_insecure_storage_is_a_0600_file_and_commands_using_it_warn(cli, sandbox):
    import os
    import stat

    from ctlsupport.config import secrets

    profile_on(cli, sandbox)
    result = cli(
        "auth", "login", "--method", "token", "--insecure-storage", stdin="sandbox-token\n"
    )
    assert result.code == 0, result.stderr
    path = secrets.insecure_path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert keyring_entries() == {}
    listed = cli("list")
    assert listed.code == 0 and "stored in a plain file" in listed.stderr
    status = cli("--json", "auth", "status")
    assert status.json()["data"]["profiles"][0]["stored_in"] == "insecure file"  # said there
    assert "plain file" not in cli("config", "path").stderr  # it reads no secret
    assert cli("auth", "logout").code == 0
    assert not path.exists()
    assert "plain file" not in cli("config", "path").stderr


def test_setup_with_a_secret_checks_it_at_the_desk(cli, sandbox):
    result = cli(
        "--no-input", "setup", "--desk-url", sandbox.url, "--alias", ALIAS,
        "--auth", "token", "--pin-stdin", "--secret-stdin", stdin="1234\nwrong-token\n",
    )  # fmt: skip
    assert result.code == ExitCode.AUTH
    assert keyring_entries() == {f"default/partner/{ALIAS}": "1234"}  # the PIN is kept
    result = cli(
        "--no-input", "setup", "--auth", "token", "--secret-stdin", stdin="sandbox-token\n"
    )
    assert result.code == 0, result.stderr
    assert keyring_entries()["default/token"] == "sandbox-token"
