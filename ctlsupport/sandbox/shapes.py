"""Turn stored rows into the JSON objects the real API emits (contract §3.1-3.3, §10)."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
TYPES = ("question", "incident", "problem", "task")
SOLVABLE_TYPES = ("question", "task", "incident")

# Zendesk's default custom statuses; closed shares solved's.
CUSTOM_STATUS_IDS = {"new": 1, "open": 2, "pending": 3, "hold": 4, "solved": 5, "closed": 5}

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(br|/p|/div)\s*/?\s*>", re.IGNORECASE)


def html_body(text: str) -> str:
    """Wrap plain text the way Zendesk renders a comment: paragraphs, escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p] or [""]
    inner = "".join(
        '<p dir="auto">' + html.escape(p, quote=False).replace("\n", "<br>") + "</p>"
        for p in paragraphs
    )
    return f'<div class="zd-comment" dir="auto">{inner}</div>'


def strip_html(markup: str) -> str:
    """Derive plain text from an `html_body` given on input."""
    text = _BREAK.sub("\n", markup)
    text = html.unescape(_TAG.sub("", text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def user_json(row: sqlite3.Row, base_url: str) -> dict[str, Any]:
    """The user shape of `GET /api/v2/users/me` (recorded 2023), minus session tokens."""
    is_agent = row["role"] in ("agent", "admin")
    return {
        "id": row["id"],
        "url": f"{base_url}/api/v2/users/{row['id']}.json",
        "name": row["name"],
        "email": row["email"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "time_zone": "UTC",
        "iana_time_zone": "Etc/UTC",
        "phone": None,
        "shared_phone_number": None,
        "photo": None,
        "locale_id": 1,
        "locale": "en-US",
        "organization_id": row["organization_id"],
        "role": row["role"],
        "verified": bool(row["verified"]),
        "external_id": None,
        "tags": [],
        "alias": None,
        "active": True,
        "shared": False,
        "shared_agent": False,
        "last_login_at": None,
        "two_factor_auth_enabled": None,
        "signature": None,
        "details": None,
        "notes": None,
        "role_type": 0 if is_agent else None,
        "custom_role_id": None,
        "moderator": is_agent,
        "ticket_restriction": None if is_agent else "requested",
        "only_private_comments": False,
        "restricted_agent": False,
        "suspended": False,
        "default_group_id": None,
        "report_csv": False,
        "user_fields": {},
    }


def attachment_json(row: sqlite3.Row, base_url: str) -> dict[str, Any]:
    """One attachment object as seen in upload responses and comments."""
    content_url = (
        f"{base_url}/attachments/token/{row['content_token']}/?name={quote(row['file_name'])}"
    )
    return {
        "url": f"{base_url}/api/v2/attachments/{row['id']}.json",
        "id": row["id"],
        "file_name": row["file_name"],
        "content_url": content_url,
        "mapped_content_url": content_url,
        "content_type": row["content_type"],
        "size": row["size"],
        "width": row["width"],
        "height": row["height"],
        "inline": False,
        "deleted": bool(row["deleted"]),
        "malware_access_override": False,
        "malware_scan_result": "not_scanned",
        "thumbnails": [],
    }


def comment_json(
    row: sqlite3.Row, attachments: Iterable[sqlite3.Row], base_url: str
) -> dict[str, Any]:
    """A request comment with the documented keys (no audit_id/via/metadata)."""
    return {
        "id": row["id"],
        "type": "Comment",
        "request_id": row["request_id"],
        "body": row["body"],
        "html_body": row["html_body"],
        "plain_body": row["body"],
        "public": bool(row["public"]),
        "author_id": row["author_id"],
        "attachments": [attachment_json(a, base_url) for a in attachments],
        "created_at": row["created_at"],
    }


def can_be_solved(row: sqlite3.Row) -> bool:
    """Assigned to an agent and of a solvable type, and not already solved or closed."""
    return (
        row["assignee_id"] is not None
        and row["type"] in SOLVABLE_TYPES
        and row["status"] not in ("solved", "closed")
    )


def request_json(
    row: sqlite3.Row,
    *,
    base_url: str,
    email_cc_ids: list[int],
    collaborator_ids: list[int],
    is_public: bool,
    followup_subject: str | None = None,
) -> dict[str, Any]:
    """The full request object, every key present and nulls explicit (contract §3.1)."""
    custom_fields = json.loads(row["custom_fields"])
    source: dict[str, Any] = {"from": {}, "to": {}, "rel": None}
    if row["followup_source_id"] is not None:
        source = {
            "from": {"ticket_id": row["followup_source_id"], "subject": followup_subject},
            "to": {},
            "rel": "follow_up",
        }
    return {
        "url": f"{base_url}/api/v2/requests/{row['id']}.json",
        "id": row["id"],
        "status": row["status"],
        "custom_status_id": CUSTOM_STATUS_IDS[row["status"]],
        "priority": row["priority"],
        "type": row["type"],
        "subject": row["subject"],
        "description": row["description"],
        "organization_id": row["organization_id"],
        "via": {"channel": row["via_channel"], "source": source},
        "custom_fields": custom_fields,
        "fields": [dict(f) for f in custom_fields],
        "requester_id": row["requester_id"],
        "collaborator_ids": collaborator_ids,
        "email_cc_ids": email_cc_ids,
        "is_public": is_public,
        "due_at": row["due_at"],
        "can_be_solved_by_me": can_be_solved(row),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "recipient": row["recipient"],
        "followup_source_id": row["followup_source_id"],
        "assignee_id": row["assignee_id"],
        "group_id": row["group_id"],
        "ticket_form_id": row["ticket_form_id"],
    }


def image_size(head: bytes) -> tuple[int | None, int | None]:
    """Width and height of a PNG or GIF from its first bytes; (None, None) otherwise."""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        return int.from_bytes(head[6:8], "little"), int.from_bytes(head[8:10], "little")
    return None, None
