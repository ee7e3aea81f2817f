"""`ctlsupport config`: show, set, use profiles; export and import team settings."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ctlsupport.cli.completion import complete
from ctlsupport.cli.context import AppState
from ctlsupport.config import paths, settings
from ctlsupport.errors import NotFound

app = typer.Typer(
    help="Show and change settings: profiles, values and where they come from, team files.",
    no_args_is_help=True,
)

# -- show ------------------------------------------------------------------------------


@app.command("show")
def show(ctx: typer.Context) -> None:
    """Print each setting of the profile and where it came from (flag, env, file, default)."""
    from ctlsupport.cli.local_views import config_show

    config_show(ctx.obj)


# -- set, use, path ----------------------------------------------------------------------


@app.command("set")
def set_value(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(
            help="A setting, e.g. alias or routes.urgent.", autocompletion=complete.setting_keys
        ),
    ],
    value: Annotated[str, typer.Argument(help="Its new value ('' clears it).")],
) -> None:
    """Change one setting of the profile (validated); secrets are refused."""
    from ctlsupport.actions.configure import set_value as run_set

    state: AppState = ctx.obj
    state.out.done(run_set(state, key, value))


@app.command("use")
def use(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(help="The profile to make the default.", autocompletion=complete.profiles),
    ],
) -> None:
    """Make a profile the default one."""
    state: AppState = ctx.obj
    config = state.settings()
    if name not in config.profiles:
        raise NotFound(
            f"no profile named {name!r}",
            hint="Profiles: " + (", ".join(sorted(config.profiles)) or "none yet") + ".",
        )
    config.default_profile = name
    settings.save(config)
    state.out.result(
        {"default_profile": name}, lambda: sys.stdout.write(f"Default profile: {name}\n")
    )


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print where the settings file is."""
    state: AppState = ctx.obj
    where = paths.config_file()
    state.out.result({"config_file": str(where)}, lambda: sys.stdout.write(f"{where}\n"))


@app.command("export")
def export(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(help="Where to write (- for stdout).", autocompletion=complete.paths)
    ],
) -> None:
    """Write the profile's team settings to a file to share (no secrets, no personal items)."""
    from ctlsupport.actions.configure import export_team

    state: AppState = ctx.obj
    done = export_team(state, file)
    if file == "-":
        sys.stdout.write(done.data)
        return
    state.out.done(done)


IMPORT_EPILOG = (
    "Examples:\n\n"
    "  ctlsupport config import team.toml\n\n"
    "  printf '%s\\n' \"$PIN\" | ctlsupport --no-input config import team.toml "
    "--profile acme --full-name 'Jo Doe' --portal-username jdoe --pin-stdin"
)


@app.command("import", epilog=IMPORT_EPILOG)
def import_(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(help="A team settings file (- for stdin).", autocompletion=complete.paths),
    ],
    profile_name: Annotated[
        str | None, typer.Option("--profile", help="Profile to create (default: the file's).")
    ] = None,
    full_name: Annotated[str | None, typer.Option(help="Your full name.")] = None,
    portal_username: Annotated[
        str | None, typer.Option(help="Your Control Portal username.")
    ] = None,
    pin_stdin: Annotated[
        bool, typer.Option("--pin-stdin", help="Read your PIN from the first line of stdin.")
    ] = False,
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            help="Sign in now: oauth, password or token (secret on stdin).",
            autocompletion=complete.auth_methods,
        ),
    ] = None,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="OAuth: print the address, do not open it.")
    ] = False,
    make_default: Annotated[
        bool, typer.Option("--default", help="Make it the default profile.")
    ] = False,
) -> None:
    """Create a profile from a team settings file, then ask only for your own details."""
    from ctlsupport.actions import team

    state: AppState = ctx.obj
    opts = team.ImportOptions(
        file=file, profile_name=profile_name, full_name=full_name,
        portal_username=portal_username, pin_stdin=pin_stdin,
        stdin=None if sys.stdin is None else sys.stdin, method=method, no_browser=no_browser,
        make_default=make_default,
    )  # fmt: skip
    state.out.done(team.import_team(opts, state))
