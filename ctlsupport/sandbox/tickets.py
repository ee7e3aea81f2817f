"""The end user's side of the Requests API: create, update, read (contract §3.5-3.6).

Zendesk is permissive: keys an end user may not write are dropped, not refused.
Every function returns the names it dropped so the route can send the warning header.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from . import db, uploads, users
from .clock import iso, parse_iso, utcnow
from .errors import base_entry, not_found, record_invalid
from .shapes import PRIORITIES, TYPES, can_be_solved, html_body, strip_html
from .state import REQUEST_COLUMNS, VISIBLE_TO, SandboxState, insert_comment

CREATE_KEYS = frozenset(
    {
        "subject",
        "comment",
        "priority",
        "type",
        "due_at",
        "custom_fields",
        "fields",
        "ticket_form_id",
        "collaborators",
        "email_ccs",
        "via_followup_source_id",
    }
)
UPDATE_KEYS = frozenset({"comment", "solved", "additional_collaborators", "email_ccs"})
COMMENT_KEYS = frozenset({"body", "html_body", "uploads"})


def _unwrap(payload: Any, allowed: frozenset[str]) -> tuple[dict[str, Any], list[str]]:
    """Return the inner `request` object and the dotted names of every dropped key."""
    dropped: list[str] = []
    if not isinstance(payload, dict):
        return {}, dropped
    dropped.extend(str(key) for key in payload if key != "request")
    inner = payload.get("request")
    if not isinstance(inner, dict):
        return {}, dropped
    dropped.extend(f"request.{key}" for key in inner if key not in allowed)
    comment = inner.get("comment")
    if isinstance(comment, dict):
        dropped.extend(f"request.comment.{key}" for key in comment if key not in COMMENT_KEYS)
    return {key: value for key, value in inner.items() if key in allowed}, dropped


def _comment_parts(comment: Any) -> tuple[str, str, Any]:
    """(plain body, html body, uploads) from a comment input; `html_body` is accepted."""
    if not isinstance(comment, dict):
        return "", "", []
    body = comment.get("body")
    if isinstance(body, str) and body.strip():
        return body, html_body(body), comment.get("uploads", [])
    markup = comment.get("html_body")
    if isinstance(markup, str) and strip_html(markup):
        return strip_html(markup), markup, comment.get("uploads", [])
    return "", "", comment.get("uploads", [])


def _upload_tokens(value: Any, errors: list[dict[str, str]]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return value
    errors.append(base_entry("uploads", "Uploads: must be a list of upload tokens"))
    return []


def _custom_fields(value: Any, errors: list[dict[str, str]]) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(base_entry("custom_fields", "Custom fields: must be a list"))
        return []
    fields = []
    for entry in value:
        if isinstance(entry, dict) and isinstance(entry.get("id"), int):
            fields.append({"id": entry["id"], "value": entry.get("value")})
        else:
            errors.append(base_entry("custom_fields", "Custom fields: each needs an integer id"))
    return fields


def _desk_rules(
    state: SandboxState, fields: dict[str, Any], dropped: list[str], *, cc_key: str
) -> None:
    """Drop what the desk's settings do not let an end user write (docs/sandbox.md)."""
    settings = state.settings()
    refused = []
    if settings["end_user_priority"] == "off":
        refused.append("priority")
    # With CCs and followers on, CCs are `email_ccs`; without, the legacy collaborators.
    refused.append(cc_key if settings["ccs"] == "email_ccs" else "email_ccs")
    for key in refused:
        if key in fields:
            del fields[key]
            dropped.append(f"request.{key}")


