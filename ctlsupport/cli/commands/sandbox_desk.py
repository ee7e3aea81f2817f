"""`ctlsupport sandbox settings` and `sandbox oauth-client`: the desk admin's side.

What the provider's Zendesk admin decides in Admin Center: which OAuth clients exist,
and the settings that change what an end user's call does (docs/sandbox.md).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ctlsupport.cli.commands.sandbox_common import DataDir, _guard, _state
from ctlsupport.cli.context import AppState

oauth_app = typer.Typer(
    help="The desk's registered OAuth clients, as its admin keeps them.",
    no_args_is_help=True,
)


def settings(
    ctx: typer.Context,
    change: Annotated[
        list[str] | None,
        typer.Argument(metavar="[NAME=VALUE]...", help="Settings to change; none: list them."),
    ] = None,
    data: DataDir = None,
) -> None:
    """Show or change the desk's settings (end-user priority, CCs)."""
    from ctlsupport.sandbox.desk_settings import SETTINGS, parse_pairs

    state: AppState = ctx.obj
    store = _state(data)
    values = _guard(lambda: store.change_settings(parse_pairs(change or []))) if change else None
    current = values or store.settings()
    rows = [
        {"name": name, "value": current[name], "default": s.default, "meaning": s.meaning}
        for name, s in SETTINGS.items()
    ]

    def human() -> None:
        for row in rows:
            mark = "" if row["value"] == row["default"] else "  (changed)"
            sys.stdout.write(f"{row['name']}\t{row['value']}{mark}\n")

    state.out.result({"settings": rows}, human)


@oauth_app.command("add")
def add(
    ctx: typer.Context,
    identifier: Annotated[str, typer.Argument(help="The client's unique identifier (client_id).")],
    redirect: Annotated[
        list[str],
        typer.Option(
            "--redirect",
            help="A redirect URL, exactly as the client sends it (port included); repeat.",
        ),
    ],
    kind: Annotated[
        str, typer.Option("--kind", help="public (must use PKCE) or confidential (a secret).")
    ] = "public",
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", help="A scope it may ask for (default: read and write); repeat."),
    ] = None,
    name: Annotated[str, typer.Option("--name", help="The name people see.")] = "",
    data: DataDir = None,
) -> None:
    """Register an OAuth client; a confidential one's secret is shown once."""
    from ctlsupport.sandbox import oauth_clients

    state: AppState = ctx.obj
    store = _state(data)

    def register():
        with store.writing() as conn:
            return oauth_clients.add(
                conn, identifier=identifier, kind=kind.strip().lower(), redirect_urls=redirect,
                scopes=scope, name=name,
            )  # fmt: skip

    client, secret = _guard(register)
    data_out = {"client": client.as_json(), **({"secret": secret} if secret else {})}

    def human() -> None:
        sys.stdout.write(f"registered {client.identifier} ({client.kind})\n")
        if secret:
            sys.stdout.write(f"secret (shown once): {secret}\n")

    state.out.result(data_out, human)


@oauth_app.command("list")
def list_clients(ctx: typer.Context, data: DataDir = None) -> None:
    """List the registered OAuth clients."""
    from ctlsupport.sandbox import oauth_clients

    state: AppState = ctx.obj
    with _state(data).reading() as conn:
        clients = [c.as_json() for c in oauth_clients.all_clients(conn)]

    def human() -> None:
        if not clients:
            state.out.note("No OAuth clients are registered.")
        for c in clients:
            line = [c["identifier"], c["kind"], " ".join(c["scopes"]), *c["redirect_urls"]]
            sys.stdout.write("\t".join(line) + "\n")

    state.out.result({"clients": clients}, human)


@oauth_app.command("remove")
def remove(
    ctx: typer.Context,
    identifier: Annotated[str, typer.Argument(help="The client's identifier.")],
    data: DataDir = None,
) -> None:
    """Unregister an OAuth client (its refresh tokens stop working)."""
    from ctlsupport.sandbox import oauth_clients

    state: AppState = ctx.obj
    store = _state(data)

    def unregister() -> None:
        with store.writing() as conn:
            oauth_clients.remove(conn, identifier)

    _guard(unregister)
    state.out.result({"removed": identifier}, lambda: sys.stdout.write(f"removed {identifier}\n"))
