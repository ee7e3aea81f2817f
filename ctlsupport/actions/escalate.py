"""Escalate a ticket to the provider's operations management: the process checks (tier,
status, the first-response target, the service-task window), the exact message, and
delivery exactly once by a new request or a new message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ctlsupport.actions.results import Done
from ctlsupport.actions.session import Session
from ctlsupport.core import validate
from ctlsupport.errors import MissingFields


@dataclass
class EscalateOptions:
    """What `escalate` was given."""

    request_id: int
    reason: str | None = None
    full_name: str | None = None
    route: str = "auto"  # auto: email, or a hand-off without a mail server
    yes: bool = False
    redact: bool = True  # False: --no-redact (known secrets are masked all the same)
    unchecked: list[str] = field(default_factory=list)  # ITEM=REASON, checklist items not done


def escalate(opts: EscalateOptions, state: Session) -> Done:
    """Check, compose and send one escalation; its result."""
    from ctlsupport.core import escalation

    profile = state.profile()
    escalation.check_allowed(profile.tier, "", opts.request_id)  # the tier, before any network
    ask = state.asker()
    from ctlsupport.actions.records import signer, signer_hint

    name = signer(state, profile, opts.request_id, opts.full_name)
    reason = (opts.reason or "").strip()
    if not ask.interactive:
        absent = [
            flag for flag, value in (("--reason", reason), ("--full-name", name)) if not value
        ]
        if absent:
            raise MissingFields(
                f"missing required input: {', '.join(absent)}",
                hint="Pass them as flags, or run in a terminal without --no-input to be asked."
                + (f" {signer_hint(state)}" if not name else ""),
                details={"missing": absent},
            )
    route = _route(opts, profile, state)
    client, request = _read_ticket(state, profile, opts.request_id, route)
    escalation.check_allowed(profile.tier, request.status if request else "", opts.request_id)
    notes = _timing(opts.request_id, request, profile.tier, client)
    for note in notes:
        state.notes.warn(note)
    # "Early" only warns: the process sets no waiting time before an escalation.
    asking = [n for n in notes if not n.startswith("escalation may be early")]
    if ask.interactive:
        if not name:
            name = ask.text("Your full name", check=validate.required("your full name"))
        if not reason:
            reason = ask.text("Why does it need escalation?", check=validate.required("the reason"))
        if (asking and not opts.yes) and not ask.confirm("Escalate anyway?", default=False):
            from ctlsupport.errors import Cancelled

            raise Cancelled("cancelled; nothing was sent")
    # The ticket's checklist items not done and not explained: each needs its reason now.
    from ctlsupport.actions.prefill import escalation_reasons

    undone = escalation_reasons(ask, profile.name, opts.request_id, opts.unchecked)
    reason = f"{reason}\n\n{undone}" if undone else reason
    from ctlsupport.core.outbound import Gate

    gate = Gate.for_profile(profile.name, profile.alias, redact=opts.redact)
    reason = gate.text(reason)  # the outbox and the history keep only what may be sent
    text = escalation.compose(
        ticket_id=opts.request_id,
        ticket_subject=request.subject if request else "",
        ticket_link=request.web_url if request else "",
        reason=reason,
        full_name=name,
        alias=profile.alias,
        priority=request.priority if request else None,
        created_at=request.created_at if request else "",
    )
    text.subject, text.body = gate.text(text.subject), gate.text(text.body)
    if route == "email":
        return _done(_send_email(state, profile, opts.request_id, text, reason), state)
    if route == "handoff":
        return _handoff(profile, opts.request_id, text)
    return _done(_send_api(state, client, profile, request, text, reason), state)


def _route(opts: EscalateOptions, profile, state: Session) -> str:
    """email by default; written for a person without a mail server; api only when asked,
    and then said to be an ordinary request (core/routing.py)."""
    from ctlsupport.core import routing

    explicit = None if opts.route == "auto" else opts.route
    can_mail = routing.can_send_mail(profile.smtp_host, profile.alias)
    choice = routing.escalation_route(explicit=explicit, can_mail=can_mail or explicit == "email")
    if choice.route in ("api", "handoff"):
        state.notes.warn(choice.reason)
    return choice.route


def _handoff(profile, request_id: int, text) -> Done:
    """The exact message as an .eml file and a mailto: link, for a person to send."""
    from ctlsupport.config import paths
    from ctlsupport.core import handoff, mailroutes

    to = mailroutes.resolve(profile.routes, kind="escalation").address
    folder = paths.ensure_private_dir(paths.data_dir() / "escalations")
    made = handoff.write(folder, alias=profile.alias, to=to, subject=text.subject,
                         body=text.body, name=f"escalation-{request_id}")  # fmt: skip
    data = {"route": "handoff", "original_id": request_id, "sent": False, **made.as_data()}
    lines = [
        f"Escalation of #{request_id} NOT sent (no mail server): written to {made.path}",
        f"  To: {made.to}  Subject: {made.subject}",
        f"  Next: {made.instructions()}",
    ]
    if made.mailto:
        lines.append(f"  {made.mailto}")
    return Done(data, lines)


def _timing(request_id: int, request, tier: str, client=None) -> list[str]:
    """The warnings about when this escalation is sent. The response target counts
    from the provider's last answer (or the ticket's creation when it has not answered):
    never a refusal, the process sets no wait."""
    from ctlsupport.core import escalation, routing
    from ctlsupport.core.sla import first_response_due_at

    now = datetime.now(UTC)
    notes = []
    if request is not None and request.created_at:
        last = _last_answer(client, request_id)
        since = escalation.parse_time(last.created_at if last else request.created_at)
        due = first_response_due_at(since, tier, request.priority, request.type)
        note = routing.early_note(
            now, ticket_id=request_id, since=since, due=due, answered=last is not None
        )
        if note:
            notes.append(note)
    if request and request.type == "task" and not escalation.in_task_ack_window(now):
        notes.append(
            "service-task escalations are acknowledged only 7:00-19:00 Pacific; this one "
            f"will be acknowledged from {escalation.next_task_ack(now):%a %Y-%m-%d %H:%M %Z}"
        )
    return notes


def _last_answer(client, request_id: int):
    """The provider's newest public answer on the ticket, or None (or unknown)."""
    if client is None:
        return None
    from ctlsupport.errors import CtlError

    try:
        found = client.iter_comments(request_id, newest_first=True, role="agent", page_size=1)
        return next(iter(found), None)
    except CtlError:
        return None


