"""The desk admin's settings that change what an end user's call does (docs/sandbox.md).

They live in the sandbox file (the `meta` table), so a running server and the agent
commands of another process see the same values. Defaults are those of a strict
desk: the one the provider really runs, as far as its own pages tell.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .errors import SandboxError

_PREFIX = "setting:"


@dataclass(frozen=True)
class Setting:
    """One desk setting: its values (the first is the default) and what it means."""

    name: str
    values: tuple[str, ...]
    meaning: str

    @property
    def default(self) -> str:
        return self.values[0]


SETTINGS = {
    s.name: s
    for s in (
        Setting(
            "end_user_priority",
            ("off", "on"),
            "whether end users may set `priority` through the API (off: it is dropped, "
            "with X-Zendesk-Api-Warn)",
        ),
        Setting(
            "ccs",
            ("email_ccs", "collaborators"),
            "email_ccs: CCs and followers are on, `email_ccs` is kept and `collaborators` "
            "dropped; collaborators: the legacy CCs, the other way round",
        ),
    )
}


def check(name: str, value: str) -> str:
    """The value, normalised; SandboxError for an unknown setting or value."""
    setting = SETTINGS.get(name)
    if setting is None:
        raise SandboxError(f"unknown desk setting {name!r}; known: {', '.join(SETTINGS)}")
    normal = value.strip().lower()
    if normal not in setting.values:
        raise SandboxError(f"{name} must be one of {', '.join(setting.values)}, not {value!r}")
    return normal


def read(conn: sqlite3.Connection) -> dict[str, str]:
    """Every setting's current value (stored, else the default)."""
    stored = {
        str(row[0]).removeprefix(_PREFIX): str(row[1])
        for row in conn.execute("SELECT key, value FROM meta WHERE key LIKE 'setting:%'")
    }
    return {name: stored.get(name, s.default) for name, s in SETTINGS.items()}


def write(conn: sqlite3.Connection, values: dict[str, str]) -> None:
    """Store checked values (inside the caller's write transaction)."""
    for name, value in values.items():
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (_PREFIX + name, check(name, value)),
        )


def parse_pairs(pairs: list[str]) -> dict[str, str]:
    """`NAME=VALUE` items (command line) as a checked dict."""
    values = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals:
            raise SandboxError(f"expected NAME=VALUE, not {pair!r}")
        values[name.strip()] = check(name.strip(), value)
    return values
