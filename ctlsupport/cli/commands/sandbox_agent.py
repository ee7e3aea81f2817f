"""`ctlsupport sandbox reply|assign|status|priority|incident|resolve|suspended|seed`:
play the provider's side on the sandbox desk."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ctlsupport.cli.commands.sandbox_common import DataDir, _agent_result, _guard, _state
from ctlsupport.cli.completion import complete
from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import RequestId


def list_suspended(ctx: typer.Context, data: DataDir = None) -> None:
    """List mail the desk suspended instead of turning it into a ticket, newest first."""
    from ctlsupport.sandbox.mail_intake import suspended

    state: AppState = ctx.obj
    rows = suspended(_state(data))

    def human() -> None:
        if not rows:
            state.out.note("No suspended mail.")
        for row in rows:
            line = [str(row["id"]), row["created_at"], row["cause"], row["sender"],
                    row["recipient"] or "-", row["subject"]]  # fmt: skip
            sys.stdout.write("\t".join(line) + "\n")

    state.out.result({"suspended_emails": rows}, human)


def reply(
    ctx: typer.Context,
    request_id: RequestId,
    body: Annotated[str, typer.Option("--body", "-b", help="The agent's reply.")],
    private: Annotated[
        bool, typer.Option(help="An internal note, not shown to end users.")
    ] = False,
    data: DataDir = None,
) -> None:
    """Reply to a request as the provider's agent."""
    store = _state(data)
    request = _guard(lambda: store.agent_reply(request_id, body, public=not private))
    _agent_result(ctx, request, "agent replied")


def assign(
    ctx: typer.Context,
    request_id: RequestId,
    agent: Annotated[
        str | None, typer.Option(help="Agent email (default: the seeded agent).")
    ] = None,
    data: DataDir = None,
) -> None:
    """Assign a request to an agent (lets the requester solve it)."""
    store = _state(data)
    request = _guard(lambda: store.assign(request_id, agent))
    _agent_result(ctx, request, "assigned")


def set_status(
    ctx: typer.Context,
    request_id: RequestId,
    status: Annotated[
        str,
        typer.Argument(
            help="new, open, pending, hold, solved or closed.",
            autocompletion=complete.desk_statuses,
        ),
    ],
    data: DataDir = None,
) -> None:
    """Set a request's status as the provider would."""
    store = _state(data)
    request = _guard(lambda: store.set_status(request_id, status))
    _agent_result(ctx, request, f"set to {status}")


def set_priority(
    ctx: typer.Context,
    request_id: RequestId,
    priority: Annotated[
        str, typer.Argument(help="urgent, high, normal or low.", autocompletion=complete.priorities)
    ],
    data: DataDir = None,
) -> None:
    """Change a request's priority as the provider's triage would."""
    store = _state(data)
    request = _guard(lambda: store.set_priority(request_id, priority))
    _agent_result(ctx, request, f"priority {priority}")


# -- the status page ---------------------------------------------------------------------


def _incident_result(ctx: typer.Context, incident: dict, action: str) -> None:
    state: AppState = ctx.obj

    def human() -> None:
        names = ", ".join(c["name"] for c in incident["components"])
        sys.stdout.write(
            f"{incident['id']} {action}: {incident['name']} [{incident['status']}, "
            f"{incident['impact']}] on {names}\n"
        )

    state.out.result({"incident": incident}, human)


def incident(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="The incident's title.")],
    datacenter: Annotated[
        list[str],
        typer.Option(
            "--datacenter", "-d", help="Affected data center or service (repeat for several)."
        ),
    ],
    status: Annotated[
        str,
        typer.Option(
            "--status",
            help="Stage: investigating, identified, restoring, monitoring (any text is kept).",
        ),
    ] = "investigating",
    impact: Annotated[
        str, typer.Option("--impact", help="none, minor, major or critical.")
    ] = "minor",
    body: Annotated[str, typer.Option("--body", help="Text of the first update.")] = "",
    data: DataDir = None,
) -> None:
    """Raise an incident on the sandbox's status page."""
    from ctlsupport.sandbox import statuspage

    store = _state(data)
    raised = _guard(
        lambda: statuspage.raise_incident(
            store, name=name, components=datacenter, status=status, impact=impact, body=body
        )
    )
    _incident_result(ctx, raised, "raised")


def resolve(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(help="The incident's id (e.g. inc0001).")],
    body: Annotated[str, typer.Option("--body", help="Text of the closing update.")] = "",
    data: DataDir = None,
) -> None:
    """Resolve an incident on the sandbox's status page."""
    from ctlsupport.sandbox import statuspage

    store = _state(data)
    resolved = _guard(lambda: statuspage.resolve_incident(store, incident_id, body))
    _incident_result(ctx, resolved, "resolved")


# -- a history to report on ------------------------------------------------------------------


def seed(
    ctx: typer.Context,
    tickets: Annotated[
        int,
        typer.Option("--tickets", min=1, max=100_000, metavar="N", help="How many tickets to add."),
    ] = 120,
    days: Annotated[
        int,
        typer.Option("--days", min=1, max=3650, metavar="D", help="Spread over the last D days."),
    ] = 60,
    random_seed: Annotated[
        int | None,
        typer.Option("--random-seed", metavar="N", help="The same N gives the same history."),
    ] = None,
    data: DataDir = None,
) -> None:
    """Fill the sandbox desk with a realistic past: tickets, answers, breaches, escalations."""
    from ctlsupport.actions.session import SANDBOX_ALIAS
    from ctlsupport.sandbox.seed import seed as seed_history

    state: AppState = ctx.obj
    store = _state(data)
    if store.user_by_email(SANDBOX_ALIAS) is None:  # a desk never started: its end user
        store.ensure_end_user(SANDBOX_ALIAS, "Partner Support", "sandbox")
    summary = _guard(
        lambda: seed_history(store, tickets=tickets, days=days, random_seed=random_seed)
    )

    def human() -> None:
        sys.stdout.write(
            f"Added {summary.tickets} tickets (#{summary.first_id}-#{summary.last_id}) over "
            f"the last {days} days, {summary.escalations} of them escalated.\n"
        )
        state.out.note("See them: ctlsupport --sandbox report")

    state.out.result(summary.as_data(), human)


# -- the desk admin's side: settings and OAuth clients (sandbox_desk.py) ------------------