def create_request(
    state: SandboxState, user: sqlite3.Row, payload: Any
) -> tuple[dict[str, Any], list[str]]:
    """`POST /api/v2/requests`; raises ApiError(422) on validation failures."""
    fields, dropped = _unwrap(payload, CREATE_KEYS)
    _desk_rules(state, fields, dropped, cc_key="collaborators")
    errors: list[dict[str, str]] = []
    subject = fields.get("subject")
    if not isinstance(subject, str) or not subject.strip():
        errors.append(base_entry("subject", "Subject: cannot be blank", "BlankValue"))
    body, markup, raw_uploads = _comment_parts(fields.get("comment"))
    if not body:
        errors.append(base_entry("description", "Description: cannot be blank", "BlankValue"))
    priority = fields.get("priority")
    if priority is not None and priority not in PRIORITIES:
        errors.append(base_entry("priority", f"Priority: {priority!r} is not a valid value"))
    kind = fields.get("type")
    if kind is not None and kind not in TYPES:
        errors.append(base_entry("type", f"Type: {kind!r} is not a valid value"))
    due_at = _due_at(fields.get("due_at"), kind, errors)
    custom = _custom_fields(fields.get("custom_fields", fields.get("fields")), errors)
    form_id = fields.get("ticket_form_id")
    if form_id is not None and not isinstance(form_id, int):
        errors.append(base_entry("ticket_form_id", "Ticket form: must be an integer id"))
    tokens = _upload_tokens(raw_uploads, errors)
    if errors:
        raise record_invalid({"base": errors})

    now = iso(utcnow())
    with state.writing() as conn:
        followup_id = _followup_source(conn, user["id"], fields.get("via_followup_source_id"))
        request_id = db.next_id(conn, "requests")
        conn.execute(
            """INSERT INTO requests (id, subject, description, status, priority, type, due_at,
                   requester_id, organization_id, via_channel, custom_fields, ticket_form_id,
                   followup_source_id, created_at, updated_at)
               VALUES (?, ?, ?, 'new', ?, ?, ?, ?, ?, 'api', ?, ?, ?, ?, ?)""",
            (
                request_id,
                subject.strip(),
                body,
                priority,
                kind,
                due_at,
                user["id"],
                user["organization_id"],
                json.dumps(custom),
                form_id,
                followup_id,
                now,
                now,
            ),
        )
        comment_id = insert_comment(conn, request_id, user["id"], body, markup, True, now)
        uploads.consume(conn, tokens, comment_id)
        _apply_ccs(conn, request_id, user["id"], fields.get("email_ccs"))
        _add_collaborators(conn, request_id, user["id"], fields.get("collaborators"))
    from . import notify

    notify.send(state, request_id, "received")
    return _render_one(state, request_id), dropped


def update_request(
    state: SandboxState, user: sqlite3.Row, request_id: int, payload: Any
) -> tuple[dict[str, Any], list[str]]:
    """`PUT /api/v2/requests/{id}`: comment, solve, CCs; everything else is dropped."""
    fields, dropped = _unwrap(payload, UPDATE_KEYS)
    _desk_rules(state, fields, dropped, cc_key="additional_collaborators")
    with state.writing() as conn:
        row = _visible_row(conn, user["id"], request_id)
        if row["status"] == "closed":
            raise record_invalid(
                {"status": [{"description": "Status: closed prevents ticket update"}]}
            )
        status, solved_at = row["status"], row["solved_at"]
        wants_solved = fields.get("solved") in (True, "true")
        if wants_solved and status != "solved" and not can_be_solved(row):
            raise record_invalid(
                {
                    "base": [
                        base_entry(
                            "solved",
                            "Solved: this request cannot be solved by you; it must be "
                            "assigned to an agent and be a question, incident or task",
                        )
                    ]
                }
            )
        now = iso(utcnow())
        changed = False
        if "comment" in fields:
            errors: list[dict[str, str]] = []
            body, markup, raw_uploads = _comment_parts(fields["comment"])
            tokens = _upload_tokens(raw_uploads, errors)
            if not body and not tokens:
                errors.append(base_entry("comment", "Comment: cannot be blank", "BlankValue"))
            if errors:
                raise record_invalid({"base": errors})
            comment_id = insert_comment(conn, request_id, user["id"], body, markup, True, now)
            uploads.consume(conn, tokens, comment_id)
            if status in ("pending", "solved"):
                status, solved_at = "open", None
            changed = True
        if wants_solved and status != "solved":
            status, solved_at = "solved", now
            changed = True
        changed |= _apply_ccs(conn, request_id, row["requester_id"], fields.get("email_ccs"))
        changed |= _add_collaborators(
            conn, request_id, row["requester_id"], fields.get("additional_collaborators")
        )
        if changed:
            conn.execute(
                "UPDATE requests SET status = ?, solved_at = ?, updated_at = ? WHERE id = ?",
                (status, solved_at, now, request_id),
            )
    if status == "solved" and row["status"] != "solved":
        from . import notify

        notify.send(state, request_id, "solved")
    return _render_one(state, request_id), dropped


