"""`ctlsupport config`: show, set, use profiles; export and import team settings."""

from __future__ import annotations

import os
import re
import sys
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Annotated, Any

import typer

from ctlsupport.cli import complete
from ctlsupport.cli.commands.setup import SETTINGS
from ctlsupport.cli.context import AppState
from ctlsupport.config import paths, settings
from ctlsupport.core import validate
from ctlsupport.errors import ConfigError, InvalidInput, NotFound, UsageError

app = typer.Typer(
    help="Show and change settings: profiles, values and where they come from, team files.",
    no_args_is_help=True,
)

TEAM_FORMAT = "ctlsupport-team-settings/1"
# What a team shares; never a secret, never a person's own details.
SHAREABLE = (
    "desk_url",
    "alias",
    "tier",
    "account_rep",
    "datacenter",
    "via",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "oauth_authorize_url",
    "oauth_token_url",
    "oauth_client_id",
    "oauth_redirect_port",
    "status_url",
    "routes",
)
PERSONAL = ("portal_username", "full_name", "smtp_user")
SECRET_WORDS = ("pin", "password", "token", "secret", "oauth-access", "oauth-refresh")
ROUTE_NAME = re.compile(r"[a-z][a-z0-9_-]{0,30}")


def _port(value: str) -> str:
    if not value.strip().isdigit() or not 0 < int(value) < 65536:
        raise validate.FieldInvalid("must be a port number, 1-65535")
    return str(int(value))


# What setup asks, then the settings only `config set` changes.
VALIDATORS = {
    **{key: check for key, (_, _, check) in SETTINGS.items()},
    "auth": validate.one_of(*settings.AUTH_METHODS, fold_case=True),
    "oauth_client_id": validate.optional(validate.line("OAuth client id", 200)),
    "oauth_authorize_url": validate.optional(validate.url),
    "oauth_token_url": validate.optional(validate.url),
    "oauth_redirect_port": validate.optional(_port),
    "via": validate.one_of("api", "email", fold_case=True),
    "smtp_host": validate.optional(validate.line("SMTP host", 255)),
    "smtp_port": validate.optional(_port),
    "smtp_user": validate.optional(validate.line("SMTP user", 255)),
    "smtp_security": validate.optional(validate.one_of("starttls", "tls", "none", fold_case=True)),
    "status_url": validate.url,
}


def check_value(key: str, value: str) -> str:
    """A validated value for a settings key (`routes.NAME` for the routes table)."""
    if key.startswith("routes."):
        name = key.removeprefix("routes.")
        if not ROUTE_NAME.fullmatch(name):
            raise InvalidInput(f"{key}: a route name is lowercase letters, digits, - or _")
        check = validate.optional(validate.email)
    elif key in VALIDATORS:
        check = VALIDATORS[key]
    elif any(word in key.lower() for word in SECRET_WORDS):
        raise UsageError(
            f"{key} is a secret and never goes to the config file",
            hint="Use `ctlsupport auth login` (desk sign-in) or `ctlsupport setup` (PIN).",
        )
    else:
        raise UsageError(
            f"unknown setting {key!r}",
            hint="Settings: " + ", ".join([*VALIDATORS, "routes.NAME"]) + ".",
        )
    try:
        return check(value)
    except ValueError as exc:
        raise InvalidInput(f"{key}: {exc}") from None


# -- show ------------------------------------------------------------------------------


def resolved(state: AppState) -> list[dict[str, str]]:
    """Every value of the chosen profile and where it comes from: flag, env, file, default."""
    from ctlsupport.cli import signin

    profile = state.profile()
    if state.profile_name:
        name_source = "flag"
    elif os.environ.get("CTLSUPPORT_PROFILE"):
        name_source = "env"
    elif state.sandbox:
        name_source = "flag"
    else:
        name_source = "file" if paths.config_file().exists() else "default"
    in_file = state.settings().file_keys.get(profile.name, frozenset())
    rows = [{"key": "profile", "value": profile.name, "source": name_source}]
    derived = signin.endpoints(profile)
    for item in fields(settings.Profile):
        key = item.name
        if key in ("name", "routes"):
            continue
        value = getattr(profile, key)
        source = "file" if key in in_file else "default"
        # --sandbox sets these (the embedded desk, and its email channel).
        if state.sandbox and (key in ("desk_url", "alias", "auth") or key.startswith("smtp_")):
            source = "flag"
        if not value and key == "oauth_authorize_url":
            value = derived.authorize_url
        elif not value and key == "oauth_token_url":
            value = derived.token_url
        elif not value and key == "oauth_client_id":
            value = derived.client_id
        elif not value and key == "oauth_redirect_port":
            value = str(derived.redirect_port)
        rows.append({"key": key, "value": str(value), "source": source})
    from ctlsupport.core import mailroutes

    for route, (address, origin) in mailroutes.table(profile.routes).items():
        source = "file" if origin == "profile" else "default"
        rows.append({"key": f"routes.{route}", "value": address or "(not set)", "source": source})
    return rows


