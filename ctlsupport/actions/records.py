"""What the actions write down in local history after the desk took something, and
the one-line retry reporter of a delivery."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

    from ctlsupport.actions.session import Session
    from ctlsupport.model import Request
    from ctlsupport.store.outbox import OutboxItem


@contextmanager
def local_history(state: Session, what: str, *, quiet: bool = False) -> Iterator[None]:
    """Local history is a convenience: a failure to open or write it only warns, or with
    `quiet` (where the history only helps, as in `list` and `show`) is a --debug line."""
    import sqlite3

    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        if quiet:
            state.notes.debug_line(f"local history skipped ({what}): {exc}")
        else:
            state.notes.warn(f"could not record {what} in local history: {exc}")


def retrying(state: Session) -> Callable[[int, str, float], None]:
    """The `on_retry` callback of a delivery: one line per retry, with the wait."""

    def note(attempt: int, reason: str, wait: float) -> None:
        state.notes.note(f"  {reason}; trying again in {wait:.1f} s (attempt {attempt + 1})")

    return note


def remember(
    state: Session, conn: sqlite3.Connection, profile_name: str, request: Request, item: OutboxItem
) -> None:
    """A request sent from here, in local history (for `list --mine` and completion)."""
    from ctlsupport.core.submission import draft_from_payload
    from ctlsupport.store.history import History

    with local_history(state, f"request #{request.id}"):
        History(conn).record_submitted(
            profile_name, request, draft_from_payload(item.payload), client_ref=item.client_ref
        )


def remember_escalation(
    state: Session,
    conn: sqlite3.Connection | None,
    profile_name: str,
    original_id: int,
    *,
    route: str,
    reason: str,
    escalation_id: int | None = None,
    message_id: str | None = None,
) -> None:
    """An escalation sent from here, by either route (`conn`: None opens the database)."""
    from ctlsupport.store import db
    from ctlsupport.store.escalations import Escalations

    with local_history(state, "the escalation"):
        Escalations(conn or db.connect()).record(
            profile_name, original_id, route=route, reason=reason,
            escalation_id=escalation_id, message_id=message_id,
        )  # fmt: skip
