"""`ctlsupport escalate`: ask the provider's management to look at a ticket, as a NEW
request (or message), never a forward."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from ctlsupport.cli import options
from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import RequestId, Yes
from ctlsupport.errors import InvalidInput, MissingFields

HELP = "Escalate a ticket to the provider's escalation team, with the reason."
EPILOG = (
    "Examples:\n\n"
    '  ctlsupport escalate 1042 --reason "Customer\'s store is down for 3 hours, no answer yet"\n\n'
    "  ctlsupport --no-input escalate 1042 --reason '...' --yes"
)


def escalate(
    ctx: typer.Context,
    request_id: RequestId,
    reason: Annotated[
        str | None,
        typer.Option("--reason", "-r", help="Why the ticket needs escalation (asked if missing)."),
    ] = None,
    via: Annotated[
        str | None, options.via_option("api (a new request) or email (a new message).")
    ] = None,
    full_name: Annotated[
        str | None, typer.Option("--full-name", help="Your full name (default: the profile's).")
    ] = None,
    yes: Yes = False,
    no_redact: Annotated[
        bool,
        typer.Option(
            "--no-redact",
            help="Send the reason without redacting secret-looking text (your PIN and "
            "passwords are still masked).",
        ),
    ] = False,
) -> None:
    state: AppState = ctx.obj
    from ctlsupport.cli import prompts
    from ctlsupport.core import escalation
    from ctlsupport.core.sla import first_response_due

    profile = state.profile()
    escalation.check_allowed(profile.tier, "", request_id)  # the tier, before any network
    route = options.route(via, profile.via)
    asking = prompts.interactive(state.no_input)
    name = (full_name or profile.full_name or "").strip()
    reason = (reason or "").strip()
    if not asking:
        absent = [
            flag for flag, value in (("--reason", reason), ("--full-name", name)) if not value
        ]
        if absent:
            raise MissingFields(
                f"missing required input: {', '.join(absent)}",
                hint="Pass them as flags, or run in a terminal without --no-input to be asked.",
                details={"missing": absent},
            )

    client, request = _read_ticket(state, profile, request_id, route)
    escalation.check_allowed(profile.tier, request.status if request else "", request_id)
    now = datetime.now(UTC)
    due = first_response_due(request, profile.tier) if request else None
    notes = []
    if escalation.is_early(now, due):
        notes.append(
            f"escalation is early: the first-response target of #{request_id} "
            f"({request.priority or 'normal'}, {profile.tier}) is {_local(due)}"
        )
    if request and request.type == "task" and not escalation.in_task_ack_window(now):
        notes.append(
            "service-task escalations are acknowledged only 7:00-19:00 Pacific; this one "
            f"will be acknowledged from {escalation.next_task_ack(now):%a %Y-%m-%d %H:%M %Z}"
        )
    for note in notes:
        state.out.warn(note)

    if asking:
        with prompts.Prompter() as prompter:
            if not name:
                name = prompter.text("Your full name", check=_required("your full name"))
            if not reason:
                reason = prompter.text(
                    "Why does it need escalation?", check=_required("the reason")
                )
            if (notes and not yes) and not prompter.confirm("Escalate anyway?", default=False):
                from ctlsupport.errors import Cancelled

                raise Cancelled("cancelled; nothing was sent")
    elif escalation.is_early(now, due) and not yes:
        raise InvalidInput(
            f"escalation of #{request_id} is early (first response due {_local(due)})",
            hint="Pass --yes to escalate all the same.",
        )

    from ctlsupport.core.outbound import Gate

    gate = Gate.for_profile(profile.name, profile.alias, redact=not no_redact)
    reason = gate.text(reason)  # the outbox and the history keep only what may be sent
    text = escalation.compose(
        ticket_id=request_id,
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
        sent = _send_email(state, profile, request_id, text, reason)
    else:
        sent = _send_api(state, client, profile, request, text, reason)

    def human() -> None:
        out = sys.stdout
        if sent["route"] == "api":
            out.write(f"Escalated #{request_id} as request #{sent['escalation_id']}\n")
            out.write(f"  {sent['subject']}\n  {sent['web_url']}\n")
        else:
            out.write(f"Escalated #{request_id} by email to {sent['to']}\n")
            out.write(f"  {sent['subject']}\n  Message-ID {sent['message_id']}\n")

    state.out.result(sent, human)


def _required(what: str):
    def check(value: str) -> str:
        from ctlsupport.core.validate import FieldInvalid

        if not value.strip():
            raise FieldInvalid(f"{what} must not be empty")
        return value.strip()

    return check


def _local(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M %Z")


def _send_api(state: AppState, client, profile, request, text, reason: str) -> dict:
    """A new request at the desk (type question), delivered exactly once."""
    from ctlsupport.cli.delivery import remember_escalation
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


def _read_ticket(state: AppState, profile, request_id: int, route: str):
    """(client, request) from the desk. By email, a partner without API access still
    escalates: the checks that need the ticket are skipped, and said so."""
    from ctlsupport.errors import AuthError, ConfigError, DeskUnreachable, KeyringUnavailable

    try:
        client = state.client(profile)
        return client, client.get_request(request_id)
    except (AuthError, ConfigError, DeskUnreachable, KeyringUnavailable) as exc:
        if route != "email":
            raise
        state.out.warn(
            f"#{request_id} was not read from the desk ({exc.message}); escalating by email "
            "without checking its status or first-response target"
        )
        return None, None


def _send_email(state: AppState, profile, request_id: int, text, reason: str) -> dict:
    """A NEW message to the escalation address, through the outbox (kept on failure)."""
    from ctlsupport.cli.mail_delivery import kept, ready, send_mail_one
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
