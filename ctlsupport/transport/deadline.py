"""One overall deadline per command: every wait for the desk counts against it.

A desk that never answers, or trickles its answer a byte at a time, must not hold a
command for minutes. The time an upload body spends flowing is progress, not waiting,
and does not count. While a request is outstanding, `on_wait` hears how long it has
been waiting (the CLI prints it), every `tick` seconds.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

DEFAULT_SECONDS = 60.0
# Why a command waits: it says so after this long, then again every `tick` seconds.
TICK_SECONDS = 5.0


def seconds_from(value: str | float | None) -> float | None:
    """A deadline in seconds from a setting or variable; None when unset or invalid."""
    if value is None or value == "":
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if 0 < seconds <= 24 * 3600 else None


def default_seconds(setting: str | float | None = None) -> float:
    """CTLSUPPORT_DEADLINE, else the profile's `deadline` setting, else 60 s."""
    return (
        seconds_from(os.environ.get("CTLSUPPORT_DEADLINE"))
        or seconds_from(setting)
        or DEFAULT_SECONDS
    )


class Deadline:
    """The time left to one command, paused while an upload body is being sent."""

    def __init__(
        self,
        seconds: float = DEFAULT_SECONDS,
        *,
        on_wait: Callable[[str], None] | None = None,
        tick: float = TICK_SECONDS,
    ) -> None:
        self.seconds = seconds
        self.on_wait = on_wait
        self.tick = tick
        self._started = time.monotonic()
        self._paused_for = 0.0
        self._paused_at: float | None = None

    def elapsed(self) -> float:
        """Seconds counted so far (paused time excluded)."""
        now = self._paused_at if self._paused_at is not None else time.monotonic()
        return now - self._started - self._paused_for

    def remaining(self) -> float:
        return self.seconds - self.elapsed()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def pause(self) -> None:
        if self._paused_at is None:
            self._paused_at = time.monotonic()

    def resume(self) -> None:
        if self._paused_at is not None:
            self._paused_for += time.monotonic() - self._paused_at
            self._paused_at = None

    @contextmanager
    def waiting(self, what: str) -> Iterator[None]:
        """While inside, tell `on_wait` every `tick` seconds that we are still waiting."""
        if self.on_wait is None:
            yield
            return
        done = threading.Event()
        began = time.monotonic()

        def ticker() -> None:
            while not done.wait(self.tick):
                if self._paused_at is not None:
                    continue  # an upload is flowing: its progress bar speaks
                waited = time.monotonic() - began
                left = max(0.0, self.remaining())
                self.on_wait(  # type: ignore[misc]
                    f"still waiting for {what} ({waited:.0f} s; giving up in {left:.0f} s)"
                )

        thread = threading.Thread(target=ticker, name="ctlsupport-wait", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
