"""Plain data the core passes around: a ticket being written, and what the desk returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ctlsupport.secret import Secret


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


@dataclass
class Attachment:
    file_name: str
    size: int
    content_type: str
    content_url: str


@dataclass
class Comment:
    id: int
    author_id: int
    author_name: str
    body: str
    public: bool
    created_at: str
    attachments: list[Attachment] = field(default_factory=list)


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
