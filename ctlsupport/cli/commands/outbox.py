"""`ctlsupport outbox` and `ctlsupport drafts`: what was typed but not (yet) delivered."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ctlsupport.cli.context import AppState

app = typer.Typer(
    help="Submissions kept until the desk confirms them: list, send again, drop.",
    no_args_is_help=True,
)
drafts_app = typer.Typer(
    help="Interrupted tickets and comments: list, drop (resume with open --resume).",
    no_args_is_help=True,
)


@app.command("list")
def list_items(
    ctx: typer.Context,
    include_sent: Annotated[
        bool, typer.Option("--sent", help="Also show delivered items.")
    ] = False,
) -> None:
    """List queued (and with --sent, delivered) submissions."""
    from ctlsupport.cli.local_views import outbox_list

    outbox_list(ctx.obj, include_sent=include_sent)


@app.command("send")
def send_items(
    ctx: typer.Context,
    item_id: Annotated[int | None, typer.Argument(help="One item (default: all queued).")] = None,
) -> None:
    """Send queued submissions again (each exactly once)."""
    from ctlsupport.actions.delivery import send_pending

    state: AppState = ctx.obj
    report = send_pending(state, item_id=item_id)

    def human() -> None:
        for line in report.lines:
            sys.stdout.write(line + "\n")
        if not report.lines:
            state.out.note("Nothing to send.")

    if report.failed:  # one error (the report in its details), not a result and an error
        from ctlsupport.errors import Queued

        if not state.json:
            human()
        first = report.failed[0]
        raise Queued(
            f"{len(report.failed)} item(s) not delivered (item {first['outbox_id']}: "
            f"{first['error']})",
            hint="See `ctlsupport outbox list`; they stay queued.",
            details=report.as_data(),
        )
    state.out.result(report.as_data(), human)


@app.command("drop")
def drop_item(
    ctx: typer.Context,
    item_id: Annotated[int, typer.Argument(help="The outbox item to forget.")],
) -> None:
    """Forget a queued submission for good."""
    state: AppState = ctx.obj
    from ctlsupport.cli.local_views import open_outbox

    item = open_outbox().drop(item_id)
    state.out.result(
        {"dropped": item.id},
        lambda: sys.stdout.write(
            f"Dropped outbox item {item.id}: {item.payload.get('subject', '')}\n"
        ),
    )


@drafts_app.command("list")
def list_drafts(ctx: typer.Context) -> None:
    """List saved drafts."""
    from ctlsupport.cli.local_views import drafts_list

    drafts_list(ctx.obj)


@drafts_app.command("drop")
def drop_draft(
    ctx: typer.Context,
    draft_id: Annotated[int, typer.Argument(help="The draft to delete.")],
) -> None:
    """Delete a draft."""
    from ctlsupport.store import db
    from ctlsupport.store.drafts import Drafts

    state: AppState = ctx.obj
    Drafts(db.connect()).drop(draft_id)
    state.out.result({"dropped": draft_id}, lambda: sys.stdout.write(f"Dropped draft {draft_id}\n"))
