"""Uploads and attachments (contract §4): files on disk, metadata in SQLite."""

from __future__ import annotations

import contextlib
import mimetypes
import secrets
import sqlite3
import string
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ctlsupport.config.paths import open_private

from . import db
from .clock import iso, parse_iso, utcnow
from .errors import ApiError, base_entry, not_found, record_invalid
from .shapes import attachment_json, image_size
from .state import VISIBLE_TO, SandboxState

APPEND_WINDOW = timedelta(minutes=60)
TOKEN_LIFETIME = timedelta(days=3)
_ALPHANUMERIC = string.ascii_letters + string.digits


def new_token() -> str:
    """25 alphanumeric characters, like every observed upload and content token."""
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(25))


def content_type_for(header: str | None, filename: str) -> str:
    """The declared type, unless it is the generic one; then guess from the extension."""
    declared = (header or "").split(";")[0].strip().lower()
    if declared and declared != "application/octet-stream":
        return declared
    guessed, _encoding = mimetypes.guess_type(filename)
    return guessed or "application/octet-stream"


def empty_file_error() -> ApiError:
    """The 2017 recorded answer to an empty upload."""
    return record_invalid(
        {"size": [{"description": "Size Size is not included in the list (1..1073741824)"}]}
    )


def store(
    state: SandboxState,
    *,
    uploader_id: int,
    filename: str,
    content_type: str,
    chunks: Iterable[bytes],
    token: str | None,
) -> tuple[dict[str, Any], int]:
    """Write the file, then attach it to a new or existing upload; return (payload, id)."""
    temp = state.uploads_dir / f".incoming-{secrets.token_hex(8)}"
    size = 0
    head = b""
    try:
        with open_private(temp, "wb") as out:
            for chunk in chunks:
                if len(head) < 32:
                    head += chunk[: 32 - len(head)]
                size += len(chunk)
                out.write(chunk)
        if size == 0:
            raise empty_file_error()
        width, height = image_size(head)
        now = utcnow()
        with state.writing() as conn:
            if token is None:
                token = new_token()
                conn.execute(
                    """INSERT INTO uploads (token, uploader_id, created_at, expires_at)
                       VALUES (?, ?, ?, ?)""",
                    (token, uploader_id, iso(now), iso(now + TOKEN_LIFETIME)),
                )
            else:
                _require_appendable(conn, token, now, uploader_id)
            attachment_id = db.next_id(conn, "attachments")
            stored_name = str(attachment_id)
            conn.execute(
                """INSERT INTO attachments (id, upload_token, file_name, content_type, size,
                       width, height, content_token, stored_name, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    attachment_id,
                    token,
                    filename,
                    content_type,
                    size,
                    width,
                    height,
                    new_token(),
                    stored_name,
                    iso(now),
                ),
            )
            temp.replace(state.uploads_dir / stored_name)
            payload = _upload_payload(conn, state.base_url, token)
        return payload, attachment_id
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _require_appendable(
    conn: sqlite3.Connection, token: str, now: datetime, uploader_id: int
) -> None:
    row = conn.execute("SELECT * FROM uploads WHERE token = ?", (token,)).fetchone()
    if (
        row is None
        or row["uploader_id"] != uploader_id  # files go only into one's own upload
        or row["deleted"]
        or row["consumed_at"] is not None
        or parse_iso(row["created_at"]) + APPEND_WINDOW <= now
    ):
        raise record_invalid(
            {"base": [base_entry("token", "Token: is invalid or no longer accepts files")]}
        )


def _upload_payload(conn: sqlite3.Connection, base_url: str, token: str) -> dict[str, Any]:
    upload = conn.execute("SELECT * FROM uploads WHERE token = ?", (token,)).fetchone()
    rows = conn.execute(
        "SELECT * FROM attachments WHERE upload_token = ? AND deleted = 0 ORDER BY id", (token,)
    ).fetchall()
    attachments = [attachment_json(row, base_url) for row in rows]
    return {
        "upload": {
            "token": token,
            "expires_at": upload["expires_at"],
            "attachments": attachments,
            "attachment": attachments[-1],
        }
    }


def delete(state: SandboxState, token: str, user_id: int) -> None:
    """Drop an unused upload of `user_id` and its files; 404 when unknown, deleted,
    already used, or another user's (a token is not a licence to delete)."""
    with state.writing() as conn:
        row = conn.execute(
            "SELECT * FROM uploads WHERE token = ? AND deleted = 0 AND consumed_at IS NULL "
            "AND uploader_id = ?",
            (token, user_id),
        ).fetchone()
        if row is None:
            raise not_found()
        names = [
            r["stored_name"]
            for r in conn.execute(
                "SELECT stored_name FROM attachments WHERE upload_token = ?", (token,)
            )
        ]
        conn.execute("UPDATE uploads SET deleted = 1 WHERE token = ?", (token,))
        conn.execute("UPDATE attachments SET deleted = 1 WHERE upload_token = ?", (token,))
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            (state.uploads_dir / name).unlink()


def consume(conn: sqlite3.Connection, tokens: list[str], comment_id: int) -> None:
    """Attach each upload's files to a comment; a token works once and until it expires."""
    now = utcnow()
    for token in dict.fromkeys(tokens):
        row = conn.execute("SELECT * FROM uploads WHERE token = ?", (token,)).fetchone()
        if (
            row is None
            or row["deleted"]
            or row["consumed_at"] is not None
            or parse_iso(row["expires_at"]) <= now
        ):
            raise record_invalid(
                {"base": [base_entry("uploads", f"Uploads: token {token} is invalid or expired")]}
            )
        conn.execute(
            "UPDATE attachments SET comment_id = ? WHERE upload_token = ? AND deleted = 0",
            (comment_id, token),
        )
        conn.execute("UPDATE uploads SET consumed_at = ? WHERE token = ?", (iso(now), token))


def for_download(state: SandboxState, content_token: str) -> tuple[sqlite3.Row, Path]:
    """The attachment row and file behind a `content_url`; 404 when gone."""
    with state.reading() as conn:
        row = conn.execute(
            "SELECT * FROM attachments WHERE content_token = ? AND deleted = 0", (content_token,)
        ).fetchone()
    if row is None:
        raise not_found()
    path = state.uploads_dir / row["stored_name"]
    if not path.is_file():
        raise not_found()
    return row, path


def show(state: SandboxState, user_id: int, attachment_id: int) -> dict[str, Any]:
    """`GET /api/v2/attachments/{id}`: the uploader's, or on a public comment the user sees."""
    with state.reading() as conn:
        row = conn.execute(
            f"""SELECT a.* FROM attachments a JOIN uploads u ON u.token = a.upload_token
                LEFT JOIN comments c ON c.id = a.comment_id
                LEFT JOIN requests r ON r.id = c.request_id
                WHERE a.id = :aid AND a.deleted = 0
                  AND (u.uploader_id = :uid OR (c.public = 1 AND {VISIBLE_TO}))""",
            {"aid": attachment_id, "uid": user_id},
        ).fetchone()
    if row is None:
        raise not_found()
    return {"attachment": attachment_json(row, state.base_url)}


def comment_attachments(
    conn: sqlite3.Connection, comment_ids: list[int]
) -> dict[int, list[sqlite3.Row]]:
    """Attachments grouped by comment id, in upload order."""
    grouped: dict[int, list[sqlite3.Row]] = {cid: [] for cid in comment_ids}
    if not comment_ids:
        return grouped
    marks = ",".join("?" * len(comment_ids))
    for row in conn.execute(
        f"SELECT * FROM attachments WHERE comment_id IN ({marks}) ORDER BY id", comment_ids
    ):
        grouped[row["comment_id"]].append(row)
    return grouped
