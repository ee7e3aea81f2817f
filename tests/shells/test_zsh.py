"""zsh: an interactive shell with compinit, the script autoloaded from $fpath, real TABs."""

from __future__ import annotations

import re
import shutil

import pexpect
import pytest
from shellsupport import COMPLETIONS, need, shell_env_for

PROMPT = "READY> "


@pytest.fixture
def shell_env(isolated_home):
    """A seeded history, and this checkout's `ctlsupport` first on PATH."""
    return shell_env_for(isolated_home)


@pytest.fixture
def zsh(shell_env, tmp_path):
    """An interactive zsh that finds _ctlsupport the way an installed one would."""
    functions = tmp_path / "zfunc"
    functions.mkdir()
    shutil.copy(COMPLETIONS / "_ctlsupport", functions / "_ctlsupport")
    child = pexpect.spawn(
        need("zsh"), ["-f", "-i"], env=shell_env, encoding="utf-8", timeout=20,
        dimensions=(60, 200),
    )  # fmt: skip
    child.sendline(
        f"fpath=({functions} $fpath); autoload -Uz compinit; compinit -u -D; "
        f"PS1='{PROMPT}'; echo STARTED"
    )
    child.expect("STARTED\r\n")
    child.expect_exact(PROMPT)
    yield child
    child.close(force=True)


def tab(child: pexpect.spawn, line: str) -> str:
    """What zsh shows after one TAB at the end of `line` (then the line is abandoned)."""
    child.send(line + "\t")
    child.expect_exact(line)
    shown = _settled(child)
    child.send("\x07")  # nothing bound: a no-op key whose bell marks the end of the output
    child.send("\x03")  # Ctrl-C: drop the line
    child.expect_exact(PROMPT)
    return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", shown + child.before)


def _settled(child: pexpect.spawn, quiet: float = 0.5, wait: float = 15) -> str:
    """What the completion prints, once it has printed something and then gone quiet
    (a Ctrl-C sent while the completion still runs would kill it on a busy machine)."""
    child.expect(r"[\s\S]", timeout=wait)
    seen = child.before + child.after
    while child.expect([r"[\s\S]+", pexpect.TIMEOUT], timeout=quiet) == 0:
        seen += child.before + child.after
    return seen + (child.before or "")


def test_first_tab_lists_ticket_ids_with_subjects(zsh):
    shown = tab(zsh, "ctlsupport show 420")
    assert "4201  -- ACME web 0 down [open]" in shown
    assert "4209  -- ACME web 8 down [open]" in shown
    assert "9901" not in shown


def test_first_tab_lists_data_centers(zsh):
    shown = tab(zsh, "ctlsupport open --datacenter U")
    assert "UC1  -- Santa Clara, California" in shown
    assert "UT1  -- Salt Lake City, Utah" in shown


def test_first_tab_lists_subcommands(zsh):
    shown = tab(zsh, "ctlsupport ")
    for name in ("open", "list", "show", "setup", "completion"):
        assert re.search(rf"^{name} +-- ", shown, re.MULTILINE), shown


def test_a_single_match_is_inserted(zsh):
    zsh.send("ctlsupport open --datace\t")
    zsh.expect_exact("ctlsupport open --datacenter ")
    zsh.send("\x03")
    zsh.expect_exact(PROMPT)
