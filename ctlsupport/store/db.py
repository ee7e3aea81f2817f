"""The local SQLite database: one file, WAL, numbered migrations from store/migrations/.

Each migration is a file `NNNN_name.sql`, applied once in number order inside one
transaction; `PRAGMA user_version` records the last one applied, so a new migration
always takes a number above every released one (0002 and 0003 were never released and
stay unused). Several ctlsupport processes may open the database at once.
"""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from ctlsupport.config import paths

FILE_NAME = "ctlsupport.sqlite3"
_MIGRATION = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")


def stamp(moment: datetime | None = None) -> str:
    """A time as the database keeps it (and the CLI prints it): UTC, to the second
    (`2025-03-04T09:20:11Z`); `moment` must be timezone-aware."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def db_path() -> Path:
    return paths.data_dir() / FILE_NAME


def migrations() -> list[tuple[int, str, str]]:
    """(number, file name, SQL) of every packaged migration, in order."""
    found = []
    for entry in resources.files("ctlsupport.store.migrations").iterdir():
        match = _MIGRATION.fullmatch(entry.name)
        if match:
            found.append((int(match[1]), entry.name, entry.read_text("utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two migrations share a number: {numbers}")
    return found


def connect(path: Path | None = None) -> sqlite3.Connection:
    """Open (creating and migrating as needed) the database."""
    path = path or db_path()
    paths.ensure_private_dir(path.parent)
    conn = sqlite3.connect(path, timeout=15, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 15000")
    _wal(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    _migrate(conn)
    return conn


def _wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL; the switch needs a moment alone with the file, so wait for it."""
    for attempt in range(100):
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError:
            if attempt == 99:
                raise
            time.sleep(0.05)


def _migrate(conn: sqlite3.Connection) -> None:
    pending = [m for m in migrations() if m[0] > conn.execute("PRAGMA user_version").fetchone()[0]]
    if not pending:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-read under the write lock: another process may have migrated meanwhile.
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, _name, sql in pending:
            if number <= current:
                continue
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (executescript would commit our transaction)."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip().strip(";").strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements
