"""`ctlsupport sandbox`: run the local desk, and play the provider's agents on it."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ctlsupport.cli.commands import sandbox_agent, sandbox_desk
from ctlsupport.cli.commands.sandbox_common import DataDir, _guard

app = typer.Typer(
    help="Run the local sandbox desk and act as the provider's agents on it.",
    no_args_is_help=True,
)


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
            f"  by email: ctlsupport --profile sandbox-serve setup --desk-url {server.url} "
            f"--alias {email} --via email --smtp-host 127.0.0.1 "
            f"--smtp-port {server.smtp_port} --smtp-security none\n"
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


app.command("suspended")(sandbox_agent.list_suspended)
app.command("reply")(sandbox_agent.reply)
app.command("assign")(sandbox_agent.assign)
app.command("status")(sandbox_agent.set_status)
app.command("priority")(sandbox_agent.set_priority)
app.command("incident")(sandbox_agent.incident)
app.command("resolve")(sandbox_agent.resolve)
app.command("seed")(sandbox_agent.seed)

app.command("settings")(sandbox_desk.settings)
app.add_typer(sandbox_desk.oauth_app, name="oauth-client")
