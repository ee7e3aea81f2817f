"""`ctlsupport list` and `ctlsupport show`: the requests of this partner at the desk,
with their first-response clocks (actions/tracking.py, actions/show.py; the views are in
cli/ticket_views.py)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ctlsupport.cli.completion import complete
from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import RequestId

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
    from ctlsupport.actions.tracking import ListOptions, list_rows
    from ctlsupport.cli.ticket_views import render_rows

    state: AppState = ctx.obj
    opts = ListOptions(status, priority, customer, mine, None if show_all else limit, sort, offline)
    render_rows(state, list_rows(opts, state), offline=offline)


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
    from ctlsupport.actions.show import show

    shown = show(request_id, state)

    def human() -> None:
        from ctlsupport.cli import ticket_views

        if sys.stdout.isatty():
            ticket_views.show_rich(state, shown)
        else:
            ticket_views.show_plain(shown)

    state.out.result(shown.data, human)


def _open_web(state: AppState, request_id: int) -> None:
    """The request's page at the desk, in the browser (no call to the desk needed)."""
    import webbrowser

    from ctlsupport.actions.show import web_url

    url = web_url(state, request_id)
    opened = webbrowser.open(url)
    if not opened:
        state.out.note(f"No browser could be started; open {url}")
    else:
        state.out.note(f"Opening {url}")
    state.out.result({"web_url": url, "opened": bool(opened)})
