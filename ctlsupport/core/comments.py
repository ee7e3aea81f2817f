"""An update on a ticket: the text, the signature the provider asks for on every update,
and a short client reference so a lost answer can be checked before sending again."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from ctlsupport.errors import InvalidInput

REFERENCE_PREFIX = "Client reference: "
COMMENT_MAX_CHARS = 64 * 1024
_REFERENCE = re.compile(rf"^{REFERENCE_PREFIX}(\S+)[ \t]*$", re.MULTILINE)


def new_reference() -> str:
    """A short reference that goes into the comment (the Requests API has no idempotency)."""
    return f"ctlsupport-c-{uuid.uuid4().hex[:16]}"


def reference_in(text: str) -> str | None:
    """The client reference a ticket body or comment written by ctlsupport ends with."""
    found = _REFERENCE.findall(text or "")
    return found[-1] if found else None


def check_text(text: str) -> str:
    """The comment text, trimmed; refuses empty and oversized text."""
    cleaned = text.replace("\x00", "").strip()
    if not cleaned:
        raise InvalidInput("the comment is empty", hint="Pass --body TEXT or --body-file FILE.")
    if len(cleaned) > COMMENT_MAX_CHARS:
        raise InvalidInput(
            f"the comment is longer than {COMMENT_MAX_CHARS} characters",
            hint="Attach long output as a file with --attach.",
        )
    return cleaned


def render(text: str, *, full_name: str, alias: str = "", reference: str = "") -> str:
    """The comment body: the text, then the submitter's full name (every update carries
    it), then the client reference."""
    if not full_name.strip():
        raise InvalidInput(
            "every update must carry your full name",
            hint="Pass --full-name NAME, or set it: `ctlsupport config set full_name 'Jo Doe'`.",
        )
    lines = [check_text(text), "", "--", full_name.strip()]
    if alias:
        lines.append(f"Partner support ({alias})")
    if reference:
        lines += ["", f"{REFERENCE_PREFIX}{reference}"]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Target:
    """Where a comment goes: the ticket itself, or a follow-up of a closed one."""

    request_id: int
    follow_up: bool = False
    reopens: bool = False  # a comment on a solved ticket reopens it


def target_for(request_id: int, status: str, *, follow_up: bool | None) -> Target:
    """Decide how an update reaches a ticket in this status.

    `follow_up` is the user's answer: True/False, or None when nobody could be asked.
    """
    if status == "closed":
        if follow_up is None:
            raise InvalidInput(
                f"ticket #{request_id} is closed: a comment cannot reach it",
                hint="Pass --follow-up to open a follow-up request that refers to it.",
            )
        if not follow_up:
            from ctlsupport.errors import Cancelled

            raise Cancelled("cancelled; nothing was sent")
        return Target(request_id, follow_up=True)
    return Target(request_id, reopens=status == "solved")


def follow_up_payload(source_id: int, subject: str, body: str) -> dict:
    """A new request that follows a closed one (the desk links them), at normal priority."""
    return {
        "request": {
            "subject": f"Follow-up to #{source_id}: {subject}"[:250],
            "comment": {"body": body},
            "priority": "normal",
            "via_followup_source_id": source_id,
        }
    }
