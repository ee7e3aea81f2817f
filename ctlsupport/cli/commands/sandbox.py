"""`ctlsupport sandbox`: run the local desk, and play the provider's agents on it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ctlsupport.cli.completion import complete
from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import RequestId

app = typer.Typer(
    help="Run the local sandbox desk and act as the provider's agents on it.",
    no_args_is_help=True,
)

DataDir = Annotated[
    Path | None,
    typer.Option("--data", help="State directory (default: the embedded desk's, as --sandbox)."),
]


def _state(data: Path | None):
    from ctlsupport.config import paths
    from ctlsupport.sandbox import SandboxState

    folder = paths.ensure_private_dir(data or paths.sandbox_dir())
    return SandboxState(folder / "sandbox.sqlite3")


def _agent_result(ctx: typer.Context, request: dict, action: str) -> None:
    state: AppState = ctx.obj

    def human() -> None:
        sys.stdout.write(
            f"#{request['id']} {action}: status {request['status']}, "
            f"priority {request.get('priority') or '-'}\n"
        )

    state.out.result({"request": request}, human)


def _guard(fn):
    """Turn the sandbox's own errors into the CLI's one-line errors."""
    from ctlsupport.errors import InvalidInput, NotFound
    from ctlsupport.sandbox import SandboxError
    from ctlsupport.sandbox.errors import UnknownRequestError

    try:
        return fn()
    except UnknownRequestError as exc:
        raise NotFound(str(exc)) from None
    except SandboxError as exc:
        raise InvalidInput(str(exc)) from None


@app.command("serve")
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: a free one).")] = 0,
    data: DataDir = None,
    email: Annotated[str, typer.Option(help="The seeded partner end user.")] = (
        "support@partner.example"
    ),
    password: Annotated[str, typer.Option(help="Its password (a sandbox value).")] = "sandbox",
    token: Annotated[str, typer.Option(help="Its API token (a sandbox value).")] = "sandbox-token",
    faults: Annotated[
        float,
        typer.Option(help="Inject every kind of fault together at this rate (e.g. 0.3)."),
    ] = 0.0,
    fault: Annotated[
        list[str] | None,
        typer.Option(
            metavar="KIND=RATE",
            help="One kind of fault at its own rate "
            "(429, 500, 503, slow, reset, drop, late, slowupload).",
        ),
    ] = None,
    slow_seconds: Annotated[
        float, typer.Option(help="How late a `slow` fault answers (a `late` one commits).")
    ] = 35.0,
    smtp_port: Annotated[
        int | None,
        typer.Option(
            "--smtp-port",
            metavar="N",
            help="Also take mail on this port of 127.0.0.1 (0: a free one), as the desk's "
            "email channel.",
        ),
    ] = None,
    allow_password: Annotated[
        bool,
        typer.Option(
            "--allow-password",
            help="Accept email:password on the API, as older desks did (off: Zendesk's 401).",
        ),
    ] = False,
    setting: Annotated[
        list[str] | None,
        typer.Option(
            "--setting",
            metavar="NAME=VALUE",
            help="Change a desk setting first (see `sandbox settings`); repeat for several.",
        ),
    ] = None,
    notify_smtp: Annotated[
        str | None,
        typer.Option(
            "--notify-smtp",
            metavar="HOST:PORT",
            help="Mail the desk's notifications to this SMTP server instead of into a "
            "Maildir per user under the state directory.",
        ),
    ] = None,
) -> None:
    """Run the sandbox desk in the foreground until Ctrl-C."""
    from ctlsupport.config import paths
    from ctlsupport.sandbox import SandboxConfig, SandboxServer
    from ctlsupport.sandbox.desk_settings import parse_pairs

    folder = paths.ensure_private_dir(data or paths.sandbox_dir())
    desk_settings = _guard(lambda: parse_pairs(setting or []))
    config = SandboxConfig(
        data_dir=folder,
        port=port,
        email=email,
        password=password,
        token=token,
        fault_rates=_fault_rates(faults, fault or []),
        slow_seconds=slow_seconds,
        smtp_port=smtp_port,
        password_access=allow_password,
        desk_settings=desk_settings,
        notify_smtp=notify_smtp,
    )
    server = SandboxServer(config, log=True)
    out = sys.stdout
    out.write(f"Sandbox desk listening at {server.url}\n")
    shown = f"password: {password}" if allow_password else "password: refused (API)"
    out.write(f"  end user: {email}  {shown}  API token: {token}\n")
    chosen = server.state.settings()
    out.write("  settings: " + ", ".join(f"{k}={v}" for k, v in chosen.items()) + "\n")
    out.write(f"  state:    {folder}\n")
    where = f"smtp://{notify_smtp}" if notify_smtp else f"{folder / 'mailboxes'}/ADDRESS/"
    out.write(f"  notices:  {where} (what the desk mails requesters and CCs)\n")
    out.write(
        f'  admin:    /sandbox/... calls need -H "X-Sandbox-Admin: $(cat {folder}/admin-secret)"\n'
    )
    out.write(
        f"  use it:   ctlsupport setup --profile sandbox-serve --desk-url {server.url} "
        f"--alias {email} --auth token\n"
    )
    if server.smtp_port is not None:
        out.write(f"  mail:     smtp://127.0.0.1:{server.smtp_port} (no TLS, no sign-in)\n")
        out.write(
            "  by email: ctlsupport --profile sandbox-serve config set smtp_host 127.0.0.1; "
            f"... smtp_port {server.smtp_port}; ... smtp_security none\n"
        )
    out.write("Press Ctrl-C to stop.\n")
    out.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _fault_rates(total: float, kinds: list[str]) -> dict[str, float]:
    """--faults RATE spread over every kind, then --fault KIND=RATE on top."""
    from ctlsupport.errors import InvalidInput
    from ctlsupport.sandbox import SandboxError
    from ctlsupport.sandbox.faults import FaultDice, spread

    try:
        rates = spread(total) if total else {}
        for item in kinds:
            kind, _, rate = item.partition("=")
            rates[kind.strip()] = float(rate)
        FaultDice(rates, 0)  # validates kinds and rates
    except (SandboxError, ValueError) as exc:
        raise InvalidInput(f"--faults/--fault: {exc}") from None
    return rates


@app.command("suspended")
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


@app.command("reply")
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


@app.command("assign")
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


@app.command("status")
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


@app.command("priority")
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


@app.command("incident")
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


@app.command("resolve")
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


@app.command("seed")
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

from ctlsupport.cli.commands import sandbox_desk  # noqa: E402 - registered after the app exists

app.command("settings")(sandbox_desk.settings)
app.add_typer(sandbox_desk.oauth_app, name="oauth-client")
