"""The priority matrix on a narrow terminal: a few lines, not a page."""

from __future__ import annotations

import os
import re
import sys

import pexpect


def test_the_matrix_fits_a_narrow_terminal():
    env = {k: v for k, v in os.environ.items() if k != "CTLSUPPORT_NO_INPUT"}
    env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", NO_COLOR="1")
    child = pexpect.spawn(
        sys.executable, ["-m", "ctlsupport", "--sandbox", "open", "--no-suggest"],
        env=env, encoding="utf-8", timeout=20, dimensions=(50, 60),
    )  # fmt: skip
    try:
        child.expect("Problem template")
        child.send("\r")  # none: a blank ticket
        child.expect("Subject")
        child.send("ACME: web server down\r")
        child.expect("Priority matrix")
        child.expect("show the whole matrix")
        shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before)
        matrix = shown.split("- critical platform")[0]  # up to the first choice
        assert len([line for line in matrix.splitlines() if line.strip()]) <= 10
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
