"""`doctor` exits with the codes its help and the docs promise."""

from __future__ import annotations

import re
from pathlib import Path

from oauthflow import profile_on

from ctlsupport.cli.commands.doctor import DOCUMENTED_CODES, EPILOG

DOCS = Path(__file__).resolve().parents[2] / "docs" / "authentication.md"


def test_help_and_docs_list_the_same_codes():
    failures = re.compile(r"\b(\d) (?:no such|sign-in|desk|the desk|configuration|keyring)")
    in_help = {int(n) for n in failures.findall(EPILOG)}
    section = DOCS.read_text().split("## `ctlsupport doctor`", 1)[1]
    in_docs = {int(n) for n in failures.findall(section)}
    assert in_help == in_docs == set(DOCUMENTED_CODES)


def test_each_failure_exits_with_a_documented_code(cli, run_process, sandbox):
    assert cli("doctor").code == 4  # no profile yet
    profile_on(cli, "http://127.0.0.1:9")
    assert cli("doctor").code == 6  # the desk does not answer
    profile_on(cli, sandbox.url)
    assert cli("doctor").code == 5  # a new profile signs in by OAuth: not yet
    no_keyring = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    assert run_process("doctor", env=no_keyring).code == 9
    assert cli("config", "set", "desk_url", "ftp://desk.example").code != 0  # refused
    assert {4, 5, 6, 9} <= set(DOCUMENTED_CODES)