@app.command("show")
def show(ctx: typer.Context) -> None:
    """Print each setting of the profile and where it came from (flag, env, file, default)."""
    state: AppState = ctx.obj
    rows = resolved(state)
    path = paths.config_file()

    def human() -> None:
        if not sys.stdout.isatty():
            for row in rows:
                sys.stdout.write(f"{row['key']}\t{row['value']}\t{row['source']}\n")
            return
        from rich.table import Table
        from rich.text import Text

        table = Table(box=None, header_style="bold", title=f"{path}", title_justify="left")
        for column in ("SETTING", "VALUE", "FROM"):
            table.add_column(column)
        for row in rows:
            table.add_row(row["key"], Text(row["value"] or "-"), row["source"])
        state.out.console().print(table)

    state.out.result({"config_file": str(path), "values": rows}, human)


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


def read_team_file(file: str) -> tuple[str, dict[str, Any]]:
    """The suggested profile name and the validated settings of a team file."""
    try:
        raw = sys.stdin.read() if file == "-" else Path(file).expanduser().read_text("utf-8")
    except FileNotFoundError:
        raise NotFound(f"no such file: {file}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {file}: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file} is not valid TOML: {exc}") from None
    if data.get("format") != TEAM_FORMAT:
        raise ConfigError(
            f"{file} is not a ctlsupport team settings file",
            hint="Make one with `ctlsupport config export FILE`.",
        )
    values = data.get("settings")
    if not isinstance(values, dict):
        raise ConfigError(f"{file}: [settings] must be a table")
    refused = sorted(k for k in values if k not in SHAREABLE)
    if refused:
        raise ConfigError(
            f"{file} carries settings a team file never shares: {', '.join(refused)}",
            hint="Team files hold no secrets and no personal details; remove those lines.",
        )
    checked: dict[str, Any] = {}
    for key, value in values.items():
        if key == "routes":
            if not isinstance(value, dict):
                raise ConfigError(f"{file}: routes must be a table")
            checked["routes"] = {
                str(k): check_value(f"routes.{k}", str(v)) for k, v in value.items()
            }
        else:
            checked[key] = check_value(key, str(value))
    return str(data.get("profile") or settings.DEFAULT_PROFILE), checked


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
    from ctlsupport.cli import prompts, signin
    from ctlsupport.cli.commands.setup import store_pin

    state: AppState = ctx.obj
    if state.sandbox:
        raise UsageError("import into a named profile, not the sandbox one")
    suggested, values = read_team_file(file)
    if file == "-" and pin_stdin:
        raise UsageError("the team file and the PIN cannot both come from stdin")
    name = profile_name or state.profile_name or suggested
    config = state.settings()
    profile = config.profiles.get(name) or settings.Profile(name=name)
    for key, value in values.items():
        setattr(profile, key, value)
    personal = {"full_name": full_name, "portal_username": portal_username}
    for key, value in personal.items():
        if value is not None:
            setattr(profile, key, check_value(key, value))
    pin = None
    if pin_stdin:
        from ctlsupport.secret import SCRUBBER, Secret

        try:
            pin = Secret(validate.pin(sys.stdin.readline().strip()))
        except ValueError as exc:
            raise InvalidInput(f"--pin-stdin: {exc}") from None
        SCRUBBER.add(pin)
    ask = prompts.interactive(state.no_input)
    sign_in = method
    if ask:
        with prompts.Prompter() as prompter:
            for key in personal:
                label = SETTINGS[key][1]
                if personal[key] is None:
                    current = getattr(profile, key)
                    answer = prompter.text(label, default=current, check=VALIDATORS[key])
                    setattr(profile, key, answer)
            if pin is None:
                from ctlsupport.cli.commands.setup import ask_pin

                pin = ask_pin(prompter)
            if sign_in is None and prompter.confirm("Sign in to the desk now?", default=True):
                sign_in = prompter.select(
                    "Desk sign-in method", list(settings.AUTH_METHODS[::-1]), "oauth"
                )
    config.profiles[name] = profile
    if make_default or len(config.profiles) == 1:
        config.default_profile = name
    saved = settings.save(config)
    stored = store_pin(state, profile, pin)
    data: dict[str, Any] = {"profile": name, "config": str(saved), "stored": stored}
    if sign_in is not None:
        data["login"] = signin.login(state, profile, sign_in, no_browser=no_browser).as_data()
    else:
        state.out.note(f"Sign in to the desk with `ctlsupport --profile {name} auth login`.")

    def human() -> None:
        sys.stdout.write(f"Imported the team settings into profile {name!r} ({saved})\n")
        if "login" in data:
            sys.stdout.write(f"Signed in as {data['login']['identity']} ({sign_in}).\n")

    state.out.result(data, human)