def _due_at(value: Any, kind: Any, errors: list[dict[str, str]]) -> str | None:
    if value is None:
        return None
    try:
        stamp = iso(parse_iso(value)) if isinstance(value, str) else None
    except ValueError:
        stamp = None
    if stamp is None:
        errors.append(base_entry("due_at", "Due date: is not a valid date"))
        return None
    if kind != "task":
        errors.append(base_entry("due_at", "Due date: can only be set when type is task"))
    return stamp


def _followup_source(conn: sqlite3.Connection, user_id: int, value: Any) -> int | None:
    """A follow-up needs a closed request the user can see; anything else is ignored."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    row = conn.execute(
        f"SELECT r.status FROM requests r WHERE r.id = :rid AND {VISIBLE_TO}",
        {"rid": value, "uid": user_id},
    ).fetchone()
    return value if row is not None and row["status"] == "closed" else None


def _link(conn: sqlite3.Connection, request_id: int, user_id: int, kind: str) -> bool:
    seq = conn.execute(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM request_users WHERE request_id = ?", (request_id,)
    ).fetchone()[0]
    cursor = conn.execute(
        "INSERT OR IGNORE INTO request_users (request_id, user_id, kind, seq) VALUES (?, ?, ?, ?)",
        (request_id, user_id, kind, seq),
    )
    return cursor.rowcount > 0


def _apply_ccs(conn: sqlite3.Connection, request_id: int, requester_id: int, value: Any) -> bool:
    """`email_ccs` entries: `{user_id}` or `{user_email, user_name}`, action put|delete."""
    if not isinstance(value, list):
        return False
    changed = False
    for entry in value:
        if not isinstance(entry, dict):
            continue
        user_id = _resolve_user(
            conn, entry.get("user_id"), entry.get("user_email"), entry.get("user_name")
        )
        if user_id is None or user_id == requester_id:
            continue
        if entry.get("action", "put") == "delete":
            cursor = conn.execute(
                "DELETE FROM request_users WHERE request_id = ? AND user_id = ? AND kind = ?",
                (request_id, user_id, "email_cc"),
            )
            changed |= cursor.rowcount > 0
        else:
            changed |= _link(conn, request_id, user_id, "email_cc")
    return changed


def _add_collaborators(
    conn: sqlite3.Connection, request_id: int, requester_id: int, value: Any
) -> bool:
    """`collaborators`: user ids, email strings or `{name, email}` objects."""
    if not isinstance(value, list):
        return False
    changed = False
    for entry in value:
        if isinstance(entry, dict):
            user_id = _resolve_user(conn, None, entry.get("email"), entry.get("name"))
        elif isinstance(entry, str):
            user_id = _resolve_user(conn, None, entry, None)
        else:
            user_id = _resolve_user(conn, entry, None, None)
        if user_id is not None and user_id != requester_id:
            changed |= _link(conn, request_id, user_id, "collaborator")
    return changed


def _resolve_user(conn: sqlite3.Connection, user_id: Any, email: Any, name: Any) -> int | None:
    """Existing users by id; emails are found or created; anything else is ignored."""
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        row = users.by_id(conn, user_id)
        return None if row is None else int(row["id"])
    if users.valid_email(email):
        return users.find_or_create_end_user(conn, email.strip(), name)
    return None


def _visible_row(conn: sqlite3.Connection, user_id: int, request_id: int) -> sqlite3.Row:
    row = conn.execute(
        f"SELECT r.* FROM requests r WHERE r.id = :rid AND {VISIBLE_TO}",
        {"rid": request_id, "uid": user_id},
    ).fetchone()
    if row is None:
        raise not_found()
    return row


def _render_one(state: SandboxState, request_id: int) -> dict[str, Any]:
    rendered = state.get_request(request_id)
    if rendered is None:  # pragma: no cover - the row was written just before
        raise not_found()
    return rendered


def show_request(state: SandboxState, user: sqlite3.Row, request_id: int) -> dict[str, Any]:
    """The request if the user is its requester or CC'd on it; otherwise 404."""
    with state.reading() as conn:
        rows = conn.execute(
            f"SELECT {REQUEST_COLUMNS} FROM requests r WHERE r.id = :rid AND {VISIBLE_TO}",
            {"rid": request_id, "uid": user["id"]},
        ).fetchall()
        if not rows:
            raise not_found()
        return state.render_requests(conn, rows)[0]
