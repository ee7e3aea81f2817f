"""Drafts: what an interrupted interactive `open` or `comment` had collected, no secrets."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from ctlsupport.errors import NotFound
from ctlsupport.secret import scrub_strings
from ctlsupport.store.db import stamp


@dataclass
class Draft:
    id: int
    kind: str
    profile: str
    summary: str
    payload: dict[str, Any]
    reason: str
    created_at: str
    updated_at: str


class Drafts:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def save(
        self,
        kind: str,
        profile: str,
        payload: dict[str, Any],
        *,
        summary: str = "",
        reason: str = "",
        draft_id: int | None = None,
    ) -> int:
        """Create or update a draft; returns its number."""
        now = stamp()
        text = json.dumps(scrub_strings(payload))  # never a known secret on disk
        summary = scrub_strings(summary)
        if draft_id is not None:
            self.conn.execute(
                "UPDATE drafts SET payload = ?, summary = ?, reason = ?, updated_at = ? "
                "WHERE id = ?",
                (text, summary, reason, now, draft_id),
            )
            return draft_id
        cursor = self.conn.execute(
            "INSERT INTO drafts (kind, profile, summary, payload, reason, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, profile, summary, text, reason, now, now),
        )
        return int(cursor.lastrowid)

    def get(self, draft_id: int | None = None, kind: str = "open") -> Draft:
        """A draft by number, or the newest of a kind."""
        if draft_id is None:
            row = self.conn.execute(
                "SELECT * FROM drafts WHERE kind = ? ORDER BY id DESC LIMIT 1", (kind,)
            ).fetchone()
        else:
            row = self.conn.execute("SELECT * FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        if row is None:
            which = f"draft {draft_id}" if draft_id is not None else f"{kind} draft"
            raise NotFound(f"no {which} to resume", hint="`ctlsupport drafts list` shows them.")
        return Draft(**{**dict(row), "payload": json.loads(row["payload"])})

    def list(self) -> list[Draft]:
        rows = self.conn.execute("SELECT * FROM drafts ORDER BY id DESC").fetchall()
        return [Draft(**{**dict(r), "payload": json.loads(r["payload"])}) for r in rows]

    def drop(self, draft_id: int) -> None:
        if self.conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,)).rowcount == 0:
            raise NotFound(f"no draft {draft_id}")
