"""`ctlsupport solve`: mark a request solved, when the desk lets the requester do so."""

from __future__ import annotations

import typer

from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import RequestId

HELP = "Mark a request solved (only when the desk allows you to)."
EPILOG = (
    "The desk lets you solve a request only once an agent is assigned and its type is a "
    "question, incident or task; otherwise the reason is printed and the exit code is 3.\n\n"
    "Example:\n\n  ctlsupport solve 1042"
)


def solve(ctx: typer.Context, request_id: RequestId) -> None:
    from ctlsupport.actions.solve import solve as run_solve

    state: AppState = ctx.obj
    state.out.done(run_solve(request_id, state))
