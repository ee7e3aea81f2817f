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
    """Bounds on one delivery: attempts, total time, the backoff between tries, and how
    long a send in doubt may still be under way at the desk (`settle_seconds`)."""

    attempts: int = 5
    total_seconds: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 8.0
    settle_seconds: float = 60.0

    def backoff(self, attempt: int) -> float:
        return min(self.max_delay, self.base_delay * 2 ** (attempt - 1))

    @classmethod
    def from_env(cls) -> RetryPolicy:
        """CTLSUPPORT_RETRY_SECONDS bounds the time spent on one delivery (default 60);
        a send that timed out is waited out for twice the HTTP timeout (the desk may
        commit it late), or CTLSUPPORT_SETTLE_SECONDS."""
        import os

        seconds = float(os.environ.get("CTLSUPPORT_RETRY_SECONDS", "60"))
        settle = 2 * float(os.environ.get("CTLSUPPORT_HTTP_TIMEOUT", "30"))
        settle = float(os.environ.get("CTLSUPPORT_SETTLE_SECONDS", settle))
        return cls(total_seconds=seconds, settle_seconds=settle)


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


class _Doubt:
    """Whether an earlier send may have reached the desk, and since when it may still
    be under way there (a timed-out send can be committed after we gave up on it)."""

    def __init__(self, tried_before: bool, since: float | None, settle: float) -> None:
        self.maybe = tried_before
        self.since = since if tried_before else None
        self.settle = settle

    def unsettled(self) -> float:
        """Seconds until a look at the desk can be trusted to show the doubted send."""
        if self.since is None:
            return 0.0
        return max(0.0, self.settle - (time.time() - self.since))


def deliver(
    create: Callable[[], T],
    find: Callable[[], T | None],
    *,
    policy: RetryPolicy = DEFAULT_POLICY,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[int, str, float], None] | None = None,
    tried_before: bool = False,
    doubted_at: float | None = None,
    time_left: Callable[[], float] | None = None,
) -> Delivered[T]:
    """Make `create` happen exactly once, or raise Queued with the last reason.

    `find` looks for an earlier `create` at the desk (by the client reference it
    carries). `tried_before`: an earlier run may have sent it (it was killed, or lost
    the answer), so look at the desk first; `doubted_at` (epoch seconds): when that
    send began. Nothing is sent again until a look made after the doubted send had
    time to finish (policy.settle_seconds) finds nothing. `time_left`: the command's
    own deadline, if it is shorter than the policy's.
    """
    started = time.monotonic()

    def remaining() -> float:
        left = policy.total_seconds - (time.monotonic() - started)
        return min(left, time_left()) if time_left is not None else left

    doubt = _Doubt(tried_before, doubted_at, policy.settle_seconds)
    reason, hint = "not tried", None
    for attempt in range(1, policy.attempts + 1):
        sending_at = None  # set once the create itself is under way
        try:
            if doubt.maybe:
                found = _look(find, doubt, remaining, sleep, on_retry, attempt)
                if found is not None:
                    return Delivered(found, adopted=True, attempts=attempt - 1)
            sending_at = time.time()
            return Delivered(create(), adopted=False, attempts=attempt)
        except _Unsettled:
            reason += "; not at the desk yet, but it may still be processing that send"
            break
        except DeskValidation:
            raise  # the desk refused the content: trying again cannot help
        except RateLimited as exc:  # refused before processing; an earlier doubt stays
            reason, hint, wait = exc.message, exc.hint, _retry_after(exc)
        except DeskUnreachable as exc:
            if exc.maybe_sent and sending_at is not None:
                doubt.maybe, doubt.since = True, sending_at
            reason, wait = exc.message, policy.backoff(attempt)
        except DeskError as exc:  # 5xx, 409, a bad answer: may or may not be committed
            doubt.maybe, reason = True, exc.message
            wait = max(policy.backoff(attempt), float(getattr(exc, "retry_after", 0) or 0))
        if attempt == policy.attempts or wait > remaining():
            break
        if on_retry:
            on_retry(attempt, reason, wait)
        sleep(wait)
    if doubt.maybe:
        try:
            found = find()
        except (DeskError, DeskUnreachable):
            found = None  # still unknown: the outbox keeps it, the next send looks again
        if found is not None:
            return Delivered(found, adopted=True, attempts=policy.attempts)
    error = Queued(
        f"not delivered: {reason}",
        hint="It is kept in the outbox; `ctlsupport outbox send` tries again."
        + (f" {hint}" if hint and "try again after" in hint else ""),
    )
    error.unsettled_since = doubt.since  # a send that may still land, and since when
    raise error


class _Unsettled(Exception):
    """A doubted send may still be under way and there is no time left to wait for it."""


def _look(
    find: Callable[[], T | None],
    doubt: _Doubt,
    remaining: Callable[[], float],
    sleep: Callable[[float], None],
    on_retry: Callable[[int, str, float], None] | None,
    attempt: int,
) -> T | None:
    """Look at the desk for a doubted send: now, and again once it has had time to
    finish there. None only when a settled look found nothing (safe to send)."""
    found = find()
    wait = doubt.unsettled()
    if found is not None or wait <= 0:
        return found
    if wait > remaining():
        raise _Unsettled
    if on_retry:
        on_retry(attempt, "not at the desk yet; waiting for the earlier send to settle", wait)
    sleep(wait)
    found = find()
    doubt.since = None  # looked after it settled: what the desk shows now is the truth
    return found
