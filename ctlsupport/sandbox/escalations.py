"""What the provider's automation makes of mail to the escalation address.

The provider's KB: a NEW message to the escalation address becomes an escalated ticket
for operations management. The sandbox marks that request and links it with the ticket
its subject names (`ESCALATION: Ticket - <number>`), through custom fields that an end
user sees in the request JSON (docs/sandbox.md, "Escalations"):

- on the escalation: `ESCALATED_FIELD` true, `ESCALATION_OF_FIELD` the ticket's id,
  and `group_id` the operations management group;
- on the escalated ticket: `ESCALATED_IN_FIELD` the escalation's id (the latest).
"""

from __future__ import annotations

import json
import re
import sqlite3

from .clock import iso, utcnow
from .state import VISIBLE_TO

ESCALATED_FIELD = 360000000900
ESCALATION_OF_FIELD = 360000000901
ESCALATED_IN_FIELD = 360000000902
OPERATIONS_GROUP_ID = 7400000000001
_TICKET = re.compile(r"\bticket\s*[-:#]?\s*#?\s*(\d{1,12})\b", re.IGNORECASE)


def named_ticket(subject: str) -> int | None:
    """The ticket number in an escalation subject, if any."""
    found = _TICKET.search(subject)
    return int(found.group(1)) if found else None


def _set_field(conn: sqlite3.Connection, request_id: int, field_id: int, value: object) -> None:
    row = conn.execute("SELECT custom_fields FROM requests WHERE id = ?", (request_id,)).fetchone()
    fields = [f for f in json.loads(row["custom_fields"]) if f.get("id") != field_id]
    fields.append({"id": field_id, "value": value})
    conn.execute(
        "UPDATE requests SET custom_fields = ? WHERE id = ?", (json.dumps(fields), request_id)
    )


def mark(conn: sqlite3.Connection, request_id: int, requester_id: int, subject: str) -> int | None:
    """Mark a new request as an escalation and link it; returns the linked ticket's id.

    Only a ticket the sender can see is linked (another's id stays unlinked)."""
    _set_field(conn, request_id, ESCALATED_FIELD, True)
    conn.execute("UPDATE requests SET group_id = ? WHERE id = ?", (OPERATIONS_GROUP_ID, request_id))
    ticket = named_ticket(subject)
    if ticket is None or ticket == request_id:
        return None
    visible = conn.execute(
        f"SELECT 1 FROM requests r WHERE r.id = :rid AND {VISIBLE_TO}",
        {"rid": ticket, "uid": requester_id},
    ).fetchone()
    if visible is None:
        return None
    _set_field(conn, request_id, ESCALATION_OF_FIELD, ticket)
    _set_field(conn, ticket, ESCALATED_IN_FIELD, request_id)
    # The automation's change is a change of the ticket: `watch` sees it.
    conn.execute("UPDATE requests SET updated_at = ? WHERE id = ?", (iso(utcnow()), ticket))
    return ticket
