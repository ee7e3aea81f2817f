"""`setup` at a terminal asks how the team reaches the desk, and the questions that
follow match the answer: the SMTP server by email, the sign-in through the API."""

from __future__ import annotations

import tomllib

import pexpect
from test_setup_pty import ENTER, _spawn

from ctlsupport.config import paths

DOWN = "\x1b[B"
FLAGS = ["--alias", "support@partner.example", "--portal-username", "jdoe",
         "--full-name", "Jo Doe", "--tier", "professional", "--account-rep", "",
         "--datacenter", "VA1"]  # fmt: skip


def _profile() -> dict:
    return tomllib.loads(paths.config_file().read_text())["profiles"]["default"]


def test_by_email_asks_the_mail_server_and_no_sign_in(sandbox):
    child = _spawn("--desk-url", sandbox.url, *FLAGS)
    try:
        child.expect("How your team reaches the provider's desk")
        child.expect("By email: works with nothing from the provider")
        child.send(ENTER)  # email, the recommended first choice
        child.expect("SMTP server")
        child.send("smtp.partner.example" + ENTER)
        child.expect("SMTP security")
        child.send(ENTER)  # starttls
        child.expect("SMTP port")
        child.send(ENTER)  # 587, the usual port of starttls
        child.expect("SMTP user")
        child.send("support@partner.example" + ENTER)
        child.expect("The alias's mailbox")
        child.send(ENTER)
        child.expect("Control Portal PIN")
        child.send("4711" + ENTER)
        index = child.expect(["Sign in to the desk now", "Saved profile 'default'"])
        assert index == 1, "no API sign-in on the email route"
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    profile = _profile()
    assert (profile["via"], profile["auth"]) == ("email", "none")
    assert (profile["smtp_host"], profile["smtp_port"]) == ("smtp.partner.example", "587")


def test_through_the_api_asks_the_sign_in_and_no_mail_server(sandbox):
    child = _spawn("--desk-url", sandbox.url, *FLAGS)
    try:
        child.expect("How your team reaches the provider's desk")
        child.send(DOWN + ENTER)  # the API
        child.expect("Desk sign-in method")
        child.send(ENTER)  # oauth, the default
        index = child.expect(["SMTP server", "Control Portal PIN"])
        assert index == 1, "no mail server asked on the API route"
        child.send("4711" + ENTER)
        child.expect("Sign in to the desk now")
        child.send("n")
        child.expect("auth login")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    profile = _profile()
    assert (profile["via"], profile["auth"]) == ("api", "oauth")
