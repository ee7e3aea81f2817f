"""OAuth sign-in end to end against the sandbox desk: PKCE, loopback redirect, refresh, logout."""

from __future__ import annotations

import subprocess
import tomllib

import pytest
import requests
from oauthflow import (
    ALIAS,
    LoginProcess,
    keyring_entries,
    oauth_login,
    profile_on,
    set_keyring_entry,
)

from ctlsupport.config import paths
from ctlsupport.exitcodes import ExitCode

OAUTH_KINDS = ("default/oauth-access", "default/oauth-refresh", "default/oauth-expiry")


@pytest.fixture
def make_desk(tmp_path):
    """Sandbox desks with custom settings, stopped after the test."""
    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    started = []

    def make(**settings):
        server = SandboxServer(SandboxConfig(data_dir=tmp_path / f"desk{len(started)}", **settings))
        started.append(server.start())
        return server

    yield make
    for server in started:
        server.stop()


def test_login_by_visiting_the_printed_address(cli, sandbox):
    profile_on(cli, sandbox)
    code, out, err = oauth_login("--json")
    assert code == 0, err
    data = __import__("json").loads(out)["data"]
    assert data["method"] == "oauth" and data["identity"] == ALIAS
    assert data["stored_in"] == "keyring" and data["expires_at"]
    # The authorization URL asked for PKCE S256 and a loopback redirect.
    url = next(line.strip() for line in err.splitlines() if line.startswith("http"))
    assert "code_challenge_method=S256" in url and "redirect_uri=http%3A%2F%2F127.0.0.1" in url
    stored = keyring_entries()
    assert all(stored.get(kind) for kind in OAUTH_KINDS)
    profile = tomllib.loads(paths.config_file().read_text())["profiles"]["default"]
    assert profile["auth"] == "oauth"
    for kind in OAUTH_KINDS[:2]:
        assert stored[kind] not in out + err
    # The stored token works for a real command.
    listed = cli("--json", "list")
    assert listed.code == 0, listed.stderr


