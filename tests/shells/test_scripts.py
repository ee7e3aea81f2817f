"""`ctlsupport completion SHELL` prints the committed script; the answers' formats."""

from __future__ import annotations

import pytest
from shellsupport import COMPLETIONS, shell_env_for

from ctlsupport.cli.completion.scripts import FILES


@pytest.fixture
def shell_env(isolated_home):
    """A seeded history, and this checkout's `ctlsupport` first on PATH."""
    return shell_env_for(isolated_home)


@pytest.mark.parametrize("shell", sorted(FILES))
def test_completion_prints_the_committed_script(cli, shell):
    result = cli("completion", shell)
    assert result.code == 0, result.stderr
    assert result.stdout == (COMPLETIONS / FILES[shell]).read_text()


def test_an_unknown_shell_is_a_usage_error(cli):
    result = cli("completion", "tcsh")
    assert result.code == 2
    assert "no completion script for 'tcsh'" in result.stderr
    assert "bash, zsh, fish, powershell" in result.stderr


def test_the_source_instruction_prints_the_same_script(run_process):
    result = run_process(env={"_CTLSUPPORT_COMPLETE": "source_fish"})
    assert result.stdout == (COMPLETIONS / FILES["fish"]).read_text()


def test_powershell_and_zsh_answers_are_in_typer_formats(run_process, shell_env):
    zsh = run_process(env={"_CTLSUPPORT_COMPLETE": "complete_zsh",
                           "_TYPER_COMPLETE_ARGS": "ctlsupport open --priority h"})  # fmt: skip
    assert zsh.stdout == "_arguments '*: :((\"high\"))'\n"
    ps = run_process(env={"_CTLSUPPORT_COMPLETE": "complete_powershell",
                          "_TYPER_COMPLETE_ARGS": "ctlsupport show 4201",
                          "_TYPER_COMPLETE_WORD_TO_COMPLETE": "4201"})  # fmt: skip
    assert ps.stdout == "4201:::ACME web 0 down [open]\n"
    files = run_process(env={"_CTLSUPPORT_COMPLETE": "complete_zsh",
                             "_TYPER_COMPLETE_ARGS": "ctlsupport open --attach "})  # fmt: skip
    assert files.stdout == "_files\n"
