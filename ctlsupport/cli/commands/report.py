"""`ctlsupport report`: whether the provider keeps its service levels, and how the team
works, over a period: flags in, the report action, then the view asked for."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from ctlsupport.cli.context import AppState

HELP = "Report service levels: first response, updates, restoration, escalations, weekly tickets."
EPILOG = (
    "Examples:\n\n"
    "  ctlsupport report\n\n"
    "  ctlsupport report --since 90d --by customer\n\n"
    "  ctlsupport report --from 2026-03-01 --to 2026-03-31 --tz Europe/Berlin\n\n"
    "  ctlsupport report --html report.html\n\n"
    "  ctlsupport report --csv > tickets.csv\n\n"
    "  ctlsupport --sandbox sandbox seed && ctlsupport --sandbox report"
)


def report(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="AGE", help="Tickets created in the last AGE: 30d, 12w, 48h."
        ),
    ] = None,
    first_day: Annotated[
        str | None,
        typer.Option("--from", metavar="YYYY-MM-DD", help="First day of the period (included)."),
    ] = None,
    last_day: Annotated[
        str | None,
        typer.Option("--to", metavar="YYYY-MM-DD", help="Last day of the period (included)."),
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz", metavar="ZONE", help="Time zone of days and weeks (default: this machine's)."
        ),
    ] = None,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            metavar="WHAT",
            help="Break down by priority, customer, engineer or datacenter.",
        ),
    ] = "priority",
    offline: Annotated[
        bool, typer.Option("--offline", help="Do not ask the desk: the local history only.")
    ] = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="One CSV row per ticket, with its figures.")
    ] = False,
    html: Annotated[
        Path | None,
        typer.Option("--html", metavar="FILE", help="Write the report as one self-contained page."),
    ] = None,
) -> None:
    from ctlsupport.actions.report import ReportOptions
    from ctlsupport.actions.report import report as run_report

    state: AppState = ctx.obj
    options = ReportOptions(since, first_day, last_day, tz, by.strip().lower(), offline)
    now = datetime.now(UTC)
    options.period(now)  # bad options fail here, before a profile or the desk is needed
    connect = state.client
    if _mail_only(state):  # no API access: the mailbox's notifications, synced locally
        connect = None
        state.out.note(
            "No API access: the report reads the local history that `ctlsupport sync` "
            "fills from the alias's mailbox (run it first for fresh figures)."
        )
    from ctlsupport.actions.tracking import profile_name, tier_of

    if not state.sandbox:
        state.profile()  # no profile: say so, with `setup`, rather than an empty report
    with _history(state) as conn:
        result = run_report(
            options, conn=conn, profile=profile_name(state), tier=tier_of(state),
            now=now, connect=connect, progress=_progress(state),
        )  # fmt: skip
    _render(state, result, html, as_csv)


def _render(state: AppState, result, html: Path | None, as_csv: bool) -> None:
    from ctlsupport.cli import report_view

    figures = result.report
    if not figures.tickets and not state.json:
        hint = " (fill the sandbox with `ctlsupport sandbox seed`)" if state.sandbox else ""
        state.out.note(f"No tickets were created in this period{hint}.")
    if html is not None:
        _write_page(state, figures, html)
    if state.json:
        state.out.result({"offline": result.offline, "requests_read": result.requests_read,
                          "threads_read": result.threads_read, **figures.as_data()})  # fmt: skip
    elif as_csv:
        report_view.csv_rows(figures)
    elif html is not None:
        return
    elif sys.stdout.isatty():
        report_view.terminal(state.out.console(), figures)
    else:
        report_view.tsv(figures)


def _write_page(state: AppState, figures, path: Path) -> None:
    from ctlsupport.core.report_page import page
    from ctlsupport.errors import UsageError

    text = page(figures)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--html: cannot write {path}: {exc.strerror or exc}") from None
    state.out.note(f"Report written to {path} (open it in a browser).")


def _mail_only(state: AppState) -> bool:
    """Whether the profile reaches the desk by email only (`auth = none`)."""
    from ctlsupport.errors import CtlError

    try:
        return state.profile().auth == "none"
    except CtlError:
        return False


def _history(state: AppState):
    """The local history the report is computed from; it must open."""
    import contextlib
    import sqlite3

    from ctlsupport.errors import CtlError
    from ctlsupport.store import db

    @contextlib.contextmanager
    def opened():
        try:
            conn = db.connect()
        except (OSError, sqlite3.Error) as exc:
            raise CtlError(f"cannot open the local history: {exc}") from None
        try:
            yield conn
        finally:
            conn.close()

    return opened()


def _progress(state: AppState):
    """Progress lines on stderr, only for a person at a terminal."""
    if not sys.stderr.isatty() or state.json:
        return None
    return lambda message: state.out.note(f"{message}...")
