"""A default shown in a prompt is replaced by what is typed, never appended to."""

from __future__ import annotations

import os
import sys
import tomllib

import pexpect

from ctlsupport.config import paths

ENTER = "\r"


def test_typing_over_a_default_replaces_it(cli):
    made = cli("--no-input", "setup", "--alias", "support@partner.example",
               "--full-name", "Jo Doe", "--portal-username", "jdoe")  # fmt: skip
    assert made.code == 0, made.stderr
    env = {k: v for k, v in os.environ.items() if k != "CTLSUPPORT_NO_INPUT"}
    env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", NO_COLOR="1")
    child = pexpect.spawn(
        sys.executable, ["-m", "ctlsupport", "setup", "--desk-url", "https://desk.example",
                         "--alias", "support@partner.example", "--auth", "token"],
        env=env, encoding="utf-8", timeout=20, dimensions=(50, 140),
    )  # fmt: skip
    try:
        child.expect("Your Control Portal username")
        child.expect("jdoe")  # shown
        child.send(ENTER)  # kept
        child.expect("Your full name")
        child.expect("Jo Doe")
        child.send("Ann Lee" + ENTER)  # typed over it
        child.expect("Support tier")
        child.send(ENTER)
        child.expect("Account representative")
        child.send(ENTER)
        child.expect("Default data center")
        child.send(ENTER)
        child.expect("Control Portal PIN")
        child.send(ENTER)
        child.expect("Sign in to the desk now")
        child.send("n")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    profile = tomllib.loads(paths.config_file().read_text())["profiles"]["default"]
    assert profile["full_name"] == "Ann Lee"
    assert profile["portal_username"] == "jdoe"
