"""Injected failures, so clients can be tested against 503s, 500s, 409s and slow answers.

Set through `POST /sandbox/faults`; each fault applies to the next `count` API calls,
in order, and is kept in the server's memory only.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from .errors import Response, SandboxError, json_response, text_response
from .ratelimit import EXCEEDED_TEXT

STATUSES = (409, 429, 500, 503)
MAX_DELAY_SECONDS = 120.0


@dataclass
class Fault:
    """One planned failure: an HTTP status (or None to answer normally) after a delay."""

    status: int | None
    count: int = 1
    retry_after: int | None = None
    delay_seconds: float = 0.0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        """Validate an admin request body."""
        status = data.get("status")
        if status is not None and status not in STATUSES:
            raise SandboxError(f"status must be one of {STATUSES} or null")
        count = data.get("count", 1)
        if not isinstance(count, int) or count < 1:
            raise SandboxError("count must be a positive integer")
        retry_after = data.get("retry_after")
        if retry_after is not None and (not isinstance(retry_after, int) or retry_after < 0):
            raise SandboxError("retry_after must be a non-negative integer or null")
        delay = data.get("delay_seconds", 0)
        if not isinstance(delay, int | float) or not 0 <= delay <= MAX_DELAY_SECONDS:
            raise SandboxError(f"delay_seconds must be between 0 and {MAX_DELAY_SECONDS}")
        if status is None and not delay:
            raise SandboxError("a fault needs a status or a delay")
        return cls(status, count, retry_after, float(delay))

    def response(self) -> Response | None:
        """The injected answer, or None to let the call proceed normally."""
        headers = {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}
        if self.status == 503:
            return text_response(503, "Service Unavailable", headers=headers)
        if self.status == 429:
            return text_response(429, EXCEEDED_TEXT, headers={"Retry-After": "1", **headers})
        if self.status == 409:
            payload = {"error": "Conflict", "description": "Simultaneous update, please retry"}
            return json_response(409, payload, headers=headers)
        if self.status == 500:
            payload = {"error": "InternalError", "description": "Injected by the sandbox"}
            return json_response(500, payload, headers=headers)
        return None


class FaultQueue:
    """Thread-safe queue of planned faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> int:
        """Queue a fault; return how many calls are now affected."""
        with self._lock:
            self._faults.append(fault)
            return sum(f.count for f in self._faults)

    def clear(self) -> None:
        """Drop every planned fault."""
        with self._lock:
            self._faults.clear()

    def take(self) -> Fault | None:
        """The fault for the current call, if any."""
        with self._lock:
            if not self._faults:
                return None
            fault = self._faults[0]
            fault.count -= 1
            if fault.count <= 0:
                self._faults.pop(0)
            return fault

    def apply(self) -> Response | None:
        """Sleep for the next fault's delay and return its injected answer, if any."""
        fault = self.take()
        if fault is None:
            return None
        if fault.delay_seconds:
            time.sleep(fault.delay_seconds)
        return fault.response()


# Kinds of random fault, each with its own rate (a chance per API call).
RATE_KINDS = ("429", "500", "503", "slow", "reset", "drop", "late", "slowupload")


def spread(total: float) -> dict[str, float]:
    """`--faults RATE`: every kind together at that total rate."""
    if not 0 <= total <= 1:
        raise SandboxError("a fault rate must be between 0 and 1")
    return {kind: total / len(RATE_KINDS) for kind in RATE_KINDS}


class FaultDice:
    """Random faults at configured rates, for reliability runs and benchmarks.

    `reset` drops the connection before the call is processed (nothing happened);
    `drop` processes the call, commits it, then drops the connection (the answer is
    lost); `slow` processes the call at once and answers after `slow_seconds` (past a
    client's timeout: the answer comes too late, the change is already made); `late`
    waits `slow_seconds` first, then commits and answers (the change is made after the
    client gave up, while it may already be looking for it); `slowupload` holds an
    upload for `upload_seconds` before taking it (a slow link; other calls are not
    affected), longer than a sender's outbox lease in the reliability run.
    """

    def __init__(
        self,
        rates: dict[str, float],
        slow_seconds: float,
        seed: int | None = None,
        upload_seconds: float | None = None,
    ) -> None:
        import random

        unknown = set(rates) - set(RATE_KINDS)
        if unknown:
            raise SandboxError(f"unknown fault kinds: {', '.join(sorted(unknown))}")
        if sum(rates.values()) > 1 or any(r < 0 for r in rates.values()):
            raise SandboxError("fault rates must be >= 0 and add up to at most 1")
        self._lock = threading.Lock()
        self.rates = dict(rates)
        self.slow_seconds = slow_seconds
        self.upload_seconds = slow_seconds if upload_seconds is None else upload_seconds
        self._random = random.Random(seed)
        self.counts: dict[str, int] = dict.fromkeys(RATE_KINDS, 0)

    def roll(self) -> str | None:
        """The fault kind for this call, or None."""
        with self._lock:
            draw = self._random.random()
            for kind in RATE_KINDS:
                draw -= self.rates.get(kind, 0.0)
                if draw < 0:
                    self.counts[kind] += 1
                    return kind
        return None

    def cancel(self, kind: str) -> None:
        """A rolled fault that does not apply to this call (a slow upload on a read)."""
        with self._lock:
            self.counts[kind] -= 1

    def before(self, kind: str | None) -> Response | None:
        """The answer that replaces processing, for the kinds that do; the kinds that
        delay processing wait here."""
        if kind == "late":
            time.sleep(self.slow_seconds)
        elif kind == "slowupload":
            time.sleep(self.upload_seconds)
        if kind in ("429", "500", "503"):
            return Fault(int(kind), retry_after=1 if kind != "500" else None).response()
        if kind == "reset":
            return Response(0, drop="reset")
        return None

    def after(self, kind: str | None, response: Response) -> Response:
        """Spoil a processed call's answer, for the kinds that do."""
        if kind == "drop":
            response.drop = "close"  # committed, but the client never hears of it
        elif kind == "slow":
            time.sleep(self.slow_seconds)
        return response
