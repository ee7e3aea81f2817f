"""`ctlsupport list` and `ctlsupport show`: the requests of this partner at the desk,
with their first-response clocks."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from ctlsupport.cli import complete
from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import RequestId

if TYPE_CHECKING:
    from ctlsupport.core import tracking
    from ctlsupport.model import Request
    from ctlsupport.store.history import History

LIST_HELP = "List your requests with their first-response clocks, most recently updated first."
LIST_EPILOG = (
    "Examples:\n\n"
    "  ctlsupport list --status open --priority high\n\n"
    "  ctlsupport list --customer ACME --all | cut -f1,7\n\n"
    "  ctlsupport --json list --all\n\n"
    "  ctlsupport list --offline"
)
SHOW_HELP = "Show one request: every field, its service-level clocks and the public thread."
SHOW_EPILOG = "Examples:\n\n  ctlsupport show 1042\n\n  ctlsupport show 1042 --web"
# At most this many open requests per `list` are checked for a first answer from the
# provider (one small call each); answers found are kept in the local history.
ANSWER_LOOKUPS = 20
HISTORY_BATCH = 100


def _now() -> datetime:
    return datetime.now(UTC)


def list_requests(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            "-s",
            metavar="STATUS",
            autocompletion=complete.list_statuses,
            help="open, pending, solved, closed or all (default: all but closed).",
        ),
    ] = None,
    priority: Annotated[
        str | None,
        typer.Option(
            "--priority",
            help="Only this priority.",
            autocompletion=complete.priorities,
            metavar="PRIORITY",
        ),
    ] = None,
    customer: Annotated[
        str | None,
        typer.Option(
            "--customer",
            help="Only this customer account alias.",
            autocompletion=complete.customers,
            metavar="ALIAS",
        ),
    ] = None,
    mine: Annotated[
        bool, typer.Option("--mine", help="Only requests submitted from this machine.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most N.")] = 30,
    show_all: Annotated[bool, typer.Option("--all", help="Show every request.")] = False,
    sort: Annotated[
        str, typer.Option("--sort", help="Sort by updated or created (newest first).")
    ] = "updated",
    offline: Annotated[
        bool,
        typer.Option(
            "--offline", help="Do not ask the desk: the last known state from local history."
        ),
    ] = False,
) -> None:
    from ctlsupport.core import tracking

    state: AppState = ctx.obj
    if sort not in tracking.SORTS:
        from ctlsupport.errors import UsageError

        raise UsageError("--sort must be updated or created")
    history = _history(state)
    name = _profile_name(state)
    mine_ids = history.mine(name) if history is not None and (mine or not offline) else set()
    filters = tracking.Filters.build(status, priority, customer, mine_ids if mine else None)
    cap = None if show_all else limit
    if offline:
        rows = _offline_rows(state, history, name, filters, sort)
    else:
        rows = _desk_rows(state, history, filters, sort, mine_ids)
    _render_rows(state, _take(rows, cap), offline=offline)


def _take(rows: Iterator[tracking.Row], cap: int | None) -> Iterator[tracking.Row]:
    for count, row in enumerate(rows, start=1):
        yield row
        if cap is not None and count >= cap:
            return


def _profile_name(state: AppState) -> str:
    """The profile's name, without starting the embedded desk or requiring a profile."""
    from ctlsupport.config import settings
    from ctlsupport.errors import NotFound

    if state.sandbox:
        return settings.SANDBOX_PROFILE
    try:
        return state.profile().name
    except NotFound:
        return state.profile_name or state.settings().default_profile


def _tier(state: AppState) -> str:
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


def _history(state: AppState) -> History | None:
    """The local history, or None when it cannot be opened (the desk still answers)."""
    from ctlsupport.actions.records import local_history
    from ctlsupport.store import db
    from ctlsupport.store.history import History

    with local_history(state, "open", quiet=True):
        return History(db.connect())
    return None


