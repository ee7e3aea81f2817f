"""A machine with no keyring: setup and `auth login` share one storage choice, and
nothing that was not kept is ever reported as saved."""

from __future__ import annotations

import os
import stat

from oauthflow import ALIAS
from ticketdata import FULL_FLAGS

from ctlsupport.config import paths, secrets

NO_BACKEND = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
TOKEN = b"sandbox-token"


def _setup(run_process, sandbox, *flags: str, stdin: bytes = b"4711\n" + TOKEN + b"\n"):
    return run_process(
        "--no-input", "setup", "--desk-url", sandbox.url, "--alias", ALIAS, "--auth", "token",
        "--portal-username", "jdoe", "--full-name", "Jo Doe", "--pin-stdin", "--secret-stdin",
        *flags, stdin=stdin, env=NO_BACKEND,
    )  # fmt: skip


def test_setup_without_a_keyring_does_not_claim_to_have_saved_the_secrets(run_process, sandbox):
    result = _setup(run_process, sandbox)
    assert result.code == 9, result.stdout
    assert "Stored" not in result.stdout
    assert "NOT the PIN and desk token" in result.stderr
    assert "no OS keyring backend is available" in result.stderr
    assert "--insecure-storage" in result.stderr and "CTLSUPPORT_PIN" in result.stderr
    assert not secrets.insecure_path().exists()


def test_the_plain_file_is_one_story_for_setup_login_status_doctor_and_open(run_process, sandbox):
    result = _setup(run_process, sandbox, "--insecure-storage")
    assert result.code == 0, result.stderr
    assert "Stored in a plain file" in result.stdout and "pin, token" in result.stdout
    assert stat.S_IMODE(os.stat(secrets.insecure_path()).st_mode) == 0o600
    assert 'storage = "file"' in paths.config_file().read_text()

    status = run_process("--json", "auth", "status", env=NO_BACKEND)
    entry = status.json()["data"]["profiles"][0]
    assert (entry["method"], entry["identity"]) == ("token", ALIAS)
    assert entry["stored_in"] == entry["pin_stored_in"] == "insecure file"
    assert not any("not signed in" in w or "keyring" in w for w in entry["warnings"])

    doctor = run_process("doctor", env=NO_BACKEND)
    assert doctor.code == 0, doctor.stdout + doctor.stderr
    assert "signed in as the support alias" in doctor.stdout

    # `auth login` signs in the profile's way (token, not OAuth), into the same file.
    login = run_process("auth", "login", stdin=TOKEN + b"\n", env=NO_BACKEND)
    assert login.code == 0, login.stderr
    assert "(token); stored in a plain file" in login.stdout

    opened = run_process(
        "--no-input", "--json", "open", *FULL_FLAGS, stdin=b"err", env=NO_BACKEND
    )  # the PIN comes from the file
    assert opened.code == 0, opened.stderr


def test_auth_login_insecure_storage_then_status_and_doctor_agree(run_process, sandbox):
    for key, value in (("desk_url", sandbox.url), ("alias", ALIAS), ("auth", "oauth")):
        assert run_process("config", "set", key, value, env=NO_BACKEND).code == 0
    login = run_process(
        "auth", "login", "--method", "token", "--insecure-storage", stdin=TOKEN + b"\n",
        env=NO_BACKEND,
    )  # fmt: skip
    assert login.code == 0, login.stderr
    entry = run_process("--json", "auth", "status", env=NO_BACKEND).json()["data"]["profiles"][0]
    assert entry["identity"] == ALIAS and entry["stored_in"] == "insecure file"
    doctor = run_process("doctor", env=NO_BACKEND)
    assert doctor.code == 0, doctor.stdout + doctor.stderr
    assert "keyring\twarn" in doctor.stdout


def test_auth_login_uses_the_profile_method(run_process, sandbox):
    for key, value in (("desk_url", sandbox.url), ("alias", ALIAS), ("auth", "token")):
        assert run_process("config", "set", key, value).code == 0
    login = run_process("auth", "login", stdin=TOKEN + b"\n")
    assert login.code == 0, login.stderr
    assert "(token); stored in the OS keyring" in login.stdout


def test_storage_env_keeps_nothing_and_says_so(run_process, sandbox):
    assert run_process("config", "set", "storage", "env", env=NO_BACKEND).code == 0
    result = _setup(run_process, sandbox)
    assert result.code == 9
    assert "storage = env" in result.stderr and "Stored" not in result.stdout
