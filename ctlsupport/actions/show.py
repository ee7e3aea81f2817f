"""Show one request: every field, its service-level clocks, the public thread and the
escalations sent from here."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ctlsupport.actions.tracking import history_of, now, record, set_first_reply

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session
    from ctlsupport.core import tracking
    from ctlsupport.model import Comment, Request


@dataclass
class Shown:
    """One request as `show` presents it; `data` is the JSON view."""

    request: Request
    row: tracking.Row
    panel: dict
    comments: list[Comment]
    escalated: list[Any]
    data: dict

    def links(self) -> list[str]:
        """The escalation links the desk shows: what this request escalates, or the
        escalation requests made of it."""
        of, made = self.data.get("escalation_of"), self.data.get("escalated_in") or []
        lines = [f"escalation of #{of}"] if of else []
        if made:
            lines.append("escalated in " + ", ".join(f"#{number}" for number in made))
        return lines


def show(request_id: int, state: Session) -> Shown:
    """Read the request and its thread from the desk, note them in local history."""
    from ctlsupport.actions import mail_views
    from ctlsupport.actions.records import local_history
    from ctlsupport.core import tracking
    from ctlsupport.store.escalations import Escalations

    profile = state.profile()
    if mail_views.mailbox_profile(state) is not None:  # no API sign-in: the mailbox
        found = mail_views.read_ticket(request_id, state, profile)
        return _from_mailbox(found, profile.tier, mail_views.known_escalations(profile))
    client = state.client(profile)
    request = client.get_request(request_id)
    comments = list(client.iter_comments(request_id))
    history = history_of(state)  # one connection for everything local
    alias = tracking.customer_alias(request.description)
    record(state, history, profile.name, [request], {request.id: alias})
    first_reply = next((c for c in comments if c.author_id != request.requester_id), None)
    if first_reply is not None:
        set_first_reply(state, history, profile.name, request.id, first_reply.created_at)
    escalated = []
    if history is not None:
        with local_history(state, "aliases and escalations", quiet=True):
            alias = alias or history.aliases(profile.name).get(request.id, "")
            escalated = Escalations(history.conn).for_ticket(profile.name, request_id)
    row = tracking.row(
        request, tier=profile.tier, now=now(), alias=alias, answered=first_reply is not None
    )
    panel = sla_panel(row, profile.tier, first_reply)
    data = {
        "request": asdict(request),
        "customer_alias": row.customer or None,
        "sla": panel,
        "comments": [asdict(c) for c in comments],
        "escalations": [asdict(e) for e in escalated],
        **_desk_links(request, lambda query: client.search_requests(query)),
    }

    return Shown(request, row, panel, comments, escalated, data)


def _desk_links(request: Request, search) -> dict[str, Any]:
    """The escalation link, read from the desk: an escalation names its ticket in its
    subject; a ticket's escalations are the requests whose subject names it (one search;
    a desk that cannot search leaves the list empty, never an error)."""
    from ctlsupport.core.escalation import subject, ticket_of
    from ctlsupport.errors import CtlError

    of = ticket_of(request.subject)
    if of is not None:
        return {"escalation_of": of, "escalated_in": []}
    try:
        found = search(f'"{subject(request.id)}"')
    except CtlError:
        found = []
    made = sorted(r.id for r in found if ticket_of(r.subject) == request.id)
    return {"escalation_of": None, "escalated_in": made}


def _from_mailbox(found, tier: str, known: list[Request]) -> Shown:
    """The same view from the alias's mailbox, with where its facts come from (`known`:
    the escalations its notifications told of, for the links)."""
    from ctlsupport.core import tracking

    request, comments = found.request, found.comments
    first_reply = next((c for c in comments if c.author_id != request.requester_id), None)
    row = tracking.row(request, tier=tier, now=now(), alias=found.alias,
                       answered=first_reply is not None)  # fmt: skip
    panel = sla_panel(row, tier, first_reply)
    data = {
        "request": asdict(request),
        "customer_alias": row.customer or None,
        "sla": panel,
        "comments": [asdict(c) for c in comments],
        "escalations": [],
        **_desk_links(request, lambda query: known),
        **found.extra,
    }
    return Shown(request, row, panel, comments, [], data)


def look(state: Session, request_id: int, url: str) -> str:
    """Where to look at a request: its page at the desk, or with the embedded --sandbox
    desk (gone when the command ends) the command that shows it."""
    return f"ctlsupport --sandbox show {request_id}" if state.sandbox else url


def web_url(state: Session, request_id: int) -> str:
    """The request's page at the desk (no call to the desk needed)."""
    return f"{state.profile().desk_url.rstrip('/')}/hc/requests/{request_id}"


def sla_panel(row: tracking.Row, tier: str, first_reply) -> dict:
    from ctlsupport.core import priority, sla, tracking
    from ctlsupport.store.db import stamp

    r = row.request
    found = priority.target(tier, r.priority or "normal")
    restore = sla.restoration_due(r.created_at, tier, r.priority)
    return {
        **tracking.clock_data(row.clock),
        "tier": tier,
        "first_reply_at": first_reply.created_at if first_reply else None,
        "updates": found.updates if found else None,
        "restoration": found.restoration if found else None,
        "restoration_due": stamp(restore) if restore else None,
    }
