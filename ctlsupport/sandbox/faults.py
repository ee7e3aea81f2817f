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
