"""Local record of escalations: the link between a ticket and its escalation."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ctlsupport.store.db import stamp


@dataclass
class Escalation:
    original_id: int
    route: str
    reason: str
    created_at: str
    escalation_id: int | None = None
    message_id: str | None = None


class Escalations:
    """The escalations table of the local database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def record(
        self,
        profile: str,
        original_id: int,
        *,
        route: str,
        reason: str,
        escalation_id: int | None = None,
        message_id: str | None = None,
    ) -> Escalation:
        """Remember one escalation sent."""
        now = stamp()
        self.conn.execute(
            "INSERT INTO escalations (profile, original_id, escalation_id, message_id, route, "
            "reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (profile, original_id, escalation_id, message_id, route, reason, now),
        )
        return Escalation(original_id, route, reason, now, escalation_id, message_id)

    def for_ticket(self, profile: str, original_id: int) -> list[Escalation]:
        """The escalations of one ticket, oldest first."""
        rows = self.conn.execute(
            "SELECT original_id, route, reason, created_at, escalation_id, message_id "
            "FROM escalations WHERE profile = ? AND original_id = ? ORDER BY id",
            (profile, original_id),
        )
        return [Escalation(**dict(row)) for row in rows]
