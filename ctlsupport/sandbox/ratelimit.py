"""A per-credential, per-minute request budget with Zendesk's headers (contract §6.4)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 60.0
EXCEEDED_TEXT = "Number of allowed API requests per minute exceeded"


@dataclass(frozen=True)
class Decision:
    """The outcome of one request against its bucket."""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        """Both header families seen in 2023-24 recordings, on every response."""
        return {
            "x-rate-limit": str(self.limit),
            "x-rate-limit-remaining": str(self.remaining),
            "ratelimit-limit": str(self.limit),
            "ratelimit-remaining": str(self.remaining),
            "ratelimit-reset": str(self.reset_seconds),
        }


class RateLimiter:
    """Fixed one-minute windows, one per credential, counted in memory."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str) -> Decision:
        """Count one request for `key` and say whether it may proceed."""
        now = self._clock()
        with self._lock:
            start, used = self._windows.get(key, (now, 0))
            if now - start >= WINDOW_SECONDS:
                start, used = now, 0
            allowed = used < self.per_minute
            if allowed:
                used += 1
            self._windows[key] = (start, used)
            if len(self._windows) > 10_000:  # forget idle credentials
                self._windows = {
                    k: v for k, v in self._windows.items() if now - v[0] < WINDOW_SECONDS
                }
        reset = max(1, math.ceil(start + WINDOW_SECONDS - now))
        return Decision(allowed, self.per_minute, max(0, self.per_minute - used), reset)
