"""The local database: migrations, concurrent opening, history."""

from __future__ import annotations

import sqlite3
import threading

from ctlsupport.model import Request, TicketDraft
from ctlsupport.store import db
from ctlsupport.store.history import History


def _request(number: int, status: str = "new", updated: str = "2026-01-01T00:00:00Z") -> Request:
    return Request(
        id=number, subject=f"s{number}", status=status, priority="normal", type="incident",
        description="", created_at=updated, updated_at=updated, url="", web_url="",
    )  # fmt: skip


def test_migrations_apply_once_and_are_numbered(tmp_path):
    path = tmp_path / "x.sqlite3"
    conn = db.connect(path)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    assert version == db.migrations()[-1][0] >= 1
    conn.close()
    again = db.connect(path)
    assert again.execute("PRAGMA user_version").fetchone()[0] == version
    assert again.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_database_of_an_earlier_release_gets_every_later_migration(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    for number, _name, sql in db.migrations():
        if number <= 4:  # what the first release with an outbox shipped
            old.executescript(sql)
            old.execute(f"PRAGMA user_version = {number}")
    old.commit()
    old.close()
    conn = db.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.migrations()[-1][0]
    columns = {row[1] for row in conn.execute("PRAGMA table_info(requests)")}
    assert "first_reply_at" in columns  # a migration numbered after 4 ran
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "mail_messages" in tables


def test_migration_numbers_only_grow():
    numbers = [number for number, _name, _sql in db.migrations()]
    assert numbers == sorted(set(numbers))
    assert numbers[0] == 1 and 2 not in numbers and 3 not in numbers  # never released


def test_concurrent_first_open_migrates_once(tmp_path):
    path = tmp_path / "race.sqlite3"
    errors = []

    def open_it():
        try:
            db.connect(path).close()
        except sqlite3.Error as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_statement_splitter_keeps_semicolons_in_strings():
    sql = "CREATE TABLE t (a TEXT DEFAULT ';');\n-- note\nINSERT INTO t VALUES ('x;y');\n"
    assert len(db._statements(sql)) == 2


def test_history_mine_seen_and_values(tmp_path):
    history = History(db.connect(tmp_path / "h.sqlite3"))
    draft = TicketDraft(customer_alias="ACME", server="VA1ACMEWEB01", datacenter="VA1")
    history.record_submitted("p", _request(1), draft)
    history.record_seen("p", [_request(1, "open", "2026-02-01T00:00:00Z"), _request(2)])
    assert history.mine("p") == {1}
    rows = history.known("p")
    assert [(r["id"], r["status"]) for r in rows] == [(1, "open"), (2, "new")]
    assert rows[0]["server"] == "VA1ACMEWEB01"
    assert history.values("customer_alias") == ["ACME"]
    assert history.known("other") == []


def test_a_second_connection_keeps_the_first_ones_locks():
    """Opening the database again in the same process must not drop the locks of the
    connection already open (a close() of any descriptor of the file would). Without
    them another process believes it is alone: it may leave WAL mode, or check the WAL
    into the file and delete it, under the first connection, and damage the database."""
    import subprocess
    import sys

    from ctlsupport.store import db

    first = db.connect()
    first.execute("SELECT COUNT(*) FROM outbox").fetchone()
    second = db.connect()  # e.g. the history, then the outbox, in one command
    other = subprocess.run(
        [sys.executable, "-c", (
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=0)\n"
            "try:\n    print(c.execute('PRAGMA journal_mode = DELETE').fetchone()[0])\n"
            "except sqlite3.OperationalError as e:\n    print(e)"
        ), str(db.db_path())],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    second.close()
    first.close()
    assert "locked" in other.stdout, other.stdout + other.stderr  # still in use: refused
