"""Local history: requests submitted from here or seen at the desk, and values typed.

The history keeps what the desk keeps, with the known secrets masked (the PIN and root
password lines of a ticket, and any secret this run knows, wherever it was typed)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict

from ctlsupport.model import Request, TicketDraft
from ctlsupport.secret import scrub_strings
from ctlsupport.store.db import stamp


class History:
    """What this machine knows about a profile's requests, without asking the desk."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def record_submitted(
        self, profile: str, request: Request, draft: TicketDraft, client_ref: str | None = None
    ) -> None:
        """A request opened from this machine (for `list --mine` and completion)."""
        self._upsert(profile, request, submitted_here=True, client_ref=client_ref)
        self.conn.execute(
            "UPDATE requests SET customer_alias = ?, server = ?, datacenter = ? "
            "WHERE profile = ? AND id = ?",
            (draft.customer_alias, draft.server, draft.datacenter, profile, request.id),
        )
        self.remember("customer_alias", draft.customer_alias)
        self.remember("server", draft.server)

    def record_seen(
        self,
        profile: str,
        requests: Iterable[Request],
        alias_of: Callable[[Request], str] | None = None,
    ) -> None:
        """Requests read from the desk: keep their latest known state (and the customer
        alias `alias_of` finds in each, when it finds one)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for request in requests:
                self._upsert(profile, request)
                alias = alias_of(request) if alias_of else ""
                if alias:
                    self.conn.execute(
                        "UPDATE requests SET customer_alias = ? WHERE profile = ? AND id = ?",
                        (alias, profile, request.id),
                    )
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def _upsert(
        self,
        profile: str,
        request: Request,
        *,
        submitted_here: bool = False,
        client_ref: str | None = None,
    ) -> None:
        self.conn.execute(
            """INSERT INTO requests (profile, id, subject, status, priority, type, created_at,
                   updated_at, submitted_here, client_ref, seen_at, data, source)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'api')
               ON CONFLICT (profile, id) DO UPDATE SET source = 'api',
                   subject = excluded.subject, status = excluded.status,
                   priority = excluded.priority, type = excluded.type,
                   created_at = excluded.created_at, updated_at = excluded.updated_at,
                   submitted_here = MAX(requests.submitted_here, excluded.submitted_here),
                   client_ref = COALESCE(excluded.client_ref, requests.client_ref),
                   seen_at = excluded.seen_at,
                   -- the description never changes at the desk: the one kept stays
                   data = CASE WHEN requests.data IS NULL THEN excluded.data
                       ELSE json_set(excluded.data, '$.description', COALESCE(
                           json_extract(requests.data, '$.description'),
                           json_extract(excluded.data, '$.description'))) END""",
            (
                profile,
                request.id,
                scrub_strings(request.subject),
                request.status,
                request.priority,
                request.type,
                request.created_at,
                request.updated_at,
                int(submitted_here),
                client_ref,
                stamp(),
                json.dumps(scrub_strings(asdict(request))),
            ),
        )

    def mine(self, profile: str) -> set[int]:
        """Ids of the requests submitted from this machine."""
        rows = self.conn.execute(
            "SELECT id FROM requests WHERE profile = ? AND submitted_here = 1", (profile,)
        )
        return {row["id"] for row in rows}

    def iter_known(self, profile: str, *, sort: str = "updated_at") -> Iterator[sqlite3.Row]:
        """Known requests one at a time, newest first by `sort` (updated_at or created_at)."""
        column = "created_at" if sort == "created_at" else "updated_at"
        yield from self.conn.execute(
            f"SELECT * FROM requests WHERE profile = ? ORDER BY {column} DESC, id DESC",
            (profile,),
        )

    def aliases(self, profile: str) -> dict[int, str]:
        """Customer aliases known for requests (typed at `open`, or read from bodies)."""
        rows = self.conn.execute(
            "SELECT id, customer_alias FROM requests WHERE profile = ? AND customer_alias != ''",
            (profile,),
        )
        return {row["id"]: row["customer_alias"] for row in rows}

    def first_replies(self, profile: str) -> dict[int, str]:
        """When the provider first answered, for the requests where that is known."""
        rows = self.conn.execute(
            "SELECT id, first_reply_at FROM requests "
            "WHERE profile = ? AND first_reply_at IS NOT NULL",
            (profile,),
        )
        return {row["id"]: row["first_reply_at"] for row in rows}

    def set_first_reply(self, profile: str, request_id: int, at: str) -> None:
        """The provider's first public answer; it never changes once known."""
        self.conn.execute(
            "UPDATE requests SET first_reply_at = COALESCE(first_reply_at, ?) "
            "WHERE profile = ? AND id = ?",
            (at, profile, request_id),
        )

    def known(self, profile: str) -> list[sqlite3.Row]:
        """Every known request of a profile, most recently updated first."""
        return list(self.iter_known(profile))

    def remember(self, kind: str, value: str) -> None:
        """Note a value the user typed (customer alias, server name)."""
        if not value:
            return
        self.conn.execute(
            """INSERT INTO seen_values (kind, value, last_used) VALUES (?, ?, ?)
               ON CONFLICT (kind, value) DO UPDATE SET
                   last_used = excluded.last_used, uses = seen_values.uses + 1""",
            (kind, value, stamp()),
        )

    def values(self, kind: str) -> list[str]:
        """Values of one kind, most recently used first."""
        rows = self.conn.execute(
            "SELECT value FROM seen_values WHERE kind = ? ORDER BY last_used DESC, uses DESC",
            (kind,),
        )
        return [row["value"] for row in rows]
