"""TAB completion and --version answer without the heavy stack (nor Typer) loaded."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

HEAVY = ("rich", "questionary", "keyring", "requests", "typer")

# Runs the console-script entry in a child, then reports what it had imported.
CHILD = """
import atexit, json, sys
atexit.register(lambda: sys.__stderr__.write(
    "MODULES=" + json.dumps(sorted({m.split('.')[0] for m in sys.modules})) + "\\n"))
sys.argv = ["ctlsupport", *json.loads(sys.argv[1])]
from ctlsupport.cli.entry import run
run()
"""


def imported(args: list[str], env: dict[str, str]) -> tuple[str, set[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(args)],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES="))
    return proc.stdout, set(json.loads(line.removeprefix("MODULES=")))


def _seed() -> None:
    from shellsupport import seed_history

    from ctlsupport.config import settings

    seed_history()
    settings.save(settings.Settings(profiles={"lab": settings.Profile(name="lab")}))


@pytest.mark.parametrize(
    "env",
    [
        {"_CTLSUPPORT_COMPLETE": "complete_bash", "COMP_WORDS": "ctlsupport show 42",
         "COMP_CWORD": "2"},
        {"_CTLSUPPORT_COMPLETE": "complete_zsh",
         "_TYPER_COMPLETE_ARGS": "ctlsupport open --datacenter "},
        {"_CTLSUPPORT_COMPLETE": "complete_fish", "_TYPER_COMPLETE_FISH_ACTION": "get-args",
         "_TYPER_COMPLETE_ARGS": "ctlsupport --profile "},
        {"_CTLSUPPORT_COMPLETE": "complete_powershell", "_TYPER_COMPLETE_ARGS": "ctlsupport o",
         "_TYPER_COMPLETE_WORD_TO_COMPLETE": "o"},
    ],
    ids=["bash-ids", "zsh-datacenters", "fish-profiles", "powershell-commands"],
)  # fmt: skip
def test_completion_imports_nothing_heavy(env):
    _seed()
    out, modules = imported([], env)
    assert out.strip(), "the completion request got no answer"
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_version_imports_nothing_heavy():
    from ctlsupport import __version__

    out, modules = imported(["--json", "--version"], {})
    assert out == f"ctlsupport {__version__}\n"
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_help_does_not_import_rich_or_the_heavy_stack():
    out, modules = imported(["--help"], {"COLUMNS": "60"})  # narrow: Typer wraps it
    assert "Usage: ctlsupport" in out
    assert "typer" in modules
    assert not modules & {"rich", "questionary", "keyring", "requests"}, sorted(modules)


@pytest.mark.parametrize("args", [["--help"], ["-h", "--sandbox"], []])
def test_top_level_help_comes_from_the_table_and_matches_typer(args):
    from ctlsupport.cli.docgen import root_help

    out, modules = imported(args, {"COLUMNS": "120"})
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))
    assert out == root_help()  # what Typer prints, with every command


def test_the_slow_path_still_works_for_what_the_fast_path_declines():
    out, modules = imported(["--version", "list"], {})
    assert "typer" in modules  # not only global flags: Typer decides
    assert out.startswith("ctlsupport ")


def _typer_says(args: list[str], env: dict[str, str]) -> tuple[str, int]:
    """What the Typer app itself prints for `args` (no light path), and its exit code."""
    code = "import sys; from ctlsupport.cli.app import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], env={**os.environ, **env},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    return proc.stdout, proc.returncode


LIGHT = [
    ["open", "--help"],
    ["config", "set", "-h"],
    ["--sandbox", "sandbox", "reply", "--help"],
    ["list", "--offline"],
    ["list", "--offline", "--json", "--status", "all", "-n", "2"],
    ["outbox", "list", "--sent"],
    ["--json", "drafts", "list"],
    ["config", "show", "--profile", "lab"],
]


@pytest.mark.parametrize("args", LIGHT, ids=lambda a: " ".join(a))
def test_command_help_and_local_commands_skip_typer_and_match_it(args):
    _seed()
    env = {"COLUMNS": "100"}
    out, modules = imported(args, env)
    assert "typer" not in modules, "the light path loaded Typer"
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))
    expected, code = _typer_says(args, env)
    assert code == 0
    # word for word what Typer's command prints (ages tick on between the two runs)
    age = re.compile(r'"age_seconds": \d+')
    assert age.sub("", out) == age.sub("", expected)


@pytest.mark.parametrize(
    "args",
    [["list", "--offline", "-n", "0"], ["list"], ["outbox", "list", "--bogus"],
     ["config", "show", "extra"], ["open", "--help"]],
    ids=lambda a: " ".join(a),
)  # fmt: skip
def test_what_the_light_path_declines_goes_to_typer(args):
    env = {"COLUMNS": "60"} if "--help" in args else {}  # narrow: Typer wraps help
    _, modules = imported(args, env)
    assert "typer" in modules
