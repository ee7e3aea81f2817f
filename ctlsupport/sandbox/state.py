"""All persistent state of the sandbox desk, and the agent (provider) side of it.

The HTTP server, tests, trainees and the CLI's agent commands all go through this
class; several processes may hold it on the same file at once.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from . import db, users
from .clock import iso, parse_iso, utcnow
from .errors import SandboxError, UnknownRequestError
from .shapes import PRIORITIES, STATUSES, html_body, request_json, user_json

DEFAULT_AGENT_EMAIL = "agent@provider.example"
DEFAULT_AGENT_NAME = "Sam Agent"
DEFAULT_BASE_URL = "http://127.0.0.1"
DEFAULT_CLOSE_AFTER_HOURS = 72.0

# A request is visible to its requester and to everyone CC'd on it.
VISIBLE_TO = (
    "(r.requester_id = :uid OR EXISTS (SELECT 1 FROM request_users ru "
    "WHERE ru.request_id = r.id AND ru.user_id = :uid))"
)
REQUEST_COLUMNS = (
    "r.*, EXISTS (SELECT 1 FROM comments c WHERE c.request_id = r.id AND c.public = 1) "
    "AS is_public, (SELECT s.subject FROM requests s WHERE s.id = r.followup_source_id) "
    "AS followup_subject"
)


class SandboxState:
    """The sandbox's SQLite file (WAL mode) plus the operations on it."""

    def __init__(
        self,
        db_path: Path,
        *,
        base_url: str | None = None,
        close_after_hours: float | None = None,
        notify_smtp: str | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.uploads_dir = self.db_path.parent / "uploads"
        db.initialise(self.db_path)
        self.uploads_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        # The server records its settings so agent commands in other processes render
        # the same urls and apply the same closing delay.
        with db.writing(self.db_path) as conn:
            if base_url is not None:
                _set_meta(conn, "base_url", base_url.rstrip("/"))
            if close_after_hours is not None:
                _set_meta(conn, "close_after_hours", repr(float(close_after_hours)))
            if notify_smtp is not None:  # "" goes back to the Maildirs
                _set_meta(conn, "notify_smtp", notify_smtp)
            self.base_url = _get_meta(conn, "base_url") or DEFAULT_BASE_URL
            stored_hours = _get_meta(conn, "close_after_hours")
        self.close_after_hours = (
            float(stored_hours) if stored_hours is not None else DEFAULT_CLOSE_AFTER_HOURS
        )

    # -- connections -------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A short-lived connection for reads."""
        with db.reading(self.db_path) as conn:
            yield conn

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """A short-lived connection inside one write transaction."""
        with db.writing(self.db_path) as conn:
            yield conn

    # -- seeding -----------------------------------------------------------------

    def ensure_end_user(
        self, email: str, name: str, password: str | None = None, verified: bool = True
    ) -> dict[str, Any]:
        """Create or update an end user (the partner's shared support alias)."""
        with self.writing() as conn:
            user_id = users.upsert(
                conn,
                email=email,
                name=name,
                role="end-user",
                verified=verified,
                organization_id=users.PARTNER_ORGANIZATION_ID,
                password=password,
            )
            return user_json(users.by_id(conn, user_id), self.base_url)

    def ensure_agent(
        self, email: str = DEFAULT_AGENT_EMAIL, name: str = DEFAULT_AGENT_NAME
    ) -> dict[str, Any]:
        """Create or update a provider agent."""
        with self.writing() as conn:
            user_id = self._ensure_agent(conn, email, name)
            return user_json(users.by_id(conn, user_id), self.base_url)

    def ensure_api_token(self, token: str) -> None:
        """Register an account-wide API token (usable with any user's email)."""
        with self.writing() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO api_tokens (token, created_at) VALUES (?, ?)",
                (token, iso(utcnow())),
            )

    def issue_bearer(
        self, email: str, token: str | None = None, expires_at: datetime | None = None
    ) -> str:
        """Store an OAuth-style access token for a user and return it."""
        token = token or secrets.token_hex(32)
        with self.writing() as conn:
            user = users.by_email(conn, email)
            if user is None:
                raise SandboxError(f"no user with email {email!r}")
            conn.execute(
                """INSERT OR REPLACE INTO bearer_tokens
                       (token, user_id, expires_at, revoked, created_at)
                   VALUES (?, ?, ?, 0, ?)""",
                (
                    token,
                    user["id"],
                    iso(expires_at) if expires_at else None,
                    iso(utcnow()),
                ),
            )
        return token

    def revoke_bearer(self, token: str) -> None:
        """Make a bearer token invalid from now on."""
        with self.writing() as conn:
            conn.execute("UPDATE bearer_tokens SET revoked = 1 WHERE token = ?", (token,))

    # -- the desk admin's settings -------------------------------------------------

    def settings(self) -> dict[str, str]:
        """Every desk setting's value (docs/sandbox.md lists them and their defaults)."""
        from . import desk_settings

        with self.reading() as conn:
            return desk_settings.read(conn)

    def change_settings(self, values: dict[str, str]) -> dict[str, str]:
        """Set desk settings (checked; SandboxError for an unknown name or value)."""
        from . import desk_settings

        with self.writing() as conn:
            desk_settings.write(conn, values)
            return desk_settings.read(conn)

    # -- credential lookups (used by the HTTP layer) -----------------------------

    def user_by_email(self, email: str) -> sqlite3.Row | None:
        """The stored user with this email, if any."""
        with self.reading() as conn:
            return users.by_email(conn, email)

    def api_token_valid(self, token: str) -> bool:
        """Whether `token` is one of the account's API tokens."""
        with self.reading() as conn:
            row = conn.execute("SELECT 1 FROM api_tokens WHERE token = ?", (token,)).fetchone()
            return row is not None

    def bearer_user(self, token: str) -> sqlite3.Row | None:
        """The user behind a live bearer token; None when unknown, revoked or expired."""
        with self.reading() as conn:
            row = conn.execute(
                """SELECT u.*, b.expires_at AS token_expires_at FROM bearer_tokens b
                   JOIN users u ON u.id = b.user_id WHERE b.token = ? AND b.revoked = 0""",
                (token,),
            ).fetchone()
        if row is None:
            return None
        expires_at = row["token_expires_at"]
        if expires_at is not None and parse_iso(expires_at) <= utcnow():
            return None
        return row

    # -- agent side --------------------------------------------------------------

    def agent_reply(
        self,
        request_id: int,
        body: str,
        *,
        public: bool = True,
        author_email: str | None = None,
    ) -> dict[str, Any]:
        """Add an agent comment; a new request becomes open."""
        if not body or not body.strip():
            raise SandboxError("a reply needs a non-empty body")
        with self.writing() as conn:
            row = self._open_request(conn, request_id)
            author_id = self._agent_id(conn, author_email)
            now = iso(utcnow())
            comment_id = insert_comment(
                conn, request_id, author_id, body, html_body(body), public, now
            )
            status = "open" if row["status"] == "new" else row["status"]
            conn.execute(
                "UPDATE requests SET status = ?, updated_at = ? WHERE id = ?",
                (status, now, request_id),
            )
        if public:  # the default trigger mails public agent comments only
            from . import notify

            notify.send(self, request_id, "reply", comment_id)
        return self._require(request_id)

    def assign(self, request_id: int, agent_email: str | None = None) -> dict[str, Any]:
        """Assign the request to an agent (the default agent when none is named)."""
        with self.writing() as conn:
            row = self._open_request(conn, request_id)
            agent_id = self._agent_id(conn, agent_email)
            status = "open" if row["status"] == "new" else row["status"]
            conn.execute(
                "UPDATE requests SET assignee_id = ?, status = ?, updated_at = ? WHERE id = ?",
                (agent_id, status, iso(utcnow()), request_id),
            )
        return self._require(request_id)

    def set_status(self, request_id: int, status: str) -> dict[str, Any]:
        """Move the request to any status an agent may set; solving records `solved_at`."""
        if status not in STATUSES:
            raise SandboxError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
        with self.writing() as conn:
            row = self._open_request(conn, request_id)
            if status == "new" and row["status"] != "new":
                raise SandboxError("a request cannot go back to status new")
            now = iso(utcnow())
            assignee_id = row["assignee_id"]
            if status in ("solved", "closed") and assignee_id is None:
                # Zendesk needs an assignee to solve; pick the default agent.
                assignee_id = self._agent_id(conn, None)
            solved_at = row["solved_at"] if row["status"] == "solved" else now
            if status not in ("solved", "closed"):
                solved_at = None
            conn.execute(
                """UPDATE requests SET status = ?, assignee_id = ?, solved_at = ?,
                       updated_at = ? WHERE id = ?""",
                (status, assignee_id, solved_at, now, request_id),
            )
        if status == "solved" and row["status"] != "solved":
            from . import notify

            notify.send(self, request_id, "solved")
        return self._require(request_id)

    def set_priority(self, request_id: int, priority: str) -> dict[str, Any]:
        """Change the priority (low, normal, high, urgent)."""
        if priority not in PRIORITIES:
            raise SandboxError(
                f"unknown priority {priority!r}; expected one of {', '.join(PRIORITIES)}"
            )
        with self.writing() as conn:
            self._open_request(conn, request_id)
            conn.execute(
                "UPDATE requests SET priority = ?, updated_at = ? WHERE id = ?",
                (priority, iso(utcnow()), request_id),
            )
        return self._require(request_id)

    def close_due(self, now: datetime | None = None) -> int:
        """Close requests solved at least `close_after_hours` ago; return how many."""
        moment = now or utcnow()
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        cutoff = iso(moment - timedelta(hours=self.close_after_hours))
        with self.reading() as conn:
            due = conn.execute(
                "SELECT 1 FROM requests WHERE status = 'solved' AND solved_at <= ? LIMIT 1",
                (cutoff,),
            ).fetchone()
        if due is None:  # the common case: no write lock taken
            return 0
        with self.writing() as conn:
            cursor = conn.execute(
                """UPDATE requests SET status = 'closed', updated_at = ?
                   WHERE status = 'solved' AND solved_at <= ?""",
                (iso(moment), cutoff),
            )
            return cursor.rowcount

    def get_request(self, request_id: int) -> dict[str, Any] | None:
        """The request in its API JSON shape, or None."""
        with self.reading() as conn:
            rows = conn.execute(
                f"SELECT {REQUEST_COLUMNS} FROM requests r WHERE r.id = ?", (request_id,)
            ).fetchall()
            rendered = self.render_requests(conn, rows)
        return rendered[0] if rendered else None

    def list_requests(self) -> list[dict[str, Any]]:
        """Every request in the sandbox, oldest first."""
        with self.reading() as conn:
            rows = conn.execute(
                f"SELECT {REQUEST_COLUMNS} FROM requests r ORDER BY r.id"
            ).fetchall()
            return self.render_requests(conn, rows)

    # -- rendering ---------------------------------------------------------------

    def render_requests(
        self, conn: sqlite3.Connection, rows: Sequence[sqlite3.Row]
    ) -> list[dict[str, Any]]:
        """Render rows selected with REQUEST_COLUMNS, loading their CC lists in one query."""
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        marks = ",".join("?" * len(ids))
        participants: dict[tuple[int, str], list[int]] = {}
        for link in conn.execute(
            f"""SELECT request_id, user_id, kind FROM request_users
                WHERE request_id IN ({marks}) ORDER BY seq""",
            ids,
        ):
            participants.setdefault((link["request_id"], link["kind"]), []).append(link["user_id"])
        return [
            request_json(
                row,
                base_url=self.base_url,
                email_cc_ids=participants.get((row["id"], "email_cc"), []),
                collaborator_ids=participants.get((row["id"], "collaborator"), []),
                is_public=bool(row["is_public"]),
                followup_subject=row["followup_subject"],
            )
            for row in rows
        ]

    # -- helpers -----------------------------------------------------------------

    def _require(self, request_id: int) -> dict[str, Any]:
        rendered = self.get_request(request_id)
        if rendered is None:  # pragma: no cover - only if deleted concurrently
            raise UnknownRequestError(f"no request with id {request_id}")
        return rendered

    @staticmethod
    def _open_request(conn: sqlite3.Connection, request_id: int) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM requests WHERE id = ?", (request_id,)).fetchone()
        if row is None:
            raise UnknownRequestError(f"no request with id {request_id}")
        if row["status"] == "closed":
            raise SandboxError(f"request {request_id} is closed and cannot be changed")
        return row

    def _agent_id(self, conn: sqlite3.Connection, email: str | None) -> int:
        if email is None:
            return self._ensure_agent(conn, DEFAULT_AGENT_EMAIL, DEFAULT_AGENT_NAME)
        row = users.by_email(conn, email)
        if row is None:
            raise SandboxError(f"no agent with email {email!r}")
        if row["role"] not in ("agent", "admin"):
            raise SandboxError(f"{email} is not an agent")
        return int(row["id"])

    @staticmethod
    def _ensure_agent(conn: sqlite3.Connection, email: str, name: str) -> int:
        row = users.by_email(conn, email)
        if row is not None and row["role"] in ("agent", "admin") and row["name"] == name:
            return int(row["id"])
        return users.upsert(
            conn,
            email=email,
            name=name,
            role="agent",
            verified=True,
            organization_id=users.PROVIDER_ORGANIZATION_ID,
            password=None,
        )


def insert_comment(
    conn: sqlite3.Connection,
    request_id: int,
    author_id: int,
    body: str,
    html: str,
    public: bool,
    created_at: str,
) -> int:
    """Add one comment row and return its id."""
    comment_id = db.next_id(conn, "comments")
    conn.execute(
        """INSERT INTO comments (id, request_id, author_id, body, html_body, public, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (comment_id, request_id, author_id, body, html, int(public), created_at),
    )
    return comment_id


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    """A desk setting recorded by the server (other processes read it back)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


_get_meta = get_meta


def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
