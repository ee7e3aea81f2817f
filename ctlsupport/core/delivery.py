"""Exactly-once creation over an unreliable desk: retry what surely failed, look before
resending what may have arrived.

The Requests API has no idempotency key (contract 6.5), so every submission carries a
client reference in its body. When an answer is lost (timeout, reset, 5xx), the desk is
searched for that reference before anything is sent again, and a request found is
adopted instead of duplicated.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ctlsupport.errors import DeskError, DeskUnreachable, DeskValidation, Queued, RateLimited

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds on one delivery: attempts, total time, and the backoff between tries."""

    attempts: int = 5
    total_seconds: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 8.0

    def backoff(self, attempt: int) -> float:
        return min(self.max_delay, self.base_delay * 2 ** (attempt - 1))

    @classmethod
    def from_env(cls) -> RetryPolicy:
        """CTLSUPPORT_RETRY_SECONDS bounds the time spent on one delivery (default 60)."""
        import os

        seconds = float(os.environ.get("CTLSUPPORT_RETRY_SECONDS", "60"))
        return cls(total_seconds=seconds)


DEFAULT_POLICY = RetryPolicy()


@dataclass
class Delivered(Generic[T]):
    """What the desk made of it (a request, a comment), and how it got there."""

    result: T
    adopted: bool
    attempts: int


def _retry_after(exc: RateLimited) -> float:
    value = getattr(exc, "retry_after", None)
    return float(value) if value is not None else 1.0


def deliver(
    create: Callable[[], T],
    find: Callable[[], T | None],
    *,
    policy: RetryPolicy = DEFAULT_POLICY,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[int, str, float], None] | None = None,
    tried_before: bool = False,
) -> Delivered[T]:
    """Make `create` happen exactly once, or raise Queued with the last reason.

    `find` looks for an earlier `create` at the desk (by the client reference it
    carries). `tried_before`: an earlier run may have sent it (it was killed, or lost
    the answer), so look at the desk first.
    """
    started = time.monotonic()
    maybe_arrived = tried_before
    reason = "not tried"
    for attempt in range(1, policy.attempts + 1):
        try:
            if maybe_arrived:
                found = find()
                if found is not None:
                    return Delivered(found, adopted=True, attempts=attempt - 1)
            return Delivered(create(), adopted=False, attempts=attempt)
        except DeskValidation:
            raise  # the desk refused the content: trying again cannot help
        except RateLimited as exc:  # refused before processing; an earlier doubt stays
            reason, wait = exc.message, _retry_after(exc)
        except DeskUnreachable as exc:
            maybe_arrived = maybe_arrived or exc.maybe_sent
            reason, wait = exc.message, policy.backoff(attempt)
        except DeskError as exc:  # 5xx or 409: may or may not have been committed
            maybe_arrived, reason = True, exc.message
            wait = max(policy.backoff(attempt), float(getattr(exc, "retry_after", 0) or 0))
        remaining = policy.total_seconds - (time.monotonic() - started)
        if attempt == policy.attempts or wait > remaining:
            break
        if on_retry:
            on_retry(attempt, reason, wait)
        sleep(wait)
    if maybe_arrived:
        try:
            found = find()
        except (DeskError, DeskUnreachable):
            found = None  # still unknown: the outbox keeps it, the next send looks again
        if found is not None:
            return Delivered(found, adopted=True, attempts=policy.attempts)
    raise Queued(
        f"not delivered: {reason}",
        hint="It is kept in the outbox; `ctlsupport outbox send` tries again.",
    )