def test_pasting_the_redirect_address_also_works(cli, sandbox):
    profile_on(cli, sandbox)
    login = LoginProcess(stdin=subprocess.PIPE)
    answer = requests.get(login.url(), allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    assert login.proc.stdin is not None
    login.proc.stdin.write(answer.headers["Location"] + "\n")
    login.proc.stdin.flush()
    code, out, err = login.finish()
    assert code == 0, err
    assert "Signed in to" in out
    assert keyring_entries().get("default/oauth-access")


def test_expired_token_is_refreshed_once_then_sign_in_again(cli, sandbox):
    profile_on(cli, sandbox)
    assert oauth_login()[0] == 0
    first = keyring_entries()

    # The desk revokes the access token: the next call renews it and goes through.
    sandbox.state.revoke_bearer(first["default/oauth-access"])
    assert cli("--json", "list").code == 0
    second = keyring_entries()
    assert second["default/oauth-access"] != first["default/oauth-access"]
    assert second["default/oauth-refresh"] != first["default/oauth-refresh"]  # rotated

    # The stored expiry has passed: renewed before the call is even sent.
    set_keyring_entry("default/oauth-expiry", "1000")
    assert cli("--json", "list").code == 0
    third = keyring_entries()
    assert third["default/oauth-access"] != second["default/oauth-access"]
    assert float(third["default/oauth-expiry"]) > 1000

    # Refresh token gone too (used elsewhere): one clear "sign in again".
    from ctlsupport.secret import Secret
    from ctlsupport.transport import oauth

    profile = tomllib.loads(paths.config_file().read_text())["profiles"]["default"]
    ends = oauth.endpoints_for(sandbox.url, client_id=profile["oauth_client_id"])
    oauth.refresh(ends, Secret(third["default/oauth-refresh"]))
    sandbox.state.revoke_bearer(third["default/oauth-access"])
    failed = cli("list")
    assert failed.code == ExitCode.AUTH
    assert "could not be renewed" in failed.stderr
    assert "hint: Sign in again with `ctlsupport auth login`." in failed.stderr
    assert "Traceback" not in failed.stderr


def test_logout_removes_the_sign_in_and_keeps_the_pin(cli, sandbox):
    profile_on(cli, sandbox)
    assert cli("--no-input", "setup", "--pin-stdin", stdin="2468\n").code == 0
    assert oauth_login()[0] == 0
    result = cli("--json", "auth", "logout")
    assert result.code == 0, result.stderr
    assert set(result.json()["data"]["removed"]) == {
        "oauth-access",
        "oauth-refresh",
        "oauth-expiry",
    }
    assert list(keyring_entries()) == [f"default/partner/{ALIAS}"]
    status = cli("--json", "auth", "status").json()["data"]["profiles"][0]
    assert status["identity"] is None and status["pin_stored_in"] == "keyring"
    listed = cli("list")
    assert listed.code == ExitCode.AUTH and "not signed in" in listed.stderr
    assert cli("auth", "logout", "--all").code == 0
    assert keyring_entries() == {}


def test_status_shows_method_identity_storage_and_expiry(cli, sandbox):
    profile_on(cli, sandbox)
    assert oauth_login()[0] == 0
    entry = cli("--json", "auth", "status").json()["data"]["profiles"][0]
    assert entry["method"] == "oauth" and entry["identity"] == ALIAS
    assert entry["stored_in"] == "keyring" and entry["renewable"] is True
    assert entry["expires_at"].endswith("Z") and entry["expired"] is False
    assert entry["warnings"] == []
    plain = cli("auth", "status")
    assert plain.stdout.split("\t")[:4] == ["default", "oauth", ALIAS, "keyring"]


def test_wrong_identity_is_refused_and_nothing_stored(cli, make_desk):
    other = make_desk(email="someone@else.example")
    profile_on(cli, other)
    code, _, err = oauth_login()
    assert code == ExitCode.AUTH
    assert "signed you in as someone@else.example, not as the support alias" in err
    assert "only mail and requests from the support alias become tickets" in err
    assert keyring_entries() == {}


def test_login_refuses_while_a_desk_secret_is_in_the_environment(cli, sandbox, monkeypatch):
    profile_on(cli, sandbox)
    monkeypatch.setenv("CTLSUPPORT_OAUTH_TOKEN", "from-env")
    result = cli("auth", "login", "--no-browser")
    assert result.code == ExitCode.USAGE
    assert "CTLSUPPORT_OAUTH_TOKEN is set" in result.stderr
    assert "from-env" not in result.stderr


def test_env_token_beats_the_keyring(cli, sandbox, monkeypatch):
    profile_on(cli, sandbox)
    assert cli("config", "set", "auth", "oauth").code == 0
    token = sandbox.state.issue_bearer(ALIAS)
    monkeypatch.setenv("CTLSUPPORT_OAUTH_TOKEN", token)
    assert cli("--json", "list").code == 0
    entry = cli("--json", "auth", "status").json()["data"]["profiles"][0]
    assert entry["stored_in"] == "env"


def test_an_unregistered_client_is_refused_then_works_once_registered(cli, sandbox):
    """The desk admin registers clients (contract §13.1): until then, one clear line."""
    from oauthflow import free_port

    profile_on(cli, sandbox)
    port = free_port()
    for key, value in (("oauth_client_id", "partner-tool"), ("oauth_redirect_port", str(port))):
        assert cli("config", "set", key, value).code == 0
    refused = cli("auth", "login", "--no-browser")
    assert refused.code == ExitCode.AUTH
    assert "the desk does not know the OAuth client 'partner-tool'" in refused.stderr
    assert "docs/provider-setup.md" in refused.stderr and "via email" in refused.stderr
    assert refused.stderr.count("ctlsupport: error:") == 1 and "Traceback" not in refused.stderr
    data = str(sandbox.config.data_dir)
    added = cli("sandbox", "oauth-client", "add", "partner-tool", "--data", data,
                "--redirect", f"http://127.0.0.1:{port}/callback")  # fmt: skip
    assert added.code == 0, added.stderr
    code, _out, err = oauth_login()
    assert code == 0, err


def test_a_client_removed_at_the_desk_is_said_plainly(cli, sandbox):
    profile_on(cli, sandbox)
    assert oauth_login()[0] == 0
    profile = tomllib.loads(paths.config_file().read_text())["profiles"]["default"]
    data = str(sandbox.config.data_dir)
    assert cli("sandbox", "oauth-client", "remove", profile["oauth_client_id"],
               "--data", data).code == 0  # fmt: skip
    set_keyring_entry("default/oauth-expiry", "1000")  # due: the refresh meets the desk
    failed = cli("list")
    assert failed.code == ExitCode.AUTH
    assert "does not know the OAuth client" in failed.stderr
    assert "docs/provider-setup.md" in failed.stderr
