"""Output that fits: `list` at 60 columns, `show` through $PAGER, sandbox links."""

from __future__ import annotations

import os
import re
import sys

import pexpect
import pytest
from ticketdata import FULL_FLAGS

LONG = "ACME: VA1ACMEWEB01 unreachable since the storage maintenance of last night"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def opened(cli, monkeypatch) -> int:
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    flags = [LONG if f == FULL_FLAGS[1] else f for f in FULL_FLAGS]
    made = cli("--sandbox", "--json", "--no-input", "open", *flags, stdin="boom\n")
    assert made.code == 0, made.stderr
    return made.json()["data"]["id"]


def _run(*args: str, columns: int = 140, **env: str) -> str:
    full = {k: v for k, v in os.environ.items() if k != "CTLSUPPORT_NO_INPUT"}
    full.update(TERM="xterm", NO_COLOR="1", **env)
    child = pexpect.spawn(
        sys.executable, ["-m", "ctlsupport", *args], env=full, encoding="utf-8",
        timeout=30, dimensions=(24, columns),
    )  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    return ANSI.sub("", child.before)


def test_list_at_60_columns_is_one_line_a_request(opened):
    lines = [ln for ln in _run("--sandbox", "list", columns=60).splitlines() if ln.strip()]
    assert len(lines) == 2, lines  # the header and the one request
    assert "…" in lines[1] and lines[1].lstrip().startswith(str(opened))
    assert all(len(ln.rstrip()) <= 60 for ln in lines)


def test_a_long_thread_goes_through_the_pager(opened, cli):
    for n in range(12):
        assert cli("--sandbox", "--no-input", "comment", str(opened), "--body",
                   f"Update {n}\nline two\nline three").code == 0  # fmt: skip
    pager = "sed 's/^/PAGER> /'"
    paged = _run("--sandbox", "show", str(opened), PAGER=pager)
    assert "PAGER> " in paged and "Update 11" in paged
    whole = _run("--sandbox", "show", "--no-pager", str(opened), PAGER=pager)
    assert "PAGER> " not in whole and "Update 11" in whole


def test_the_embedded_desk_gives_a_command_not_a_dead_link(opened, cli):
    shown = _run("--sandbox", "show", "--no-pager", str(opened))
    assert "http://127.0.0.1" not in shown
    commented = cli("--sandbox", "--no-input", "comment", str(opened), "--body", "x")
    assert f"ctlsupport --sandbox show {opened}" in commented.stdout
    assert "http://127.0.0.1" not in commented.stdout