def _done(sent: dict, state: Session) -> Done:
    from ctlsupport.actions.show import look

    ticket = sent["original_id"]
    if sent["route"] == "api":
        where = f"as request #{sent['escalation_id']}"
        last = look(state, sent["escalation_id"], sent["web_url"])
    else:
        where, last = f"by email to {sent['to']}", f"Message-ID {sent['message_id']}"
    return Done(sent, [f"Escalated #{ticket} {where}", f"  {sent['subject']}", f"  {last}"])


def _local(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M %Z")


def _send_api(state: Session, client, profile, request, text, reason: str) -> dict:
    """A new request at the desk (type question), delivered exactly once."""
    from ctlsupport.actions.records import remember_escalation
    from ctlsupport.core import escalation
    from ctlsupport.core.delivery import RetryPolicy, deliver

    ref = escalation.new_reference()
    body = text.body + f"\nClient reference: {ref}\n"
    payload = {"request": {"subject": text.subject, "comment": {"body": body}, "type": "question"}}
    delivered = deliver(
        lambda: client.create_request(payload),
        lambda: client.find_by_reference(ref),
        policy=RetryPolicy.from_env(),
    )
    new = delivered.result
    remember_escalation(
        state, None, profile.name, request.id, route="api", reason=reason, escalation_id=new.id
    )
    return {
        "route": "api",
        "original_id": request.id,
        "escalation_id": new.id,
        "subject": new.subject,
        "web_url": new.web_url,
        "adopted": delivered.adopted,
    }


def _read_ticket(state: Session, profile, request_id: int, route: str):
    """(client, request) from the desk. By email, a partner without API access still
    escalates: the checks that need the ticket are skipped, and said so."""
    from ctlsupport.errors import AuthError, ConfigError, DeskUnreachable, KeyringUnavailable

    try:
        client = state.client(profile)
        return client, client.get_request(request_id)
    except (AuthError, ConfigError, DeskUnreachable, KeyringUnavailable) as exc:
        if route == "api":
            raise
        state.notes.warn(
            f"#{request_id} was not read from the desk ({exc.message}); escalating by email "
            "without checking its status or first-response target"
        )
        return None, None


def _send_email(state: Session, profile, request_id: int, text, reason: str) -> dict:
    """A NEW message to the escalation address, through the outbox (kept on failure)."""
    from ctlsupport.actions.mail_delivery import kept, ready, send_mail_one
    from ctlsupport.core import mailout, mailroutes
    from ctlsupport.errors import CtlError
    from ctlsupport.store import db
    from ctlsupport.store.mail_log import MailLog
    from ctlsupport.store.outbox import Outbox

    ready(profile)  # an incomplete email route fails before anything is queued
    route = mailroutes.resolve(profile.routes, kind="escalation")
    outbox = Outbox(db.connect())
    item = mailout.queue_escalation(
        outbox, MailLog(outbox.conn), profile.name, alias=profile.alias, route=route,
        ticket_id=request_id, subject=text.subject, body=text.body, reason=reason,
    )  # fmt: skip
    try:
        sent = send_mail_one(state, profile, outbox, item, None)
    except CtlError as exc:
        raise kept(exc, item) from None
    return {
        "route": "email",
        "original_id": request_id,
        "to": sent["to"],
        "subject": text.subject,
        "message_id": sent["message_id"],
        "client_ref": sent["client_ref"],
        "escalation_id": sent["id"],
    }
