"""Read-side queries of the Requests API: lists, search, comments, sideloads."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from . import uploads, users
from .clock import iso, parse_iso
from .errors import not_found
from .shapes import STATUSES, comment_json, user_json
from .state import REQUEST_COLUMNS, VISIBLE_TO, SandboxState

SORTABLE = ("created_at", "updated_at")

# Which requests each list endpoint shows (contract §3.4).
SCOPES = {
    "own": "r.requester_id = :uid",
    "ccd": "EXISTS (SELECT 1 FROM request_users ru WHERE ru.request_id = r.id "
    "AND ru.user_id = :uid)",
    "visible": VISIBLE_TO,
}

_TOKEN = re.compile(
    r'(?P<key>[A-Za-z_]+)(?P<op><=|>=|:|<|>)(?P<value>"[^"]*"|\S+)'
    r'|"(?P<phrase>[^"]*)"'
    r"|(?P<word>\S+)"
)


def list_requests(
    state: SandboxState,
    user_id: int,
    *,
    scope: str,
    statuses: Iterable[str] = (),
    sort_by: str = "created_at",
    descending: bool = False,
) -> list[dict[str, Any]]:
    """The caller's requests in `scope`, optionally only the given statuses, sorted."""
    where = [SCOPES[scope]]
    args: dict[str, Any] = {"uid": user_id}
    wanted = [s for s in statuses if s in STATUSES]
    if wanted:
        where.append("r.status IN (" + ",".join(f":s{i}" for i in range(len(wanted))) + ")")
        args.update({f"s{i}": s for i, s in enumerate(wanted)})
    direction = "DESC" if descending else "ASC"
    column = sort_by if sort_by in SORTABLE else "created_at"
    with state.reading() as conn:
        rows = conn.execute(
            f"SELECT {REQUEST_COLUMNS} FROM requests r WHERE {' AND '.join(where)} "
            f"ORDER BY r.{column} {direction}, r.id {direction}",
            args,
        ).fetchall()
        return state.render_requests(conn, rows)


