"""What a failed exchange with the desk means: its error text, its Retry-After, and
whether anything reached the desk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests

# A Retry-After longer than this is not waited out inside a command: it is reported.
MAX_RETRY_WAIT = 10.0


def describe(body: dict) -> str:
    """A one-line summary of a Zendesk error envelope."""
    details = body.get("details")
    if isinstance(details, dict):
        parts = []
        for key, entries in details.items():
            for entry in entries if isinstance(entries, list) else [entries]:
                desc = entry.get("description") if isinstance(entry, dict) else str(entry)
                parts.append(desc if key == "base" else f"{key}: {desc}")
        if parts:
            return "; ".join(parts)
    for key in ("description", "error_description", "error"):
        if isinstance(body.get(key), str):
            return body[key]
    return ""


def retry_seconds(value: str | None) -> float | None:
    """A Retry-After value in seconds (the desk sends seconds, not dates); None when
    absent or not a sensible number of seconds (negative, not a number)."""
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 <= seconds < 10**9 else None


def rate_limit_message(wait: float | None) -> str:
    """The error line of a 429; a wait too long to sit out says until when."""
    if wait is None or wait <= MAX_RETRY_WAIT:
        return "the desk's rate limit is reached"
    at = datetime.now(UTC) + timedelta(seconds=wait)
    return f"the desk's rate limit is reached until {at:%Y-%m-%d %H:%M} UTC ({wait:.0f} s)"


def try_again_hint(wait: float | None) -> str:
    """When to try again after a rate limit, as a person reads it."""
    if wait is None or wait <= MAX_RETRY_WAIT:
        return f"Wait {wait or 1:g} s and try again."
    at = datetime.now(UTC) + timedelta(seconds=wait)
    return f"The desk asks to wait {wait:.0f} s: try again after {at:%Y-%m-%d %H:%M} UTC."


def never_connected(exc: requests.ConnectionError) -> bool:
    """Whether a connection error happened before anything reached the desk."""
    from urllib3.exceptions import NameResolutionError, NewConnectionError

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, NewConnectionError | NameResolutionError | ConnectionRefusedError):
            return True
        reason = getattr(cause, "reason", None)
        cause = reason if isinstance(reason, BaseException) else cause.__context__
    return False


def json_object(response: requests.Response) -> dict:
    """The JSON object of an answer; {} when it is not JSON or not an object (an error page)."""
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return {}
    return body if isinstance(body, dict) else {}
