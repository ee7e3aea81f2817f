"""Warnings once, where they matter: not with --sandbox, --help, --version or completion."""

from __future__ import annotations

from ticketdata import FULL_FLAGS

NO_BACKEND = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def test_no_keyring_warning_in_sandbox_runs(run_process):
    result = run_process("--sandbox", "--no-input", "open", *FULL_FLAGS, env=NO_BACKEND)
    assert result.code == 3  # no PIN: named as missing, without a word about a keyring
    assert "keyring" not in result.stderr
    assert "CTLSUPPORT_PIN" in result.stderr


def test_the_keyring_warning_comes_once_on_a_real_profile(run_process):
    assert run_process("config", "set", "alias", "a@b.example", env=NO_BACKEND).code == 0
    result = run_process("--no-input", "open", *FULL_FLAGS, env=NO_BACKEND)
    assert result.stderr.count("no OS keyring backend is available") == 1


def test_plain_file_warning_stays_out_of_help_version_and_completion(run_process):
    setup = run_process(
        "--no-input", "setup", "--alias", "a@b.example", "--pin-stdin", "--insecure-storage",
        stdin=b"4711\n", env=NO_BACKEND,
    )  # fmt: skip
    assert setup.code == 0, setup.stderr
    for args in (("--help",), ("--version",), ("completion", "bash"), ("list", "--help")):
        result = run_process(*args, env=NO_BACKEND)
        assert result.code == 0, (args, result.stderr)
        assert result.stderr == "", args
    sandbox = run_process("--sandbox", "--json", "list", env=NO_BACKEND)
    assert sandbox.code == 0 and "plain file" not in sandbox.stderr
    real = run_process("--no-input", "open", *FULL_FLAGS, env=NO_BACKEND)
    assert real.stderr.count("secrets are stored in a plain file") == 1
