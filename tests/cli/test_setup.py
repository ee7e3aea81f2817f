"""`setup`: profiles in TOML (0600, no secrets), secrets in the keyring."""

from __future__ import annotations

import json
import os
import stat
import tomllib

from ticketdata import FULL_FLAGS

from ctlsupport.config import paths
from ctlsupport.exitcodes import ExitCode

FLAGS = [
    "--alias", "support@partner.example",
    "--portal-username", "jdoe",
    "--full-name", "Jo Doe",
    "--tier", "enterprise",
    "--account-rep", "rep@provider.example",
    "--datacenter", "uc1",
]  # fmt: skip


def test_setup_writes_profile_and_keyring(cli, tmp_path):
    result = cli(
        "--no-input", "setup", *FLAGS, "--pin-stdin", "--secret-stdin", stdin="4711\npa55\n"
    )
    assert result.code == 0, result.stderr
    path = paths.config_file()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = path.read_text()
    assert "4711" not in text and "pa55" not in text
    profile = tomllib.loads(text)["profiles"]["default"]
    assert profile["alias"] == "support@partner.example"
    assert profile["datacenter"] == "UC1"
    assert profile["tier"] == "enterprise"
    keyring = json.loads((tmp_path / "keyring.json").read_text())
    assert keyring == {
        "ctlsupport\x00default/partner/support@partner.example": "4711",
        "ctlsupport\x00default/password": "pa55",
    }
    assert "4711" not in result.stdout + result.stderr


def test_developer_tier_is_refused_with_the_reason(cli):
    result = cli("--no-input", "setup", "--alias", "a@b.example", "--tier", "developer")
    assert result.code == ExitCode.INVALID_INPUT
    assert "Developer tier is not acceptable for a reseller partner" in result.stderr
    assert not paths.config_file().exists()


def test_profiles_side_by_side(cli):
    assert cli("--no-input", "setup", "--alias", "one@a.example").code == 0
    assert cli("--no-input", "--profile", "two", "setup", "--alias", "two@b.example").code == 0
    data = tomllib.loads(paths.config_file().read_text())
    assert data["default_profile"] == "default"
    assert set(data["profiles"]) == {"default", "two"}


def test_profile_defaults_feed_open(cli, monkeypatch):
    assert cli("--no-input", "--sandbox", "setup", *FLAGS[2:]).code == 0
    monkeypatch.setenv("CTLSUPPORT_PIN", "1234")
    result = cli(
        "--sandbox", "--json", "--no-input", "open",
        "--subject", "s", "--customer-name", "Acme", "--customer-alias", "ACME",
        "--server", "UC1ACMEDB01", "--ip", "8.8.8.8", "--description", "d", "--steps", "s",
        stdin="err",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    shown = cli("--sandbox", "--json", "show", str(result.json()["data"]["id"])).json()["data"]
    body = shown["comments"][0]["body"]
    assert "Data center: UC1" in body and "Control Portal username: jdoe" in body
    assert "Jo Doe" in body
    assert len(shown["request"]["email_cc_ids"]) == 1  # the account rep


def test_stored_pin_is_used_by_open(cli):
    assert (
        cli("--no-input", "--sandbox", "setup", *FLAGS[2:], "--pin-stdin", stdin="2468\n").code == 0
    )
    result = cli(
        "--sandbox", "--json", "--no-input", "open",
        "--subject", "s", "--customer-name", "Acme", "--customer-alias", "ACME",
        "--server", "UC1ACMEDB01", "--ip", "8.8.8.8", "--description", "d", "--steps", "s",
        stdin="err",
    )  # fmt: skip
    assert result.code == 0, result.stderr


def test_no_keyring_backend_still_saves_settings_and_env_works(run_process):
    no_backend = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = run_process(
        "--no-input", "setup", "--alias", "a@b.example", "--pin-stdin",
        stdin=b"1234\n", env=no_backend,
    )  # fmt: skip
    assert result.code == 9, result.stderr  # the PIN was given but not kept
    assert "NOT the PIN: no OS keyring backend is available" in result.stderr
    assert "hint: " in result.stderr
    assert paths.config_file().exists()
    opened = run_process(
        "--sandbox", "--no-input", "--json", "open", *FULL_FLAGS,
        stdin=b"err", env={**no_backend, "CTLSUPPORT_PIN": "1234"},
    )  # fmt: skip
    assert opened.code == 0, opened.stderr
    missing = run_process(
        "--sandbox", "--no-input", "open", *FULL_FLAGS, stdin=b"err", env=no_backend
    )  # fmt: skip
    assert missing.code == 3
    assert "keyring" not in missing.stderr  # not a word of it in --sandbox runs
    assert "missing required input: CTLSUPPORT_PIN" in missing.stderr


def test_corrupt_config_is_one_line(cli):
    paths.config_file().parent.mkdir(parents=True)
    paths.config_file().write_text("[profiles\n")
    result = cli("list")
    assert result.code == ExitCode.CONFIG
    assert result.stderr.startswith("ctlsupport: error: ")
    assert "is not valid TOML" in result.stderr


def test_new_profile_defaults_to_oauth_and_says_how_to_sign_in(cli):
    first = cli("--no-input", "setup", "--alias", "one@a.example")
    assert "run `ctlsupport auth login`" in first.stdout  # the default profile
    result = cli("--no-input", "--profile", "fresh", "setup", "--alias", "one@a.example")
    assert result.code == 0, result.stderr
    assert "run `ctlsupport --profile fresh auth login`" in result.stdout
    config = tomllib.loads(paths.config_file().read_text())
    assert config["profiles"]["fresh"]["auth"] == "oauth"
    # Running setup again on a profile that exists does not nag.
    again = cli("--no-input", "--profile", "fresh", "setup", "--full-name", "Jo Doe")
    assert "auth login" not in again.stdout


def test_no_input_setup_names_what_is_missing_and_saves_nothing(cli):
    result = cli("--no-input", "setup", "--full-name", "Jo Doe", "--portal-username", "jdoe")
    assert result.code == ExitCode.INVALID_INPUT
    assert "missing required input: --alias" in result.stderr
    assert not paths.config_file().exists()  # no half profile
