"""`ctlsupport setup`: create or edit a profile; secrets go to the OS keyring."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ctlsupport.cli import options
from ctlsupport.cli.context import AppState

HELP = "Create or edit a profile: desk, support alias, your details, PIN and desk secret."
EPILOG = (
    "Examples:\n\n"
    "  ctlsupport setup\n\n"
    '  printf \'%s\\n%s\\n\' "$PIN" "$DESK_PASSWORD" | ctlsupport --no-input setup '
    "--alias support@partner.example --portal-username jdoe --full-name 'Jo Doe' "
    "--pin-stdin --secret-stdin"
)


def setup(
    ctx: typer.Context,
    desk_url: Annotated[str | None, typer.Option(help="Desk URL.")] = None,
    alias: Annotated[str | None, typer.Option(help="The partner's support alias email.")] = None,
    portal_username: Annotated[
        str | None, typer.Option(help="Your Control Portal username.")
    ] = None,
    full_name: Annotated[
        str | None, typer.Option(help="Your full name, signed on tickets.")
    ] = None,
    tier: Annotated[str | None, typer.Option(help="professional or enterprise.")] = None,
    account_rep: Annotated[str | None, typer.Option(help="Account rep email, CC'd.")] = None,
    datacenter: Annotated[str | None, typer.Option(help="Default data center, e.g. VA1.")] = None,
    via: Annotated[
        str | None,
        options.via_option(
            "How the team reaches the desk: email (works with nothing from the provider; "
            "no API sign-in) or api (needs the OAuth client the provider registers)."
        ),
    ] = None,
    auth: Annotated[
        str | None,
        typer.Option(help="Desk sign-in: oauth, none (email only), or legacy password or token."),
    ] = None,
    smtp_host: Annotated[
        str | None, typer.Option(help="By email: the SMTP server that sends as the alias.")
    ] = None,
    smtp_security: Annotated[
        str | None, typer.Option(help="By email: starttls (default), tls or none.")
    ] = None,
    smtp_port: Annotated[
        str | None, typer.Option(help="By email: default 587 (starttls), 465 (tls), 25 (none).")
    ] = None,
    smtp_user: Annotated[
        str | None, typer.Option(help="By email: the SMTP user (none: no sign-in).")
    ] = None,
    pin_stdin: Annotated[
        bool, typer.Option("--pin-stdin", help="Read the PIN from the first line of stdin.")
    ] = False,
    secret_stdin: Annotated[
        bool,
        typer.Option(
            "--secret-stdin", help="Read the desk password or token from the next stdin line."
        ),
    ] = False,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="OAuth: print the sign-in address, do not open it.")
    ] = False,
    make_default: Annotated[
        bool, typer.Option("--default", help="Make this the default profile.")
    ] = False,
    insecure_storage: Annotated[
        bool,
        typer.Option(
            "--insecure-storage",
            help="No keyring here: keep the PIN and the sign-in in a plain 0600 file "
            "(warned about), now and for `auth login`.",
        ),
    ] = False,
) -> None:
    from ctlsupport.actions import setup as action

    state: AppState = ctx.obj
    given = {
        "desk_url": desk_url, "alias": alias, "portal_username": portal_username,
        "full_name": full_name, "tier": tier, "account_rep": account_rep,
        "datacenter": datacenter, "via": via, "auth": auth, "smtp_host": smtp_host,
        "smtp_security": smtp_security, "smtp_port": smtp_port, "smtp_user": smtp_user,
    }  # fmt: skip
    opts = action.SetupOptions(
        given=given,
        pin_stdin=pin_stdin,
        secret_stdin=secret_stdin,
        stdin=None if sys.stdin is None or sys.stdin.isatty() else sys.stdin,
        no_browser=no_browser,
        make_default=make_default,
        storage="file" if insecure_storage else None,
    )
    state.out.done(action.setup(opts, state))
