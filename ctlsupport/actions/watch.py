"""Watch requests and report each change (status, priority, new public comments) as it
is seen, within the desk's rate budget, until told to stop."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ctlsupport.errors import DeskError, DeskUnreachable, RateLimited, UsageError
from ctlsupport.exitcodes import ExitCode

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session
    from ctlsupport.core import tracking

UNTIL = ("change", "status", "priority", "comment")
# Polls never use more than this many desk calls per minute (plans allow 200-2500).
CALLS_PER_MINUTE = 120


@dataclass
class WatchOptions:
    """What `watch` was given."""

    request_ids: list[int] = field(default_factory=list)
    interval: float = 30.0
    count: int | None = None
    until: str | None = None
    quiet: bool = False  # no notes (a script reads the changes)


def watch(opts: WatchOptions, state: Session, on_change: Callable[[tracking.Change], None]) -> int:
    """Look at the desk every `interval` seconds and hand each change to `on_change`;
    the exit code (OK, or INTERRUPTED after Ctrl-C)."""
    from ctlsupport.core import tracking

    if opts.until is not None and opts.until not in UNTIL:
        raise UsageError(f"--until must be one of {', '.join(UNTIL)}")
    from ctlsupport.actions import mail_views

    mail_profile = mail_views.mailbox_profile(state)
    if mail_profile is not None:  # no API sign-in: the mailbox, with IMAP IDLE
        return mail_views.watch(
            state, mail_profile, on_change, request_ids=opts.request_ids,
            interval=opts.interval, count=opts.count, until=opts.until, quiet=opts.quiet,
        )  # fmt: skip
    client = state.client()
    watcher = Watcher(client, opts.request_ids or None)
    backoff = tracking.Backoff(opts.interval)
    if not opts.quiet:
        what = f"{len(opts.request_ids)} request(s)" if opts.request_ids else "your requests"
        state.notes.note(f"Watching {what} every {opts.interval:g} s; Ctrl-C to stop.")
    looks = 0
    try:
        while True:
            calls_before = watcher.calls
            client.http.deadline.restart()  # each look has the whole deadline
            try:
                for change in watcher.poll():
                    on_change(change)
                    if opts.until in ("change", change.kind):
                        return ExitCode.OK
                wait = backoff.after_success()
            except RateLimited as exc:
                wait = backoff.after_failure(exc.retry_after)
                state.notes.note(f"the desk's rate limit is reached; next look in {wait:.0f} s")
            except (DeskUnreachable, DeskError) as exc:
                wait = backoff.after_failure(getattr(exc, "retry_after", None))
                state.notes.note(f"{exc.message}; next look in {wait:.0f} s")
            looks += 1
            if opts.count is not None and looks >= opts.count:
                return ExitCode.OK
            # Stay within the rate budget however short the interval and long the list.
            wait = max(wait, (watcher.calls - calls_before) * 60 / CALLS_PER_MINUTE)
            time.sleep(wait)
    except KeyboardInterrupt:
        if not opts.quiet:
            state.notes.note("Stopped watching.")
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
