"""`ctlsupport solve`: mark a request solved, when the desk lets the requester do so."""

from __future__ import annotations

import sys

import typer

from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import RequestId
from ctlsupport.errors import InvalidInput

HELP = "Mark a request solved (only when the desk allows you to)."
EPILOG = (
    "The desk lets you solve a request only once an agent is assigned and its type is a "
    "question, incident or task; otherwise the reason is printed and the exit code is 3.\n\n"
    "Example:\n\n  ctlsupport solve 1042"
)


class SolveRefused(InvalidInput):
    code = "solve_refused"


def solve(ctx: typer.Context, request_id: RequestId) -> None:
    state: AppState = ctx.obj
    client = state.client()
    request = client.get_request(request_id)
    if request.status in ("solved", "closed"):
        state.out.note(f"#{request_id} is already {request.status}.")
        _done(state, request, changed=False)
        return
    if not request.can_be_solved_by_me:
        raise SolveRefused(f"the desk does not let you solve #{request_id}: {_reason(request)}")
    solved = client.solve(request_id)
    if solved.status != "solved":  # the desk may ignore the change: re-read, never assume
        solved = client.get_request(request_id)
    if solved.status != "solved":
        raise SolveRefused(f"#{request_id} is still {solved.status} after asking to solve it")
    _done(state, solved, changed=True)


def _reason(request) -> str:
    """Why `can_be_solved_by_me` is false, as far as the end user can tell."""
    if request.assignee_id is None:
        return "no agent is assigned to it yet"
    if request.type == "problem":
        return "it is a problem ticket; only the provider's agents solve those"
    return (
        "the desk does not say why (it needs an assigned agent and type question, incident or task)"
    )


def _done(state: AppState, request, *, changed: bool) -> None:
    def human() -> None:
        if changed:
            sys.stdout.write(f"Solved #{request.id}: {request.subject}\n")
            sys.stdout.write(
                "  It closes on its own after 72 hours; a comment before then reopens it.\n"
            )

    state.out.result({"id": request.id, "status": request.status, "changed": changed}, human)
