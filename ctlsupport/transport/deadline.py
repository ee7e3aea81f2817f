"""One overall deadline per command: every wait for the desk counts against it.

A desk that never answers, or trickles its answer a byte at a time, must not hold a
command for minutes. The time an upload body spends flowing is progress, not waiting,
and does not count; nor does time at a prompt. While a request is outstanding,
`on_wait` hears how long it has been waiting (the CLI prints it), every `tick` seconds.
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
    """The time one command may spend waiting for the desk, in total.

    Only waiting counts: time at a prompt is the person's, and time an upload body
    spends flowing is progress. Waits are `waiting()` blocks (and `sleep()`).
    """

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
        self._lock = threading.Lock()
        self._spent = 0.0
        self._since: float | None = None  # when the current (unpaused) wait began
        self._depth = 0
        self._paused = False

    def restart(self) -> None:
        """A fresh deadline, for a command that goes on looking (watch: one per look)."""
        with self._lock:
            self._spent = 0.0
            if self._since is not None:
                self._since = time.monotonic()

    def elapsed(self) -> float:
        """Seconds spent waiting so far."""
        with self._lock:
            current = time.monotonic() - self._since if self._since is not None else 0.0
            return self._spent + current

    def remaining(self) -> float:
        return self.seconds - self.elapsed()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def _stop_clock(self) -> None:
        if self._since is not None:
            self._spent += time.monotonic() - self._since
            self._since = None

    def pause(self) -> None:
        """An upload body is flowing: not waiting."""
        with self._lock:
            self._stop_clock()
            self._paused = True

    def resume(self) -> None:
        with self._lock:
            if self._paused:
                self._paused = False
                if self._depth:
                    self._since = time.monotonic()

    def sleep(self, seconds: float) -> None:
        """A pause between tries: waiting too."""
        with self.waiting("the desk", quiet=True):
            time.sleep(max(0.0, min(seconds, self.remaining())))

    @contextmanager
    def waiting(self, what: str, *, quiet: bool = False) -> Iterator[None]:
        """Count the time inside; tell `on_wait` every `tick` seconds that we still wait."""
        with self._lock:
            self._depth += 1
            if self._depth == 1 and not self._paused:
                self._since = time.monotonic()
        done = threading.Event()
        if self.on_wait is not None and not quiet:
            began = time.monotonic()
            threading.Thread(
                target=self._ticker, args=(what, began, done), name="ctlsupport-wait", daemon=True
            ).start()
        try:
            yield
        finally:
            done.set()
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    self._stop_clock()

    def _ticker(self, what: str, began: float, done: threading.Event) -> None:
        while not done.wait(self.tick):
            if self._paused:
                continue  # an upload is flowing: its progress bar speaks
            waited = time.monotonic() - began
            left = max(0.0, self.remaining())
            self.on_wait(  # type: ignore[misc]
                f"still waiting for {what} ({waited:.0f} s; giving up in {left:.0f} s)"
            )
