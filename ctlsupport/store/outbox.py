"""The write-ahead outbox: submissions are stored before any send, and leased to one sender.

Several ctlsupport processes may work on one outbox at once: an item is claimed with a
lease inside a write transaction, so two senders never hold the same item, and a sender
that died (kill -9) only delays its items until the lease runs out.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import threading
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ctlsupport.config import paths
from ctlsupport.errors import Queued
from ctlsupport.secret import scrub_strings
from ctlsupport.store.db import stamp

# How long a sender holds an item without renewing it. A live sender renews it while
# it works (uploads included), so only a sender that died (or froze) is overtaken,
# after at most this long.
LEASE_SECONDS = float(os.environ.get("CTLSUPPORT_OUTBOX_LEASE", "90"))


class LeaseLost(Queued):
    """Another sender took this item over (our lease ran out): stop, send nothing."""


def _lease(seconds: float) -> str:
    """A lease deadline, to the microsecond (leases are compared as text)."""
    return (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def files_root() -> Path:
    """Where attachments are copied for queued submissions."""
    return paths.data_dir() / "outbox"


@dataclass
class OutboxItem:
    id: int
    client_ref: str
    profile: str
    kind: str
    route: str
    payload: dict[str, Any]
    state: str
    attempts: int
    last_error: str | None
    desk_id: int | None
    adopted: bool
    created_at: str
    updated_at: str
    attempted_at: str | None = None
    # Claimed from a sender whose lease ran out: it may have sent it; look first.
    taken_over: bool = False

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> OutboxItem:
        return cls(
            id=row["id"],
            client_ref=row["client_ref"],
            profile=row["profile"],
            kind=row["kind"],
            route=row["route"],
            payload=json.loads(row["payload"]),
            state=row["state"],
            attempts=row["attempts"],
            last_error=row["last_error"],
            desk_id=row["desk_id"],
            adopted=bool(row["adopted"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            attempted_at=row["attempted_at"],
        )

    @property
    def files_dir(self) -> Path:
        return files_root() / self.client_ref


# Items this process queued and has not delivered: what Ctrl-C leaves in the outbox.
_UNSENT_THIS_RUN: set[int] = set()


def unsent_this_run() -> list[int]:
    """Ids of the items queued by this run that are still waiting (for messages)."""
    return sorted(_UNSENT_THIS_RUN)


def new_run() -> None:
    """Forget the items of an earlier run in this process (main() called again)."""
    _UNSENT_THIS_RUN.clear()


def _private_copy(source: str, target: Path) -> None:
    """A byte-for-byte copy, readable by the owner only."""
    with open(source, "rb") as reader, paths.open_private(target, "wb") as writer:
        shutil.copyfileobj(reader, writer, 1 << 20)


def _store_files(
    folder: Path, attachments: list[str], copy: Callable[[str, Path], object]
) -> list[str]:
    """Copy the attachments in, one folder per file (it keeps the name the desk shows);
    a file that cannot be read stops it all and leaves no folder behind."""
    from ctlsupport.errors import InvalidInput

    stored: list[str] = []
    if not attachments:
        return stored
    paths.ensure_private_dir(folder)
    try:
        for index, source in enumerate(attachments):
            target = paths.ensure_private_dir(folder / f"{index:02d}") / Path(source).name
            copy(source, target)
            stored.append(str(target))
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        if exc.filename is not None and str(exc.filename).startswith(str(folder)):
            from ctlsupport.errors import LocalFilesError

            raise LocalFilesError(
                f"cannot copy {Path(source).name} into the outbox: {exc.strerror or exc}",
                hint=f"Check the space and permissions of {folder.parent}; nothing was sent.",
            ) from None
        raise InvalidInput(
            f"--attach: cannot read {source}: {exc.strerror or exc}",
            hint="Check the file and its permissions; nothing was queued or sent.",
        ) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return stored


class Outbox:
    """Queued, sending and sent submissions of this machine."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def add(
        self,
        profile: str,
        kind: str,
        payload: dict[str, Any],
        *,
        route: str = "api",
        attachments: list[str] | None = None,
        client_ref: str | None = None,
        copy: Callable[[str, Path], object] | None = None,
    ) -> OutboxItem:
        """Store a submission (attachments copied in) and lease it to this process."""
        ref = client_ref or str(uuid.uuid4())
        stored = _store_files(files_root() / ref, attachments or [], copy or _private_copy)
        payload = {**payload, "attachments": stored} if attachments is not None else payload
        now = stamp()
        kept = json.dumps(scrub_strings(payload))  # never a known secret on disk
        until = _lease(LEASE_SECONDS)
        cursor = self.conn.execute(
            """INSERT INTO outbox (client_ref, profile, kind, route, payload, state,
                   lease_owner, lease_until, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, 'sending', ?, ?, ?, ?)""",
            (ref, profile, kind, route, kept, self.owner, until, now, now),
        )
        _UNSENT_THIS_RUN.add(cursor.lastrowid)
        return self.get(cursor.lastrowid)

    def get(self, item_id: int) -> OutboxItem:
        row = self.conn.execute("SELECT * FROM outbox WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            from ctlsupport.errors import NotFound

            raise NotFound(f"no outbox item {item_id}")
        return OutboxItem.from_row(row)

    def claim(
        self,
        profile: str | None = None,
        item_id: int | None = None,
        exclude: Collection[int] = (),
    ) -> OutboxItem | None:
        """Lease the oldest queued item (or a stale lease) to this process, or None."""
        now = datetime.now(UTC)
        until = _lease(LEASE_SECONDS)
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            where = ["(state = 'queued' OR (state = 'sending' AND lease_until < ?))"]
            args: list[Any] = [_lease(0)]
            if profile is not None:
                where.append("profile = ?")
                args.append(profile)
            if item_id is not None:
                where.append("id = ?")
                args.append(item_id)
            if exclude:
                where.append(f"id NOT IN ({','.join('?' * len(exclude))})")
                args.extend(exclude)
            row = self.conn.execute(
                f"SELECT id, state FROM outbox WHERE {' AND '.join(where)} ORDER BY id LIMIT 1",
                args,
            ).fetchone()
            if row is None:
                self.conn.execute("COMMIT")
                return None
            self.conn.execute(
                "UPDATE outbox SET state = 'sending', lease_owner = ?, lease_until = ?, "
                "updated_at = ? WHERE id = ?",
                (self.owner, until, stamp(now), row["id"]),
            )
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        item = self.get(row["id"])
        item.taken_over = row["state"] == "sending"
        return item

    def attempt(self, item: OutboxItem) -> None:
        """Count one send attempt and renew the lease; LeaseLost when another sender
        holds the item now (then nothing may be sent)."""
        now = stamp()
        cursor = self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, lease_until = ?, updated_at = ?, "
            "attempted_at = ? WHERE id = ? AND lease_owner = ? AND state = 'sending'",
            (_lease(LEASE_SECONDS), now, now, item.id, self.owner),
        )
        if cursor.rowcount != 1:
            raise self.lease_lost(item)
        item.attempts += 1
        item.attempted_at = now

    def in_doubt_since(self, item: OutboxItem, since: float | None) -> None:
        """Keep when a send that may still land at the desk began (None: none may)."""
        at = None
        if since is not None:
            at = datetime.fromtimestamp(since, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.conn.execute(
            "UPDATE outbox SET attempted_at = ? WHERE id = ? AND lease_owner = ?",
            (at, item.id, self.owner),
        )
        item.attempted_at = at

    def renew(self, item: OutboxItem) -> None:
        """Extend the lease of an item this process holds; LeaseLost when it does not."""
        if not _renew(self.conn, item.id, self.owner):
            raise self.lease_lost(item)

    def lease_lost(self, item: OutboxItem) -> LeaseLost:
        """The error of a holder whose lease another sender has taken over."""
        return LeaseLost(
            f"outbox item {item.id} is being sent by another process; not sent from here",
            hint="`ctlsupport outbox list` shows how it went.",
        )

    @contextmanager
    def holding(self, item: OutboxItem) -> Iterator[threading.Event]:
        """Keep the item's lease alive while inside (a thread renews it, on its own
        connection, every third of the lease), so a slow upload or a slow desk is never
        overtaken. The event is set if the lease was lost: the holder must stop."""
        lost = threading.Event()
        done = threading.Event()
        path = self.conn.execute("PRAGMA database_list").fetchone()[2]

        def renew() -> None:
            conn = sqlite3.connect(path, timeout=15, isolation_level=None)
            try:
                while not done.wait(max(0.05, LEASE_SECONDS / 3)):
                    if not _renew(conn, item.id, self.owner):
                        lost.set()
                        return
            except sqlite3.Error:
                pass  # the holder's own checks (attempt, renew) still guard the send
            finally:
                conn.close()

        thread = threading.Thread(target=renew, name="ctlsupport-lease", daemon=True)
        thread.start()
        try:
            yield lost
        finally:
            done.set()
            thread.join(timeout=5)

    def mark_sent(
        self, item: OutboxItem, desk_id: int | None, *, adopted: bool = False, retries: int = 0
    ) -> None:
        """Delivered: remember the desk's id (unknown for mail: the desk numbers it on
        arrival) and drop the copied attachments."""
        self.conn.execute(
            "UPDATE outbox SET state = 'sent', desk_id = ?, adopted = ?, last_error = NULL, "
            "attempts = attempts + ?, lease_owner = NULL, lease_until = NULL, updated_at = ? "
            "WHERE id = ?",
            (desk_id, int(adopted), retries, stamp(), item.id),
        )
        shutil.rmtree(item.files_dir, ignore_errors=True)
        item.state, item.desk_id, item.adopted = "sent", desk_id, adopted
        _UNSENT_THIS_RUN.discard(item.id)

    def release(self, item: OutboxItem, error: str) -> None:
        """Not delivered this time: back in the queue with the reason (only when this
        process still holds it: a lost lease is the new holder's to release)."""
        self.conn.execute(
            "UPDATE outbox SET state = 'queued', last_error = ?, lease_owner = NULL, "
            "lease_until = NULL, updated_at = ? "
            "WHERE id = ? AND (lease_owner = ? OR lease_owner IS NULL) AND state != 'sent'",
            (error, stamp(), item.id, self.owner),
        )
        item.state, item.last_error = "queued", error

    def pending(self, profile: str | None = None) -> list[OutboxItem]:
        """Items not yet delivered, oldest first."""
        sql = "SELECT * FROM outbox WHERE state != 'sent'"
        args: tuple = ()
        if profile is not None:
            sql += " AND profile = ?"
            args = (profile,)
        return [OutboxItem.from_row(r) for r in self.conn.execute(sql + " ORDER BY id", args)]

    def items(self, *, include_sent: bool = False, limit: int = 100) -> list[OutboxItem]:
        sql = "SELECT * FROM outbox" + ("" if include_sent else " WHERE state != 'sent'")
        rows = self.conn.execute(sql + " ORDER BY id DESC LIMIT ?", (limit,))
        return [OutboxItem.from_row(r) for r in rows]

    def drop(self, item_id: int) -> OutboxItem:
        """Forget an undelivered item (and its copied files)."""
        item = self.get(item_id)
        if item.state == "sending":
            from ctlsupport.errors import InvalidInput

            raise InvalidInput(f"outbox item {item_id} is being sent right now; try again")
        self.conn.execute("DELETE FROM outbox WHERE id = ?", (item_id,))
        shutil.rmtree(item.files_dir, ignore_errors=True)
        _UNSENT_THIS_RUN.discard(item_id)
        return item


def _renew(conn: sqlite3.Connection, item_id: int, owner: str) -> bool:
    """Push the lease of an item `owner` holds; False when it holds it no more."""
    cursor = conn.execute(
        "UPDATE outbox SET lease_until = ? WHERE id = ? AND lease_owner = ? AND state = 'sending'",
        (_lease(LEASE_SECONDS), item_id, owner),
    )
    return cursor.rowcount == 1
