"""`ctlsupport watch`: follow requests as they change, until Ctrl-C."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from ctlsupport.cli import complete
from ctlsupport.cli.context import AppState
from ctlsupport.errors import DeskError, DeskUnreachable, RateLimited, UsageError
from ctlsupport.exitcodes import ExitCode

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
UNTIL = ("change", "status", "priority", "comment")
# Polls never use more than this many desk calls per minute (plans allow 200-2500).
CALLS_PER_MINUTE = 120


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
    from ctlsupport.core import tracking

    state: AppState = ctx.obj
    if until is not None and until not in UNTIL:
        raise UsageError(f"--until must be one of {', '.join(UNTIL)}")
    client = state.client()
    watcher = Watcher(client, request_ids or None)
    backoff = tracking.Backoff(interval)
    if not state.json:
        what = f"{len(request_ids)} request(s)" if request_ids else "your requests"
        state.out.note(f"Watching {what} every {interval:g} s; Ctrl-C to stop.")
    looks = 0
    try:
        while True:
            calls_before = watcher.calls
            client.http.deadline.restart()  # each look has the whole deadline
            try:
                for change in watcher.poll():
                    _emit(state, change)
                    if until in ("change", change.kind):
                        return ExitCode.OK
                wait = backoff.after_success()
            except RateLimited as exc:
                wait = backoff.after_failure(exc.retry_after)
                state.out.note(f"the desk's rate limit is reached; next look in {wait:.0f} s")
            except (DeskUnreachable, DeskError) as exc:
                wait = backoff.after_failure(getattr(exc, "retry_after", None))
                state.out.note(f"{exc.message}; next look in {wait:.0f} s")
            looks += 1
            if count is not None and looks >= count:
                return ExitCode.OK
            # Stay within the rate budget however short the interval and long the list.
            wait = max(wait, (watcher.calls - calls_before) * 60 / CALLS_PER_MINUTE)
            time.sleep(wait)
    except KeyboardInterrupt:
        if not state.json:
            state.out.note("Stopped watching.")
        return ExitCode.INTERRUPTED


class Watcher:
    """Remembers the last look at each request and reports what changed since."""

    def __init__(self, client, request_ids: list[int] | None) -> None:
        self.client = client
        self.ids = request_ids
        self.seen: dict[int, tracking.Seen] = {}
        self.high_water = ""  # newest updated_at seen (watching everything)
        self.calls = 0
        self.first = True

    def poll(self) -> Iterator[tracking.Change]:
        """One look: the changes since the previous one (none on the first)."""
        from ctlsupport.core import tracking

        for request in self._requests():
            before = self.seen.get(request.id)
            if before is None:
                if request.status == "closed" and self.ids is None:
                    continue
                # The comments made since its last update: later looks check only those
                # (from `updated_at` on), so only ones not among these count as new.
                known = {c.id for c in self._comments_since(request.id, request.updated_at)}
                self.seen[request.id] = tracking.Seen(
                    request.status, request.priority, request.updated_at, known
                )
                if not self.first:
                    yield tracking.Change("new", request.id, request.subject, after=request.status)
                continue
            yield from tracking.changes(before, request)
            if request.updated_at != before.updated_at:
                yield from tracking.new_comments(
                    before, request, self._comments_since(request.id, before.updated_at)
                )
            before.status, before.priority = request.status, request.priority
            before.updated_at = request.updated_at
        self.first = False

    def _requests(self):
        if self.ids is not None:
            for request_id in self.ids:
                self.calls += 1
                yield self.client.get_request(request_id)
            return
        # Newest updates first: after the first look, stop at the first request not
        # updated since the previous look, so a quiet desk costs one call.
        newest = self.high_water
        self.calls += 1
        for index, request in enumerate(self.client.iter_requests(sort_by="updated_at")):
            if index and index % 100 == 0:
                self.calls += 1
            newest = max(newest, request.updated_at)
            if not self.first and request.updated_at < self.high_water:
                break
            yield request
        self.high_water = newest

    def _comments_since(self, request_id: int, since: str):
        """Public comments made since `since` (the desk gives newest first), oldest first."""
        found = []
        self.calls += 1
        for comment in self.client.iter_comments(request_id, newest_first=True):
            if comment.created_at < since:  # same second: kept, told apart by id
                break
            found.append(comment)
        return reversed(found)


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
