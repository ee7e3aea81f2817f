"""`ctlsupport auth login | status | logout`: the desk sign-in of a profile."""

from __future__ import annotations

import os
import sys
import time
from typing import Annotated

import typer

from ctlsupport.cli.completion import complete
from ctlsupport.cli.context import AppState
from ctlsupport.config import secrets, settings
from ctlsupport.errors import UsageError

app = typer.Typer(
    help="Sign in to the desk (OAuth, or the legacy password or API token), check, sign out.",
    no_args_is_help=True,
)

LOGIN_EPILOG = (
    "Examples:\n\n"
    "  ctlsupport auth login\n\n"
    "  ctlsupport auth login --no-browser\n\n"
    "  printf '%s\\n' \"$DESK_TOKEN\" | ctlsupport auth login --method token"
)
SANDBOX_REFUSAL = (
    "the embedded sandbox desk signs you in by itself; to try OAuth, run "
    "`ctlsupport sandbox serve` and point a profile at it (docs/authentication.md)"
)


@app.command("login", epilog=LOGIN_EPILOG)
def login(
    ctx: typer.Context,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="oauth (default), or legacy password or token.",
            autocompletion=complete.auth_methods,
        ),
    ] = "oauth",
    no_browser: Annotated[
        bool,
        typer.Option("--no-browser", help="Print the sign-in address instead of opening it."),
    ] = False,
    insecure_storage: Annotated[
        bool,
        typer.Option(
            "--insecure-storage",
            help="No keyring here: keep the sign-in in a plain 0600 file (warned about).",
        ),
    ] = False,
) -> None:
    """Sign in to the desk as the profile's support alias and store the sign-in."""
    from ctlsupport.actions import signin

    state: AppState = ctx.obj
    if state.sandbox:
        raise UsageError(SANDBOX_REFUSAL)
    if method not in settings.AUTH_METHODS:
        raise UsageError(f"--method must be one of {', '.join(settings.AUTH_METHODS)}")
    profile = state.profile()
    result = signin.login(state, profile, method, no_browser=no_browser, insecure=insecure_storage)
    if insecure_storage:
        state.out.warn(f"the sign-in is in a plain file: {secrets.insecure_path()}")

    def human() -> None:
        where = "the OS keyring" if result.stored_in == "keyring" else "a plain file"
        sys.stdout.write(
            f"Signed in to {profile.desk_url} as {result.identity} ({method}); stored in {where}.\n"
        )

    state.out.result(result.as_data(), human)


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Show how each profile is signed in: method, identity, where the secret is, expiry."""
    state: AppState = ctx.obj
    config = state.settings()
    if settings.named_profile(state.profile_name):
        chosen = [state.profile()]
    else:
        chosen = [config.profiles[name] for name in sorted(config.profiles)]
    from ctlsupport.actions.auth_status import profile_status

    entries = [profile_status(p) for p in chosen]
    for entry in entries:
        entry["default"] = entry["profile"] == config.default_profile

    def human() -> None:
        if not entries:
            state.out.note("No profiles yet: run `ctlsupport setup`.")
            return
        if not sys.stdout.isatty():
            for e in entries:
                row = [e["profile"], e["method"], e["identity"] or "-", e["stored_in"] or "-"]
                row.append(e["expires_at"] or "-")
                sys.stdout.write("\t".join(row) + "\n")
            for e in entries:
                for warning in e["warnings"]:
                    state.out.warn(f"{e['profile']}: {warning}")
            return
        for e in entries:
            mark = " (default)" if e["default"] else ""
            lines = [
                f"{e['profile']}{mark}",
                f"  desk       {e['desk_url']}",
                f"  method     {e['method']}",
                f"  identity   {e['identity'] or 'not signed in'}",
                f"  stored in  {e['stored_in'] or '-'}",
            ]
            if e["expires_at"]:
                renew = " (renewed automatically)" if e["renewable"] else ""
                lines.append(f"  expires    {e['expires_at']}{renew}")
            lines.append(f"  PIN        {e['pin_stored_in'] or 'not stored'}")
            lines += [f"  warning: {w}" for w in e["warnings"]]
            sys.stdout.write("\n".join(lines) + "\n")

    state.out.result({"profiles": entries, "checked_at": int(time.time())}, human)


@app.command("logout")
def logout(
    ctx: typer.Context,
    everything: Annotated[
        bool, typer.Option("--all", help="Also remove the PIN and the SMTP and IMAP passwords.")
    ] = False,
) -> None:
    """Remove the profile's stored desk sign-in (with --all, its PIN too)."""
    state: AppState = ctx.obj
    if state.sandbox:
        raise UsageError(SANDBOX_REFUSAL)
    profile = state.profile()
    kinds = secrets.DESK_KINDS + (("pin", "smtp-password", "imap-password") if everything else ())
    removed = [kind for kind in kinds if secrets.delete(profile.name, kind, profile.alias)]
    still = [var for kind, var in secrets.ENV_VARS.items() if kind in kinds and os.environ.get(var)]

    def human() -> None:
        if removed:
            gone = ", ".join(removed)
            sys.stdout.write(f"Signed out profile {profile.name!r}: removed {gone}.\n")
        else:
            sys.stdout.write(f"Profile {profile.name!r} had nothing stored.\n")

    for var in still:
        state.out.warn(f"{var} is still set in this environment and is used until unset")
    state.out.result({"profile": profile.name, "removed": removed, "env_still_set": still}, human)