def split_statuses(value: str | None) -> list[str]:
    """`status=hold,open` as a list."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def search_requests(
    state: SandboxState,
    user_id: int,
    query: str,
    *,
    statuses: Iterable[str] = (),
    cc_only: bool = False,
    sort_by: str = "updated_at",
    descending: bool = True,
) -> list[dict[str, Any]]:
    """Match free words against subject and public comments (case-insensitive, all words),
    plus `status:`, `priority:`, `type:`, `created` and `updated` filters."""
    candidates = list_requests(
        state,
        user_id,
        scope="ccd" if cc_only else "visible",
        statuses=statuses,
        sort_by=sort_by,
        descending=descending,
    )
    words, filters = _parse_query(query)
    matches = [r for r in candidates if all(f(r) for f in filters)]
    if not words or not matches:
        return matches
    texts = _public_text(state, [r["id"] for r in matches])
    return [
        r
        for r in matches
        if all(w in (r["subject"] or "").lower() or w in texts.get(r["id"], "") for w in words)
    ]


def _public_text(state: SandboxState, request_ids: list[int]) -> dict[int, str]:
    marks = ",".join("?" * len(request_ids))
    texts: dict[int, list[str]] = {}
    with state.reading() as conn:
        for row in conn.execute(
            f"SELECT request_id, body FROM comments WHERE public = 1 AND request_id IN ({marks})",
            request_ids,
        ):
            texts.setdefault(row["request_id"], []).append(row["body"].lower())
    return {rid: "\n".join(parts) for rid, parts in texts.items()}


def _parse_query(query: str) -> tuple[list[str], list[Any]]:
    """Split Zendesk-style search text into lower-cased words and filter predicates."""
    words: list[str] = []
    filters: list[Any] = []
    for match in _TOKEN.finditer(query or ""):
        if match.group("phrase") is not None:
            if match.group("phrase").strip():
                words.append(match.group("phrase").strip().lower())
            continue
        if match.group("word") is not None:
            words.append(match.group("word").lower())
            continue
        key, op = match.group("key").lower(), match.group("op")
        value = match.group("value").strip('"')
        predicate = _filter(key, op, value)
        if predicate is None:
            words.append(match.group(0).lower())
        else:
            filters.append(predicate)
    return words, filters


def _filter(key: str, op: str, value: str) -> Any:
    if key in ("status", "priority", "type"):
        values = {v.strip().lower() for v in value.split(",") if v.strip()}
        if key == "status" and op != ":" and len(values) == 1:
            return _status_compare(op, values.pop())
        return lambda r: (r[key] or "") in values
    if key in ("created", "updated"):
        try:
            moment = parse_iso(value)
        except ValueError:
            return None
        field = f"{key}_at"
        if op == ":":
            day = iso(moment)[:10]
            return lambda r: r[field][:10] == day
        return _time_compare(field, op, moment)
    return None


def _status_compare(op: str, status: str) -> Any:
    if status not in STATUSES:
        return lambda r: False
    rank = STATUSES.index(status)
    checks = {
        "<": lambda r: STATUSES.index(r["status"]) < rank,
        "<=": lambda r: STATUSES.index(r["status"]) <= rank,
        ">": lambda r: STATUSES.index(r["status"]) > rank,
        ">=": lambda r: STATUSES.index(r["status"]) >= rank,
    }
    return checks[op]


def _time_compare(field: str, op: str, moment: datetime) -> Any:
    stamp = iso(moment)
    checks = {
        "<": lambda r: r[field] < stamp,
        "<=": lambda r: r[field] <= stamp,
        ">": lambda r: r[field] > stamp,
        ">=": lambda r: r[field] >= stamp,
    }
    return checks[op]


def list_comments(
    state: SandboxState,
    user_id: int,
    request_id: int,
    *,
    role: str | None = None,
    since: datetime | None = None,
    descending: bool = False,
) -> list[dict[str, Any]]:
    """Public comments of a visible request, by creation time."""
    where = ["c.request_id = :rid", "c.public = 1"]
    args: dict[str, Any] = {"rid": request_id, "uid": user_id}
    if role == "agent":
        where.append("u.role IN ('agent', 'admin')")
    elif role == "end_user":
        where.append("u.role = 'end-user'")
    if since is not None:
        where.append("c.created_at >= :since")
        args["since"] = iso(since)
    direction = "DESC" if descending else "ASC"
    with state.reading() as conn:
        _require_visible(conn, user_id, request_id)
        rows = conn.execute(
            f"""SELECT c.* FROM comments c JOIN users u ON u.id = c.author_id
                WHERE {" AND ".join(where)}
                ORDER BY c.created_at {direction}, c.id {direction}""",
            args,
        ).fetchall()
        return _render_comments(conn, rows, state.base_url)


def show_comment(
    state: SandboxState, user_id: int, request_id: int, comment_id: int
) -> dict[str, Any]:
    """One public comment of a visible request; 404 otherwise."""
    with state.reading() as conn:
        _require_visible(conn, user_id, request_id)
        rows = conn.execute(
            "SELECT * FROM comments WHERE id = ? AND request_id = ? AND public = 1",
            (comment_id, request_id),
        ).fetchall()
        if not rows:
            raise not_found()
        return _render_comments(conn, rows, state.base_url)[0]


def _render_comments(
    conn: sqlite3.Connection, rows: list[sqlite3.Row], base_url: str
) -> list[dict[str, Any]]:
    grouped = uploads.comment_attachments(conn, [row["id"] for row in rows])
    return [comment_json(row, grouped[row["id"]], base_url) for row in rows]


def _require_visible(conn: sqlite3.Connection, user_id: int, request_id: int) -> None:
    row = conn.execute(
        f"SELECT 1 FROM requests r WHERE r.id = :rid AND {VISIBLE_TO}",
        {"rid": request_id, "uid": user_id},
    ).fetchone()
    if row is None:
        raise not_found()


def sideload_users(state: SandboxState, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`include=users`: requester, assignee, email CCs and collaborators, each once."""
    ids: dict[int, None] = {}
    for request in requests:
        for user_id in (
            request["requester_id"],
            request["assignee_id"],
            *request["email_cc_ids"],
            *request["collaborator_ids"],
        ):
            if user_id is not None:
                ids[user_id] = None
    with state.reading() as conn:
        found = [users.by_id(conn, user_id) for user_id in ids]
        return [user_json(row, state.base_url) for row in found if row is not None]


def comment_authors(state: SandboxState, comments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`include=users` on a comment page: each author once (UNCONFIRMED, see docs)."""
    ids = dict.fromkeys(c["author_id"] for c in comments)
    with state.reading() as conn:
        found = [users.by_id(conn, user_id) for user_id in ids]
        return [user_json(row, state.base_url) for row in found if row is not None]
