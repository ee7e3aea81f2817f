"""Plain data the core passes around: a ticket being written, and what the desk returns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ctlsupport.secret import Secret

# Escape sequences whole (CSI, OSC, DCS/PM/APC/SOS strings, two-byte ESC codes; an
# unterminated string ends at the line's end), then any control character left but tab
# and newline, and the bidirectional overrides. Each pattern is a single pass with no
# nested repetition: linear in the text.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c\n]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """Desk text made safe for a terminal: no escape sequences, no control characters
    but tab and newline (a lone carriage return becomes a newline)."""
    if not isinstance(text, str):
        return "" if text is None else str(text)
    if text.isprintable():
        return text  # the common case, at C speed
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


@dataclass
class TicketDraft:
    """Everything the provider asks of a ticket (see the field table in core/fields.py)."""

    subject: str = ""
    priority: str = "normal"
    partner_ticket: str = ""
    customer_name: str = ""
    customer_alias: str = ""
    datacenter: str = ""
    server: str = ""
    ip: str = ""
    portal_username: str = ""
    pin: Secret | None = None
    full_name: str = ""
    description: str = ""
    steps: str = ""
    error_text: str = ""
    attachments: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    login_required: bool = False
    root_password: Secret | None = None
    type: str = "incident"
    due_at: str = ""  # service tasks only: ISO 8601 UTC
    # Urgent and high: the matrix criterion that applies, and one line of business impact.
    priority_justification: str = ""
    business_impact: str = ""
    # A template's L1 checklist items not done and not explained ({"id", "text"} each):
    # an escalation of the ticket asks the reason first.
    checklist_open: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Attachment:
    file_name: str
    size: int
    content_type: str
    content_url: str

    def __post_init__(self) -> None:
        self.file_name = printable(self.file_name)
        self.content_type = printable(self.content_type)


@dataclass
class Comment:
    id: int
    author_id: int
    author_name: str
    body: str
    public: bool
    created_at: str
    attachments: list[Attachment] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.author_name = printable(self.author_name)
        self.body = printable(self.body)
        self.created_at = printable(self.created_at)


@dataclass
class Request:
    """A desk request as the end user sees it."""

    id: int
    subject: str
    status: str
    priority: str | None
    type: str | None
    description: str
    created_at: str
    updated_at: str
    url: str
    web_url: str
    requester_id: int | None = None
    assignee_id: int | None = None
    email_cc_ids: list[int] = field(default_factory=list)
    can_be_solved_by_me: bool = False
    followup_source_id: int | None = None
    via_channel: str | None = None
    # The legacy CCs (desks without CCs and followers), to check which CCs were kept.
    collaborator_ids: list[int] = field(default_factory=list)
    # The desk's custom fields as it answered them: the provider's automation marks an
    # escalation and its ticket there (docs/sandbox.md, "Escalations").
    custom_fields: list[dict[str, Any]] = field(default_factory=list)
    group_id: int | None = None

    def __post_init__(self) -> None:
        # Whatever the desk sends is shown in a terminal: no escape sequences reach it.
        for name in ("subject", "status", "description", "created_at", "updated_at"):
            setattr(self, name, printable(getattr(self, name)))
        self.priority = None if self.priority is None else printable(self.priority)
        self.type = None if self.type is None else printable(self.type)
        self.via_channel = None if self.via_channel is None else printable(self.via_channel)
