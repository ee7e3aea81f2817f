"""The Secret type (masked everywhere it could be printed) and the scrubber."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

MASK = "********"


class Secret:
    """A secret value whose repr and str never show it; call `.reveal()` to use it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the real value, for the one place that must send it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return MASK

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))


class Scrubber:
    """Replaces every known secret value in text; used on logs, --debug output and errors."""

    def __init__(self) -> None:
        self._values: set[str] = set()

    def add(self, *values: str | Secret | None) -> None:
        """Remember values to hide; short values are kept too (a PIN may be 4 digits)."""
        for value in values:
            raw = value.reveal() if isinstance(value, Secret) else value
            if raw:
                self._values.add(raw)

    def scrub(self, text: str) -> str:
        """Return `text` with every remembered secret replaced by the mask."""
        if not self._values or not text:
            return text
        # Longest first, so a secret that contains another is masked whole.
        pattern = "|".join(re.escape(v) for v in sorted(self._values, key=len, reverse=True))
        return re.sub(pattern, MASK, text)

    def values(self) -> Iterable[str]:
        return tuple(self._values)

    def forget(self) -> None:
        """Forget every value: the secrets of one run are not another's (in-process runs)."""
        self._values.clear()


_TICKET_SECRET_LINES = re.compile(
    r"^(User PIN: |Root/admin password \(provider may log in\): ).*$", re.MULTILINE
)


def mask_ticket_secrets(text: str) -> str:
    """A ticket body with its PIN and root-password lines masked.

    The desk needs them; nothing on this machine (history, output, logs) does.
    """
    return _TICKET_SECRET_LINES.sub(lambda m: m.group(1) + MASK, text)


# Where people type free text in what the outbox, drafts and history keep. Only these
# are scrubbed: a PIN of 4 digits must not eat into dates, ids or file paths.
FREE_TEXT_KEYS = frozenset(
    {"subject", "description", "steps", "impact", "error_text", "body", "reason", "text"}
)


def scrub_strings(value: Any, key: str | None = None) -> Any:
    """`value` (JSON-like: dicts, lists, strings) with, in its free-text fields (or in
    itself, a string given alone), every known secret masked (a secret of digits only
    as a whole number) and the PIN and root-password lines of a ticket body masked:
    what a local file may keep of text that went (or goes) to the desk."""
    if isinstance(value, str):
        return _scrub_text(value) if key is None or key in FREE_TEXT_KEYS else value
    if isinstance(value, dict):
        return {
            k: scrub_strings(item, k if isinstance(k, str) else "") for k, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub_strings(item, key) for item in value]
    return value


def _scrub_text(text: str) -> str:
    text = mask_ticket_secrets(text)
    values = [v for v in SCRUBBER.values() if v in text]
    if not values:
        return text
    values.sort(key=len, reverse=True)
    parts = [rf"(?<!\d){re.escape(v)}(?!\d)" if v.isdigit() else re.escape(v) for v in values]
    return re.sub("|".join(parts), MASK, text)


# One process-wide scrubber: every secret read from the keyring, env or a prompt is added.
SCRUBBER = Scrubber()
