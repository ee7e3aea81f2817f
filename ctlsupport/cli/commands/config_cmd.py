"""`ctlsupport config`: show, set, use profiles; export and import team settings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ctlsupport.actions.settings_table import (
    SHAREABLE,
    TEAM_FORMAT,
    check_value,
)
from ctlsupport.cli.completion import complete
from ctlsupport.cli.context import AppState
from ctlsupport.config import paths, settings
from ctlsupport.errors import ConfigError, NotFound, UsageError

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
    state: AppState = ctx.obj
    if state.sandbox:
        raise UsageError("the sandbox profile is set by --sandbox; pick a profile with --profile")
    checked = check_value(key, value)
    config = state.settings()
    name = config.chosen_name(state.profile_name)
    profile = config.profiles.setdefault(name, settings.Profile(name=name))
    if key.startswith("routes."):
        route = key.removeprefix("routes.")
        if checked:
            profile.routes[route] = checked
        else:
            profile.routes.pop(route, None)
    else:
        if key == "alias" and profile.alias and checked.lower() != profile.alias.lower():
            state.out.warn("the alias changed: sign in again (`ctlsupport auth login`)")
        setattr(profile, key, checked)
    if len(config.profiles) == 1:
        config.default_profile = name
    path = settings.save(config)
    data = {"profile": name, "key": key, "value": checked, "config": str(path)}
    state.out.result(data, lambda: sys.stdout.write(f"{name}: {key} = {checked}\n"))


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


# -- team settings -----------------------------------------------------------------------


def team_settings(profile: settings.Profile) -> dict[str, Any]:
    """The shareable settings of a profile (never a secret, never a personal item)."""
    out: dict[str, Any] = {}
    for key in SHAREABLE:
        value = getattr(profile, key)
        if value:
            out[key] = dict(value) if key == "routes" else value
    return out


@app.command("export")
def export(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(help="Where to write (- for stdout).", autocompletion=complete.paths)
    ],
) -> None:
    """Write the profile's team settings to a file to share (no secrets, no personal items)."""
    import tomli_w

    state: AppState = ctx.obj
    if state.sandbox:
        raise UsageError("the sandbox profile has nothing to share; pick one with --profile")
    profile = state.profile()
    document = {"format": TEAM_FORMAT, "profile": profile.name, "settings": team_settings(profile)}
    text = (
        "# ctlsupport team settings: no secrets, no personal details.\n"
        "# Import with: ctlsupport config import FILE\n" + tomli_w.dumps(document)
    )
    if file == "-":
        sys.stdout.write(text)
        return
    target = Path(file).expanduser()
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {target}: {exc.strerror}") from None
    state.out.result(
        {"profile": profile.name, "file": str(target), "keys": sorted(document["settings"])},
        lambda: sys.stdout.write(f"Wrote the team settings of {profile.name!r} to {target}\n"),
    )


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
