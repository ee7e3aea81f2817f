"""Ctrl-C in `setup` says what was saved and what was not."""

from __future__ import annotations

import os
import sys

import pexpect

from ctlsupport.config import paths

ENTER = "\r"


def _spawn(*args: str) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items() if k != "CTLSUPPORT_NO_INPUT"}
    env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", NO_COLOR="1")
    return pexpect.spawn(
        sys.executable, ["-m", "ctlsupport", "setup", *args],
        env=env, encoding="utf-8", timeout=20, dimensions=(50, 140),
    )  # fmt: skip


def test_ctrl_c_during_the_questions_saves_nothing_and_says_so():
    child = _spawn()
    try:
        child.expect("Desk URL")
        child.send(ENTER)
        child.expect("Support alias")
        child.sendcontrol("c")
        child.expect("nothing was saved: profile 'default' was not created")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130
    assert not paths.config_file().exists()


def test_ctrl_c_while_signing_in_says_the_profile_was_saved(sandbox):
    child = _spawn(
        "--desk-url", sandbox.url, "--alias", "support@partner.example", "--auth", "token",
        "--portal-username", "jdoe", "--full-name", "Jo Doe", "--tier", "professional",
        "--account-rep", "", "--datacenter", "VA1",
    )  # fmt: skip
    try:
        child.expect("Control Portal PIN")
        child.send("4711" + ENTER)
        child.expect("Sign in to the desk now")
        child.send("y")
        child.expect("desk API token")
        child.sendcontrol("c")
        child.expect("interrupted while signing in: saved profile 'default'")
        child.expect("and the PIN; not signed in")
        child.expect("auth login")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130
    assert paths.config_file().exists()


def test_with_no_keyring_setup_asks_where_to_keep_the_secrets(monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    child = _spawn(
        "--desk-url", "https://desk.example", "--alias", "support@partner.example",
        "--auth", "token", "--portal-username", "jdoe", "--full-name", "Jo Doe",
        "--tier", "professional", "--account-rep", "", "--datacenter", "VA1",
    )  # fmt: skip
    try:
        child.expect("There is no OS keyring on this machine")
        child.expect("Keep the PIN and the desk sign-in")
        child.send(ENTER)  # in a plain 0600 file, the first choice
        child.expect("Control Portal PIN")
        child.send("4711" + ENTER)
        child.expect("Sign in to the desk now")
        child.send("n")
        child.expect(r"Stored in a plain file \(.*\): pin")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert 'storage = "file"' in paths.config_file().read_text()
