"""Which way a ticket or an escalation goes to the provider's real desk, and why.

The provider sets urgent and high priority by the address a mail is sent to; through
the API an end user's priority is dropped unless the desk allows it (contract §13.2).
An escalation is a NEW mail to the escalation address; a request made through the API
is an ordinary request in the shared queue. So: urgent and high by email where the
profile can send mail, escalations always by email (or handed to a person to send).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

BY_ADDRESS = ("urgent", "high")
EMAIL_REASON = (
    "{priority} goes by email: the address it is sent to sets the priority at the desk, "
    "which drops an end user's priority sent through the API"
)
API_ESCALATION_WARNING = (
    "an escalation through the API is an ordinary request in the shared queue, not an "
    "escalation; only a new mail to the escalation address is escalated"
)
HANDOFF_REASON = (
    "no mail server is set up for this profile, so the escalation is written for you to "
    "send (it never goes as an ordinary request)"
)


@dataclass(frozen=True)
class Choice:
    """A route (`api`, `email`, or `handoff`: written for a person to send) and why."""

    route: str
    reason: str = ""


def can_send_mail(smtp_host: str, alias: str) -> bool:
    """Whether the profile has what the email route needs to send on its own."""
    return bool(smtp_host.strip() and alias.strip())


def ticket_route(
    priority: str, *, explicit: str | None, profile_via: str, can_mail: bool
) -> Choice:
    """The route of a new ticket: the one asked for, else email for urgent and high where
    mail can be sent, else the profile's `via`."""
    if explicit:
        return Choice(explicit)
    if priority in BY_ADDRESS and can_mail:
        return Choice("email", EMAIL_REASON.format(priority=priority.capitalize()))
    return Choice(profile_via or "api")


def escalation_route(*, explicit: str | None, can_mail: bool) -> Choice:
    """The route of an escalation: email by default, a hand-off without a mail server;
    the API only when asked for, and then with the warning."""
    if explicit == "api":
        return Choice("api", API_ESCALATION_WARNING)
    if can_mail:
        return Choice("email")
    return Choice("handoff", HANDOFF_REASON)


def early_note(
    now: datetime, *, ticket_id: int, since: datetime, due: datetime | None, answered: bool
) -> str | None:
    """A warning (never a refusal: the process sets no waiting time before an escalation)
    when the response target, counted from the provider's last answer (or the ticket's
    creation when it never answered), has not passed yet."""
    if due is None or now >= due:
        return None
    waited = _span(now - since)
    start = "the provider's last answer" if answered else "the ticket was opened"
    return (
        f"escalation may be early: {waited} since {start} on #{ticket_id}, and the response "
        f"target runs until {due.astimezone():%Y-%m-%d %H:%M %Z}; escalating anyway is allowed"
    )


def _span(delta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"