def _desk_rows(
    state: AppState,
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
    now = _now()
    requests_ = client.iter_requests(sort_by=f"{sort}_at")
    for batch in _batches(requests_, HISTORY_BATCH):
        written = {r.id: tracking.customer_alias(r.description) for r in batch}
        _record(state, history, name, batch, written)
        for request in batch:
            alias = (
                written[request.id]
                or aliases.get(request.id)
                or aliases.get(request.followup_source_id or 0, "")  # a follow-up's customer
            )
            if not filters.keep(request, alias):
                continue
            row = tracking.row(
                request, tier=profile.tier, now=now, alias=alias,
                answered=request.id in replies, mine=request.id in mine_ids,
            )  # fmt: skip
            # `open` (not `new`) means an agent has touched it: it may have been answered.
            if row.clock.running and request.status == "open":
                row = _check_answered(state, client, history, profile, row, budget, now)
            yield row


def _check_answered(state, client, history, profile, row, budget, now) -> tracking.Row:
    """An open request may have been answered already: ask the desk (within budget)."""
    from ctlsupport.core import tracking

    if budget[0] <= 0:
        return row
    budget[0] -= 1
    reply = client.first_agent_comment(row.request.id)
    if reply is None:
        return row
    _set_first_reply(state, history, profile.name, row.request.id, reply.created_at)
    return tracking.row(row.request, tier=profile.tier, now=now, alias=row.customer,
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


def _record(
    state: AppState, history: History | None, name: str, requests_: list, written: dict[int, str]
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


def _set_first_reply(
    state: AppState, history: History | None, name: str, request_id: int, at: str
) -> None:
    from ctlsupport.actions.records import local_history

    if history is not None:
        with local_history(state, "first reply", quiet=True):
            history.set_first_reply(name, request_id, at)


def _offline_rows(
    state: AppState,
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
    tier = _tier(state)
    now = _now()
    for stored in history.iter_known(name, sort=f"{sort}_at"):
        data = json.loads(stored["data"]) if stored["data"] else {}
        request = Request(**data) if data else _request_from_columns(stored)
        written = tracking.customer_alias(request.description)
        if not filters.keep(request, stored["customer_alias"] or written):
            continue
        row = tracking.row(
            request, tier=tier, now=now, alias=written or stored["customer_alias"] or "",
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


# -- rendering -------------------------------------------------------------------------


def _render_rows(state: AppState, rows: Iterator[tracking.Row], *, offline: bool) -> None:
    if state.json:
        _json_rows(state, rows, offline)
    elif sys.stdout.isatty():
        _table(state, list(rows), offline)
    else:
        _plain(state, rows, offline)


def _row_data(row: tracking.Row, offline: bool) -> dict:
    data = row.as_data()
    if offline:
        data["seen_at"] = row.seen_at
    return data


def _json_rows(state: AppState, rows: Iterator[tracking.Row], offline: bool) -> None:
    """One envelope, built in a spooled file: flat memory, and never half an envelope on
    stdout when a later page fails (the error envelope is printed instead)."""
    import json
    import shutil
    import tempfile

    with tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8") as spool:
        spool.write('{"ok": true, "data": {"offline": ' + json.dumps(offline) + ', "requests": [')
        count = 0
        for row in rows:
            spool.write(("," if count else "") + "\n  ")
            spool.write(json.dumps(_row_data(row, offline), ensure_ascii=False))
            count += 1
        spool.write(f'\n], "count": {count}}}}}\n')
        spool.seek(0)
        shutil.copyfileobj(spool, sys.stdout)
    sys.stdout.flush()


def _iso(moment: datetime | None) -> str:
    from ctlsupport.store.db import stamp

    return stamp(moment) if moment else "-"


def _cell(text: str | None) -> str:
    """One tab-separated cell: no tabs or line breaks inside."""
    return " ".join((text or "-").split()) or "-"


def _plain(state: AppState, rows: Iterator[tracking.Row], offline: bool) -> None:
    """Stable tab-separated columns for scripts: id, subject, customer, priority, status,
    created (ISO 8601), first-response state, first-response due (ISO 8601)."""
    count = 0
    for row in rows:
        r = row.request
        cells = [
            str(r.id), _cell(r.subject), _cell(row.customer), _cell(r.priority),
            _cell(r.status), _cell(r.created_at), row.clock.state, _iso(row.clock.due),
        ]  # fmt: skip
        sys.stdout.write("\t".join(cells) + "\n")
        count += 1
    sys.stdout.flush()
    if offline:
        state.out.note(f"(offline: last known state of {count} request(s) from local history)")


STATE_STYLES = {"breached": "bold red", "due soon": "yellow", "on track": "green"}


def _relative(due: datetime | None, now: datetime) -> str:
    from ctlsupport.core import tracking

    if due is None:
        return ""
    seconds = int((due - now).total_seconds())
    text = tracking.age_text(abs(seconds))
    return f"in {text}" if seconds >= 0 else f"{text} ago"


def _table(state: AppState, rows: list[tracking.Row], offline: bool) -> None:
    if not rows:
        state.out.note("No requests match." if not offline else "No requests in the local history.")
        return
    from rich.table import Table
    from rich.text import Text

    from ctlsupport.core import tracking

    now = _now()
    title = "Last known state (offline, from local history)" if offline else None
    table = Table(box=None, header_style="bold", title=title, title_justify="left")
    for column in ("ID", "SUBJECT", "CUSTOMER", "PRIORITY", "STATUS", "AGE", "FIRST RESPONSE"):
        table.add_column(column, overflow="fold" if column == "SUBJECT" else None)
    for row in rows:
        r, clock = row.request, row.clock
        sla = Text(clock.state, style=STATE_STYLES.get(clock.state, "dim"))
        if clock.running and clock.due is not None:
            local = clock.due.astimezone().strftime("%a %H:%M")
            sla.append(f" {local} ({_relative(clock.due, now)})")
        table.add_row(
            str(r.id), Text(r.subject), row.customer or "-", r.priority or "-", r.status,
            tracking.age_text(row.age_seconds), sla,
        )  # fmt: skip
    state.out.console().print(table)


# -- show ------------------------------------------------------------------------------


def show_request(
    ctx: typer.Context,
    request_id: RequestId,
    web: Annotated[bool, typer.Option("--web", help="Open the request in the browser.")] = False,
) -> None:
    state: AppState = ctx.obj
    if web:
        _open_web(state, request_id)
        return
    from ctlsupport.actions.records import local_history
    from ctlsupport.core import tracking
    from ctlsupport.store.escalations import Escalations

    profile = state.profile()
    client = state.client(profile)
    request = client.get_request(request_id)
    comments = list(client.iter_comments(request_id))
    history = _history(state)  # one connection for everything local
    alias = tracking.customer_alias(request.description)
    _record(state, history, profile.name, [request], {request.id: alias})
    first_reply = next((c for c in comments if c.author_id != request.requester_id), None)
    if first_reply is not None:
        _set_first_reply(state, history, profile.name, request.id, first_reply.created_at)
    escalated = []
    if history is not None:
        with local_history(state, "aliases and escalations", quiet=True):
            alias = alias or history.aliases(profile.name).get(request.id, "")
            escalated = Escalations(history.conn).for_ticket(profile.name, request_id)
    row = tracking.row(
        request, tier=profile.tier, now=_now(), alias=alias, answered=first_reply is not None
    )
    panel = _sla_panel(row, profile.tier, first_reply)
    data = {
        "request": asdict(request),
        "customer_alias": row.customer or None,
        "sla": panel,
        "comments": [asdict(c) for c in comments],
        "escalations": [asdict(e) for e in escalated],
    }

    def human() -> None:
        if sys.stdout.isatty():
            _show_rich(state, request, row, panel, comments, escalated)
        else:
            _show_plain(request, row, panel, comments, escalated)

    state.out.result(data, human)


def _sla_panel(row: tracking.Row, tier: str, first_reply) -> dict:
    from ctlsupport.core import priority, sla, tracking

    r = row.request
    found = priority.target(tier, r.priority or "normal")
    restore = sla.restoration_due(r.created_at, tier, r.priority)
    return {
        **tracking.clock_data(row.clock),
        "tier": tier,
        "first_reply_at": first_reply.created_at if first_reply else None,
        "updates": found.updates if found else None,
        "restoration": found.restoration if found else None,
        "restoration_due": _iso(restore) if restore else None,
    }


def _show_plain(request, row, panel, comments, escalated) -> None:
    out = sys.stdout
    out.write(f"#{request.id} {request.subject}\n")
    out.write(
        f"status {request.status}  priority {request.priority or '-'}  "
        f"type {request.type or '-'}  customer {row.customer or '-'}\n"
    )
    out.write(f"created {request.created_at}  updated {request.updated_at}\n")
    if request.followup_source_id:
        out.write(f"follow-up of #{request.followup_source_id}\n")
    out.write(f"{request.web_url}\n")
    out.write(
        f"first response ({panel['tier']}, {panel['target']}): {panel['state']}, "
        f"due {panel['first_response_due'] or '-'}"
        + (f", answered {panel['first_reply_at']}" if panel["first_reply_at"] else "")
        + "\n"
    )
    if panel["updates"]:
        out.write(
            f"updates {panel['updates']}; restoration {panel['restoration']}"
            f" (target {panel['restoration_due'] or '-'})\n"
        )
    out.write(f"can be solved by you: {'yes' if request.can_be_solved_by_me else 'no'}\n")
    for comment in comments:
        out.write(f"\n--- {comment.author_name} at {comment.created_at}\n")
        out.write(comment.body.rstrip() + "\n")
        for attachment in comment.attachments:
            out.write(f"  [attachment] {attachment.file_name} ({_size(attachment.size)})\n")
    for esc in escalated:  # recorded here by `ctlsupport escalate`
        target = f"request #{esc.escalation_id}" if esc.escalation_id else esc.message_id
        out.write(f"\nEscalated {esc.created_at} by {esc.route} as {target}: {esc.reason}\n")


def _size(size: int) -> str:
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def _local(text: str) -> str:
    from ctlsupport.core.escalation import parse_time

    return parse_time(text).astimezone().strftime("%Y-%m-%d %H:%M %Z") if text else "-"


def _show_rich(state: AppState, request, row, panel, comments, escalated) -> None:
    from rich.panel import Panel
    from rich.text import Text

    console = state.out.console()
    head = Text(f"#{request.id} ", style="bold")
    head.append(request.subject, style="bold")
    console.print(head)
    console.print(
        f"status {request.status}   priority {request.priority or '-'}   "
        f"type {request.type or '-'}   customer {row.customer or '-'}",
        markup=False,
    )
    console.print(
        f"created {_local(request.created_at)}   updated {_local(request.updated_at)}",
        markup=False,
    )
    if request.followup_source_id:
        console.print(f"follow-up of #{request.followup_source_id}", markup=False)
    console.print(request.web_url, markup=False)
    state_text = Text(panel["state"], style=STATE_STYLES.get(panel["state"], "dim"))
    due = row.clock.due.astimezone().strftime("%a %Y-%m-%d %H:%M %Z") if row.clock.due else "-"
    lines = Text.assemble(
        f"First response ({panel['tier']}, {panel['target']}): ", state_text, f", due {due}"
    )
    if panel["first_reply_at"]:
        lines.append(f", answered {_local(panel['first_reply_at'])}")
    if panel["updates"]:
        lines.append(f"\nUpdates: {panel['updates']}\nRestoration: {panel['restoration']}")
        if panel["restoration_due"]:
            lines.append(f" (target {_local(panel['restoration_due'])})")
    lines.append(f"\nCan be solved by you: {'yes' if request.can_be_solved_by_me else 'no'}")
    console.print(Panel(lines, title="Service level", title_align="left", expand=False))
    for comment in comments:
        who = "you" if comment.author_id == request.requester_id else "provider"
        console.print(
            Text(f"\n{comment.author_name} ({who}) - {_local(comment.created_at)}", style="bold")
        )
        console.print(Text(comment.body.rstrip()))
        for attachment in comment.attachments:
            console.print(Text(f"  attachment: {attachment.file_name} ({_size(attachment.size)})"))
    for esc in escalated:
        target = f"request #{esc.escalation_id}" if esc.escalation_id else esc.message_id
        console.print(
            Text(f"\nEscalated {esc.created_at} by {esc.route} as {target}: {esc.reason}")
        )


def _open_web(state: AppState, request_id: int) -> None:
    """The request's page at the desk, in the browser (no call to the desk needed)."""
    import webbrowser

    url = f"{state.profile().desk_url.rstrip('/')}/hc/requests/{request_id}"
    opened = webbrowser.open(url)
    if not opened:
        state.out.note(f"No browser could be started; open {url}")
    else:
        state.out.note(f"Opening {url}")
    state.out.result({"web_url": url, "opened": bool(opened)})
