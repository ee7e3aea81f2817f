"""`ctlsupport list` and `ctlsupport show`: the requests of this partner at the desk."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Annotated

import typer

from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import RequestId

LIST_HELP = "List your requests at the desk, most recently updated first."
SHOW_HELP = "Show one request: its fields and the public comment thread."


def list_requests(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most N.")] = 30,
    show_all: Annotated[bool, typer.Option("--all", help="Show every request.")] = False,
    sort: Annotated[
        str, typer.Option("--sort", help="Sort by updated or created (newest first).")
    ] = "updated",
) -> None:
    state: AppState = ctx.obj
    if sort not in ("updated", "created"):
        from ctlsupport.errors import UsageError

        raise UsageError("--sort must be updated or created")
    client = state.client()
    requests_ = []
    for request in client.iter_requests(sort_by=f"{sort}_at"):
        requests_.append(request)
        if not show_all and len(requests_) >= limit:
            break

    _seen(state, requests_)

    def human() -> None:
        if not sys.stdout.isatty():
            for r in requests_:
                row = [str(r.id), r.status, r.priority or "-", r.updated_at, r.subject]
                sys.stdout.write("\t".join(row) + "\n")
            return
        if not requests_:
            state.out.note("No requests yet. Open one with `ctlsupport open`.")
            return
        from rich.table import Table
        from rich.text import Text

        table = Table(box=None, header_style="bold")
        for column in ("ID", "SUBJECT", "STATUS", "PRIORITY", "UPDATED"):
            table.add_column(column)
        for r in requests_:
            table.add_row(str(r.id), Text(r.subject), r.status, r.priority or "-", r.updated_at)
        state.out.console().print(table)

    state.out.result({"requests": [asdict(r) for r in requests_]}, human)


def show_request(ctx: typer.Context, request_id: RequestId) -> None:
    state: AppState = ctx.obj
    client = state.client()
    request = client.get_request(request_id)
    comments = list(client.iter_comments(request_id))
    _seen(state, [request])

    def human() -> None:
        out = sys.stdout
        out.write(f"#{request.id} {request.subject}\n")
        out.write(
            f"status {request.status}  priority {request.priority or '-'}  "
            f"type {request.type or '-'}\n"
        )
        out.write(f"created {request.created_at}  updated {request.updated_at}\n")
        out.write(f"{request.web_url}\n")
        for comment in comments:
            out.write(f"\n--- {comment.author_name} at {comment.created_at}\n")
            out.write(comment.body.rstrip() + "\n")
            for attachment in comment.attachments:
                out.write(f"  [attachment] {attachment.file_name} ({attachment.size} bytes)\n")
        for esc in escalated:  # recorded here by `ctlsupport escalate`
            target = f"request #{esc.escalation_id}" if esc.escalation_id else esc.message_id
            out.write(f"\nEscalated {esc.created_at} by {esc.route} as {target}: {esc.reason}\n")

    from ctlsupport.store.escalations import escalations_for

    escalated = escalations_for(state.profile().name, request_id)
    data = {"request": asdict(request), "comments": [asdict(c) for c in comments]}
    data["escalations"] = [asdict(e) for e in escalated]
    state.out.result(data, human)


def _seen(state: AppState, requests_: list) -> None:
    """Remember the desk's answer locally (for --mine, --offline and completion)."""
    import sqlite3

    from ctlsupport.store import db
    from ctlsupport.store.history import History

    try:
        History(db.connect()).record_seen(state.profile().name, requests_)
    except (OSError, sqlite3.Error) as exc:
        state.out.debug_line(f"history not updated: {exc}")
