"""List the partner's requests with their first-response clocks: from the desk (each
page also refreshes local history), or `offline` from local history alone. Rows stream:
the first page is shown before the last one arrives."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session
    from ctlsupport.core import tracking
    from ctlsupport.model import Request
    from ctlsupport.store.history import History

ANSWER_LOOKUPS = 20
HISTORY_BATCH = 100


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ListOptions:
    """What `list` was given."""

    status: str | None = None
    priority: str | None = None
    customer: str | None = None
    mine: bool = False
    limit: int | None = 30  # None: every request
    sort: str = "updated"
    offline: bool = False


def list_rows(opts: ListOptions, state: Session) -> Iterator[tracking.Row]:
    """The rows to show, newest first, as they arrive."""
    from ctlsupport.core import tracking

    if opts.sort not in tracking.SORTS:
        from ctlsupport.errors import UsageError

        raise UsageError("--sort must be updated or created")
    history = history_of(state)
    name = profile_name(state)
    wants_mine = opts.mine or not opts.offline
    mine_ids = history.mine(name) if history is not None and wants_mine else set()
    filters = tracking.Filters.build(
        opts.status, opts.priority, opts.customer, mine_ids if opts.mine else None
    )
    from ctlsupport.actions import mail_views

    # No API sign-in but a mailbox: the mailbox is read, the history answers.
    if opts.offline or mail_views.before_list(state, history.conn if history else None):
        rows = _offline_rows(state, history, name, filters, opts.sort)
    else:
        rows = _desk_rows(state, history, filters, opts.sort, mine_ids)
    return _take(rows, opts.limit)


def _take(rows: Iterator[tracking.Row], cap: int | None) -> Iterator[tracking.Row]:
    for count, row in enumerate(rows, start=1):
        yield row
        if cap is not None and count >= cap:
            return


def profile_name(state: Session) -> str:
    """The profile's name, without starting the embedded desk or requiring a profile."""
    from ctlsupport.config import settings
    from ctlsupport.errors import NotFound

    if state.sandbox:
        return settings.SANDBOX_PROFILE
    try:
        return state.profile().name
    except NotFound:
        return state.profile_name or state.settings().default_profile


def tier_of(state: Session) -> str:
    """The profile's support tier, without starting the embedded desk."""
    from ctlsupport.config import settings
    from ctlsupport.errors import NotFound

    try:
        if state.sandbox:
            saved = state.settings().profiles.get(settings.SANDBOX_PROFILE)
            return saved.tier if saved else "professional"
        return state.profile().tier
    except NotFound:
        return "professional"


def history_of(state: Session) -> History | None:
    """The local history, or None when it cannot be opened (the desk still answers)."""
    from ctlsupport.actions.records import local_history
    from ctlsupport.store import db
    from ctlsupport.store.history import History

    with local_history(state, "open", quiet=True):
        return History(db.connect())
    return None


def _desk_rows(
    state: Session,
    history: History | None,
    filters: tracking.Filters,
    sort: str,
    mine_ids: set[int],
) -> Iterator[tracking.Row]:
    """Rows as the desk's pages arrive; each page also refreshes the local history."""
    from ctlsupport.core import tracking

    profile = state.profile()
    client = state.client(profile)
    name = profile.name
    aliases = history.aliases(name) if history else {}
    replies = history.first_replies(name) if history else {}
    budget = [ANSWER_LOOKUPS]
    moment = now()
    requests_ = client.iter_requests(sort_by=f"{sort}_at")
    for batch in _batches(requests_, HISTORY_BATCH):
        written = {r.id: tracking.customer_alias(r.description) for r in batch}
        record(state, history, name, batch, written)
        for request in batch:
            alias = (
                written[request.id]
                or aliases.get(request.id)
                or aliases.get(request.followup_source_id or 0, "")  # a follow-up's customer
            )
            if not filters.keep(request, alias):
                continue
            row = tracking.row(
                request, tier=profile.tier, now=moment, alias=alias,
                answered=request.id in replies, mine=request.id in mine_ids,
            )  # fmt: skip
            # `open` (not `new`) means an agent has touched it: it may have been answered.
            if row.clock.running and request.status == "open":
                row = _check_answered(state, client, history, profile, row, budget, moment)
            yield row


def _check_answered(state, client, history, profile, row, budget, moment) -> tracking.Row:
    """An open request may have been answered already: ask the desk (within budget)."""
    from ctlsupport.core import tracking

    if budget[0] <= 0:
        return row
    budget[0] -= 1
    reply = client.first_agent_comment(row.request.id)
    if reply is None:
        return row
    set_first_reply(state, history, profile.name, row.request.id, reply.created_at)
    return tracking.row(row.request, tier=profile.tier, now=moment, alias=row.customer,
                        answered=True, mine=row.mine)  # fmt: skip


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def record(
    state: Session, history: History | None, name: str, requests_: list, written: dict[int, str]
) -> None:
    """Remember the desk's answer locally (for --mine, --offline and completion);
    `written`: the customer alias each request's body carries, by id."""
    from ctlsupport.actions.records import local_history

    if history is None:
        return
    with local_history(state, "requests seen", quiet=True):
        history.record_seen(name, requests_, alias_of=lambda r: written[r.id])
        from ctlsupport.actions.comment_mail import link_references
        from ctlsupport.store.mail_log import MailLog

        link_references(MailLog(history.conn), requests_)  # mailed tickets get their number


def set_first_reply(
    state: Session, history: History | None, name: str, request_id: int, at: str
) -> None:
    from ctlsupport.actions.records import local_history

    if history is not None:
        with local_history(state, "first reply", quiet=True):
            history.set_first_reply(name, request_id, at)


def _offline_rows(
    state: Session,
    history: History | None,
    name: str,
    filters: tracking.Filters,
    sort: str,
) -> Iterator[tracking.Row]:
    """Rows from the local history: what the desk said when last asked."""
    import json

    from ctlsupport.core import tracking
    from ctlsupport.model import Request

    if history is None:
        return
    tier = tier_of(state)
    moment = now()
    for stored in history.iter_known(name, sort=f"{sort}_at"):
        data = json.loads(stored["data"]) if stored["data"] else {}
        request = Request(**data) if data else _request_from_columns(stored)
        written = tracking.customer_alias(request.description)
        if not filters.keep(request, stored["customer_alias"] or written):
            continue
        row = tracking.row(
            request, tier=tier, now=moment, alias=written or stored["customer_alias"] or "",
            answered=stored["first_reply_at"] is not None, mine=bool(stored["submitted_here"]),
        )  # fmt: skip
        row.seen_at = stored["seen_at"]
        yield row


def _request_from_columns(stored) -> Request:
    from ctlsupport.model import Request

    return Request(
        id=stored["id"], subject=stored["subject"], status=stored["status"],
        priority=stored["priority"], type=stored["type"], description="",
        created_at=stored["created_at"] or "", updated_at=stored["updated_at"] or "",
        url="", web_url="",
    )  # fmt: skip
