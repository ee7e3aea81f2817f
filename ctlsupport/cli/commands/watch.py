"""`ctlsupport watch`: follow requests as they change, until Ctrl-C."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from ctlsupport.cli.completion import complete
from ctlsupport.cli.context import AppState

if TYPE_CHECKING:
    from ctlsupport.core import tracking

HELP = "Watch requests and print each change: status, priority, new public comments."
EPILOG = (
    "Without ids, every request that is not closed is watched. The terminal bell rings "
    "on a new comment from the provider. Stop with Ctrl-C (exit code 130).\n\n"
    "Examples:\n\n"
    "  ctlsupport watch\n\n"
    "  ctlsupport watch 1042 1043 --interval 60\n\n"
    "  ctlsupport --json watch 1042 --until comment | jq .comment.body"
)


def watch(
    ctx: typer.Context,
    request_ids: Annotated[
        list[int] | None,
        typer.Argument(
            help="Requests to watch (default: all not closed).",
            autocompletion=complete.request_ids,
        ),
    ] = None,
    interval: Annotated[
        float,
        typer.Option("--interval", "-i", min=0.1, help="Seconds between looks at the desk."),
    ] = 30.0,
    count: Annotated[
        int | None, typer.Option("--count", min=1, help="Stop after N looks at the desk.")
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="EVENT",
            help="Stop after the first change of this kind: change, status, priority, comment.",
        ),
    ] = None,
) -> int:
    from ctlsupport.actions.watch import WatchOptions
    from ctlsupport.actions.watch import watch as run_watch

    state: AppState = ctx.obj
    opts = WatchOptions(list(request_ids or []), interval, count, until, quiet=state.json)
    return run_watch(opts, state, lambda change: _emit(state, change))


def _emit(state: AppState, change: tracking.Change) -> None:
    """One change: a JSON line, or a line (and the comment text) for people."""
    from ctlsupport.store.db import stamp

    at = stamp()
    if state.json:
        sys.stdout.write(json.dumps({"at": at, **change.as_data()}, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return
    tty = sys.stdout.isatty()
    when = datetime.now().strftime("%H:%M:%S") if tty else at
    head = f"{when}\t#{change.request_id}\t"
    if change.kind in ("status", "priority"):
        line = f"{head}{change.kind} {change.before or '-'} -> {change.after or '-'}"
    elif change.kind == "new":
        line = f"{head}new request ({change.after}): {change.subject}"
    else:
        c = change.comment
        assert c is not None
        who = "provider" if change.from_provider else "you"
        line = f"{head}comment from {c.author_name} ({who})"
        body = "\n".join(f"    {part}" for part in c.body.rstrip().splitlines())
        line += "\n" + body
        for attachment in c.attachments:
            line += f"\n    [attachment] {attachment.file_name} ({attachment.size} bytes)"
        if change.from_provider and tty:
            line = "\a" + line  # the bell: the provider answered
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
