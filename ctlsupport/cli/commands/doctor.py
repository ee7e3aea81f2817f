"""`ctlsupport doctor`: the checks (actions/doctor.py) as a table, lines or JSON, and the
exit code of the first that failed."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

import typer

from ctlsupport.actions.doctor import DOCUMENTED_CODES
from ctlsupport.cli.context import AppState
from ctlsupport.exitcodes import ExitCode

if TYPE_CHECKING:
    from ctlsupport.actions.doctor import Check

__all__ = ["DOCUMENTED_CODES", "EPILOG", "HELP", "doctor"]

HELP = "Check that everything needed to reach the desk works, and say what to fix."
EPILOG = (
    "Exit code: 0 when no check fails (warnings allowed); else the code of the first "
    "failed check: 4 no such profile, 5 sign-in, 6 desk unreachable, 7 desk error, "
    "8 configuration, 9 keyring.\n\n"
    "Examples:\n\n  ctlsupport doctor\n\n  ctlsupport --profile acme --json doctor"
)


def doctor(ctx: typer.Context) -> None:
    from ctlsupport.actions.doctor import DoctorFailed, run_checks

    state: AppState = ctx.obj
    found = run_checks(state)
    checks = [asdict(c) for c in found]
    failed = [c for c in found if c.status == "fail"]
    if not state.out.json_mode:
        _render(state, found)
    if failed:
        error = DoctorFailed(
            f"{len(failed)} check(s) failed: " + ", ".join(c.name for c in failed),
            hint="Fix the first failed line above, then run `ctlsupport doctor` again.",
            details={"checks": checks},
        )
        error.exit_code = ExitCode(failed[0].exit_code or ExitCode.ERROR)
        raise error
    state.out.result({"checks": checks})


def _render(state: AppState, checks: list[Check]) -> None:
    if not sys.stdout.isatty():
        for c in checks:
            sys.stdout.write(f"{c.name}\t{c.status}\t{c.detail}\n")
        return
    from rich.table import Table
    from rich.text import Text

    styles = {"ok": "green", "warn": "yellow", "fail": "bold red", "skip": "dim"}
    table = Table(box=None, header_style="bold")
    for column in ("CHECK", "STATUS", "DETAIL"):
        table.add_column(column)
    for c in checks:
        table.add_row(c.name, Text(c.status, style=styles[c.status]), Text(c.detail))
    state.out.console().print(table)
