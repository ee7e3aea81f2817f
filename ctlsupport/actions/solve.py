"""Mark a request solved, when the desk lets the requester do so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ctlsupport.actions.results import Done
from ctlsupport.errors import InvalidInput

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session


class SolveRefused(InvalidInput):
    code = "solve_refused"


def solve(request_id: int, state: Session) -> Done:
    """Solve one request (never assumed: the desk's answer is read back)."""
    client = state.client()
    request = client.get_request(request_id)
    if request.status in ("solved", "closed"):
        state.notes.note(f"#{request_id} is already {request.status}.")
        return _done(request, changed=False)
    if not request.can_be_solved_by_me:
        raise SolveRefused(f"the desk does not let you solve #{request_id}: {_reason(request)}")
    solved = client.solve(request_id)
    if solved.status != "solved":  # the desk may ignore the change: re-read, never assume
        solved = client.get_request(request_id)
    if solved.status != "solved":
        raise SolveRefused(f"#{request_id} is still {solved.status} after asking to solve it")
    return _done(solved, changed=True)


def _reason(request) -> str:
    """Why `can_be_solved_by_me` is false, as far as the end user can tell."""
    if request.assignee_id is None:
        return "no agent is assigned to it yet"
    if request.type == "problem":
        return "it is a problem ticket; only the provider's agents solve those"
    return (
        "the desk does not say why (it needs an assigned agent and type question, incident or task)"
    )


def _done(request, *, changed: bool) -> Done:
    data = {"id": request.id, "status": request.status, "changed": changed}
    if not changed:
        return Done(data, [])
    return Done(
        data,
        [
            f"Solved #{request.id}: {request.subject}",
            "  It closes on its own after 72 hours; a comment before then reopens it.",
        ],
    )
