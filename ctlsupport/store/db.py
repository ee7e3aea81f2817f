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
from pathlib import Path

from ctlsupport.config import paths
from ctlsupport.errors import CtlError

FILE_NAME = "ctlsupport.sqlite3"
BUSY_SECONDS = 15  # how long to wait for another process holding the database
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
    # The package's own folder (importlib.resources would cost every start-up ~10 ms).
    for entry in (Path(__file__).parent / "migrations").iterdir():
        match = _MIGRATION.fullmatch(entry.name)
        if match:
            found.append((int(match[1]), entry.name, entry.read_text("utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two migrations share a number: {numbers}")
    return found


def connect(path: Path | None = None) -> sqlite3.Connection:
    """Open (creating and migrating as needed) the database.

    A file that cannot be used (damaged, a folder, locked, read-only, or from a newer
    version) is refused with LocalFilesError and left exactly as it is."""
    path = path or db_path()
    paths.ensure_private_dir(path.parent)
    paths.private_file(path)  # 0600 from the start: it holds what the user typed
    try:
        conn = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
        _check_version(conn, path)
        _wal(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn)
    except sqlite3.Error as exc:
        raise explain(exc, path) from None
    return conn


def explain(exc: sqlite3.Error, path: Path | None = None) -> CtlError:
    """A SQLite failure as one line that says what is wrong with which file."""
    from ctlsupport.errors import LocalFilesError

    path = path or db_path()
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return LocalFilesError(
            f"the local database {path} is locked by another program (waited {BUSY_SECONDS} s)",
            hint="Another ctlsupport may be working (`ps`); run the command again when it "
            "has finished. Nothing was changed.",
        )
    if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
        return LocalFilesError(
            f"cannot write the local database {path}: {text}",
            hint=f"Make {path.parent} writable, or point CTLSUPPORT_HOME at a folder that is.",
        )
    return LocalFilesError(
        f"the local database {path} is damaged: {text}",
        hint=f"Move it aside (`mv {path} {path}.damaged`) and run the command again: a new "
        "one is made (the queued items and drafts in the old one are not read).",
    )


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a database migrated by a newer ctlsupport: its tables may mean other things."""
    from ctlsupport.errors import LocalFilesError

    found = conn.execute("PRAGMA user_version").fetchone()[0]
    known = migrations()[-1][0]
    if found > known:
        conn.close()
        raise LocalFilesError(
            f"the local database {path} is from a newer ctlsupport (schema {found}; this "
            f"version knows up to {known}); it was not used",
            hint="Upgrade ctlsupport (`pip install -U ctlsupport`), or point CTLSUPPORT_HOME "
            "elsewhere.",
        )


def _wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL; the switch needs a moment alone with the file, so wait for it
    (at most BUSY_SECONDS in all: each try may itself wait on the busy timeout)."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() >= deadline:
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
