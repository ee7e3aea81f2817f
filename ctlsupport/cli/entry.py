"""The console script: answer TAB completion and --version before loading the CLI.

A TAB press runs the whole program; importing Typer and the command modules would
cost most of the time the shell waits. Completion, --version and the top-level --help
are answered here from the local history and a generated table; every command's
--help and the local-only commands by the light path (cli/light.py); everything else
goes to cli/app.py.
"""

from __future__ import annotations

import os
import sys

COMPLETE_VAR = "_CTLSUPPORT_COMPLETE"


def _only_version(argv: list[str]) -> bool:
    """Whether the command line is --version with, at most, other global flags."""
    if "--version" not in argv:
        return False
    from ctlsupport.cli.completion.table import ROOT_FLAGS

    return all(arg in ROOT_FLAGS for arg in argv)


def _only_root_help(argv: list[str]) -> bool:
    """Whether the command line asks for the top-level help and nothing else."""
    if not argv:
        return True
    if "--help" not in argv and "-h" not in argv:
        return False
    from ctlsupport.cli.completion.table import ROOT_FLAGS

    return all(arg in ROOT_FLAGS or arg in ("-h", "--help") for arg in argv)


def run() -> None:
    """Console-script entry point."""
    instruction = os.environ.get(COMPLETE_VAR)
    if instruction:
        from ctlsupport.cli.completion.engine import respond

        sys.exit(respond(instruction))
    if _only_version(sys.argv[1:]):
        from ctlsupport import __version__

        sys.stdout.write(f"ctlsupport {__version__}\n")
        sys.exit(0)
    if _only_root_help(sys.argv[1:]):
        import shutil

        # Click wraps the help to the terminal up to 80 columns; the saved text is that.
        if shutil.get_terminal_size().columns >= 80:
            from ctlsupport.cli.completion.table import ROOT_HELP

            sys.stdout.write(ROOT_HELP)
            sys.exit(0)
    from ctlsupport.cli import light

    code = light.run(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from ctlsupport.cli.app import run as run_app

    run_app()
