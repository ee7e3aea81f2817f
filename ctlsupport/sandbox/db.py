"""The sandbox's SQLite file: connections, numbered migrations, id counters.

Several processes open the same file (a running server and the CLI's agent
commands), so the database runs in WAL mode with a busy timeout, every write
happens inside `BEGIN IMMEDIATE`, and each operation uses its own connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000

# Each migration is (number, name, statements). Never edit a shipped one: add the next.
MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "initial",
        [
            """CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)""",
            # Request ids are small and sequential; the other ids are 13-digit numbers
            # in separate ranges, like the ones seen in real responses.
            """INSERT INTO counters (name, value) VALUES
                ('requests', 1000),
                ('users', 7000000000040),
                ('comments', 7100000000300),
                ('attachments', 7200000000000)""",
            """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
            """CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                verified INTEGER NOT NULL DEFAULT 0,
                password_salt TEXT,
                password_hash TEXT,
                organization_id INTEGER,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            """CREATE TABLE api_tokens (token TEXT PRIMARY KEY, created_at TEXT NOT NULL)""",
            """CREATE TABLE bearer_tokens (
                token TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id),
                expires_at TEXT,
                revoked INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL
            )""",
            """CREATE TABLE requests (
                id INTEGER PRIMARY KEY,
                subject TEXT NOT NULL,
                description TEXT NOT NULL,
                status TEXT NOT NULL,
                priority TEXT,
                type TEXT,
                due_at TEXT,
                requester_id INTEGER NOT NULL REFERENCES users(id),
                organization_id INTEGER,
                assignee_id INTEGER REFERENCES users(id),
                group_id INTEGER,
                recipient TEXT,
                via_channel TEXT NOT NULL,
                custom_fields TEXT NOT NULL DEFAULT '[]',
                ticket_form_id INTEGER,
                followup_source_id INTEGER,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                solved_at TEXT
            )""",
            """CREATE INDEX requests_requester ON requests (requester_id)""",
            """CREATE INDEX requests_solved ON requests (status, solved_at)""",
            # kind is 'email_cc' or 'collaborator'; seq keeps the order they were added.
            """CREATE TABLE request_users (
                request_id INTEGER NOT NULL REFERENCES requests(id),
                user_id INTEGER NOT NULL REFERENCES users(id),
                kind TEXT NOT NULL,
                seq INTEGER NOT NULL,
                PRIMARY KEY (request_id, user_id, kind)
            )""",
            """CREATE INDEX request_users_user ON request_users (user_id)""",
            """CREATE TABLE comments (
                id INTEGER PRIMARY KEY,
                request_id INTEGER NOT NULL REFERENCES requests(id),
                author_id INTEGER NOT NULL REFERENCES users(id),
                body TEXT NOT NULL,
                html_body TEXT NOT NULL,
                public INTEGER NOT NULL,
                created_at TEXT NOT NULL
            )""",
            """CREATE INDEX comments_request ON comments (request_id)""",
            """CREATE TABLE uploads (
                token TEXT PRIMARY KEY,
                uploader_id INTEGER REFERENCES users(id),
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                consumed_at TEXT,
                deleted INTEGER NOT NULL DEFAULT 0
            )""",
            """CREATE TABLE attachments (
                id INTEGER PRIMARY KEY,
                upload_token TEXT NOT NULL REFERENCES uploads(token),
                comment_id INTEGER REFERENCES comments(id),
                file_name TEXT NOT NULL,
                content_type TEXT NOT NULL,
                size INTEGER NOT NULL,
                width INTEGER,
                height INTEGER,
                content_token TEXT NOT NULL UNIQUE,
                stored_name TEXT NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL
            )""",
            """CREATE INDEX attachments_upload ON attachments (upload_token)""",
            """CREATE INDEX attachments_comment ON attachments (comment_id)""",
        ],
    ),
    (
        2,
        "email_channel",
        [
            # Message-IDs of mail turned into requests or comments: replies thread by them.
            """CREATE TABLE mail_messages (
                message_id TEXT PRIMARY KEY,
                request_id INTEGER NOT NULL REFERENCES requests(id),
                comment_id INTEGER REFERENCES comments(id),
                sender TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            """CREATE INDEX mail_messages_sender ON mail_messages (sender, created_at)""",
            # Mail the desk would not turn into a ticket, with Zendesk's cause name.
            """CREATE TABLE suspended_mail (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                cause TEXT NOT NULL,
                sender TEXT NOT NULL,
                recipient TEXT,
                subject TEXT NOT NULL DEFAULT '',
                message_id TEXT,
                size INTEGER NOT NULL,
                created_at TEXT NOT NULL
            )""",
            """CREATE INDEX suspended_mail_sender ON suspended_mail (sender, created_at)""",
        ],
    ),
    (
        3,
        "oauth_and_status_page",
        [
            # IF NOT EXISTS: older files got these tables from the request that first
            # needed them.
            """CREATE TABLE IF NOT EXISTS oauth_codes (
                code TEXT PRIMARY KEY, user_id INTEGER NOT NULL, client_id TEXT NOT NULL,
                redirect_uri TEXT NOT NULL, challenge TEXT NOT NULL, scope TEXT NOT NULL,
                expires_at TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0)""",
            """CREATE TABLE IF NOT EXISTS oauth_refresh_tokens (
                token TEXT PRIMARY KEY, user_id INTEGER NOT NULL, client_id TEXT NOT NULL,
                scope TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS status_incidents (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL,
                impact TEXT NOT NULL, components TEXT NOT NULL, created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL, monitoring_at TEXT, resolved_at TEXT)""",
            """CREATE TABLE IF NOT EXISTS status_updates (
                id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, status TEXT NOT NULL,
                body TEXT NOT NULL, created_at TEXT NOT NULL)""",
            # Status page ids count from 1 (inc0001, upd00001), after any already made.
            """INSERT INTO counters (name, value)
                SELECT 'status_incidents', COUNT(*) FROM status_incidents""",
            """INSERT INTO counters (name, value)
                SELECT 'status_updates', COUNT(*) FROM status_updates""",
        ],
    ),
    (
        4,
        "oauth_clients",
        [
            # The desk admin's registry (oauth_clients.py); redirect_urls is a JSON list.
            """CREATE TABLE oauth_clients (
                identifier TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
                redirect_urls TEXT NOT NULL, scopes TEXT NOT NULL, secret_hash TEXT,
                created_at TEXT NOT NULL)""",
            # The public client of the tool itself, at its default redirect port; an
            # admin may remove it (then sign-in meets the "No such client" page).
            """INSERT INTO oauth_clients (identifier, name, kind, redirect_urls, scopes,
                   secret_hash, created_at)
               VALUES ('ctlsupport', 'ctlsupport', 'public',
                       '["http://127.0.0.1:47613/callback"]', 'read write', NULL,
                       strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))""",
            # Refresh tokens expire only when refresh_token_expires_in was asked for.
            """ALTER TABLE oauth_refresh_tokens ADD COLUMN expires_at TEXT""",
        ],
    ),
    (
        5,
        "notifications",
        [
            # The encoded id each request's mail carries in square brackets ([1G7EOR-0Q2J]);
            # random, so a number cannot be guessed from it.
            """CREATE TABLE request_codes (
                request_id INTEGER PRIMARY KEY REFERENCES requests(id),
                code TEXT NOT NULL UNIQUE
            )""",
            # What the default triggers mailed to requester and CCs: replies thread by these
            # Message-IDs. delivered_at stays NULL (and error says why) when delivery failed.
            """CREATE TABLE notifications (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                message_id TEXT NOT NULL UNIQUE,
                request_id INTEGER NOT NULL REFERENCES requests(id),
                comment_id INTEGER REFERENCES comments(id),
                kind TEXT NOT NULL,
                recipients TEXT NOT NULL,
                created_at TEXT NOT NULL,
                delivered_at TEXT,
                error TEXT
            )""",
            """CREATE INDEX notifications_request ON notifications (request_id, id)""",
        ],
    ),
]


def connect(path: Path) -> sqlite3.Connection:
    """Open a connection in autocommit mode; callers manage transactions explicitly."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    # With WAL this still cannot corrupt the file; it only skips an fsync per commit.
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def initialise(path: Path) -> None:
    """Create the file if needed, switch it to WAL and apply pending migrations."""
    from ctlsupport.config.paths import private_file

    path.parent.mkdir(parents=True, exist_ok=True)
    private_file(path)  # 0600 whatever the folder's mode: it holds tickets and tokens
    conn = connect(path)
    try:
        # WAL is a property of the file; setting it again is harmless.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the write lock: another process may have migrated meanwhile.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, _name, statements in MIGRATIONS:
                if number <= version:
                    continue
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection for reads; WAL gives it a consistent snapshot per statement."""
    conn = connect(path)
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def writing(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection inside `BEGIN IMMEDIATE`, committed on success, rolled back on error."""
    conn = connect(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()


def next_id(conn: sqlite3.Connection, counter: str) -> int:
    """Take the next value of a counter; ids are never reused."""
    row = conn.execute(
        "UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value", (counter,)
    ).fetchone()
    return int(row[0])


def schema_version(path: Path) -> int:
    """The number of the last migration applied to the file."""
    with reading(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
