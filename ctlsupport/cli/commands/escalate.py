"""`ctlsupport escalate`: ask the provider's management to look at a ticket, as a NEW
request (or message), never a forward."""

from __future__ import annotations

from typing import Annotated

import typer

from ctlsupport.cli import options
from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import RequestId, Yes

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
        str | None,
        options.via_option(
            "email (a new message, the default) or api (an ordinary request, not an "
            "escalation at the provider)."
        ),
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
    unchecked: Annotated[
        list[str] | None,
        typer.Option(
            "--unchecked",
            metavar="ITEM=REASON",
            help="A checklist item the ticket went without, and why in one line "
            "(repeatable; each one left unexplained at `open` needs one).",
        ),
    ] = None,
) -> None:
    from ctlsupport.actions import escalate as action

    state: AppState = ctx.obj
    opts = action.EscalateOptions(
        request_id=request_id,
        reason=reason,
        full_name=full_name,
        # No --via: by email (a new message is what the provider escalates), or
        # written for a person to send when no mail server is set up.
        route=options.route(via, "api") if via else "auto",
        yes=yes,
        redact=not no_redact,
        unchecked=unchecked or [],
    )
    state.out.done(action.escalate(opts, state))
