"""The table of profile settings: which keys exist, how each is checked, which a team
file may share; and the team settings file (its format and how it is read)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import IO, Any

from ctlsupport.actions.setup import SETTINGS
from ctlsupport.config import settings
from ctlsupport.core import validate
from ctlsupport.errors import ConfigError, InvalidInput, NotFound, UsageError

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
    "imap_host",
    "imap_port",
    "imap_security",
    "imap_auth",
    "imap_folder",
)
PERSONAL = (
    "portal_username",
    "full_name",
    "smtp_user",
    "imap_user",
    "imap_token_command",
    "maildir",
)
SECRET_WORDS = ("pin", "password", "token", "secret", "oauth-access", "oauth-refresh")
ROUTE_NAME = re.compile(r"[a-z][a-z0-9_-]{0,30}")


# What setup asks, then the settings only `config set` changes.
VALIDATORS = {
    **{key: check for key, (_, _, check) in SETTINGS.items()},
    "auth": validate.one_of(*settings.PROFILE_AUTH, fold_case=True),
    "oauth_client_id": validate.optional(validate.line("OAuth client id", 200)),
    "oauth_authorize_url": validate.optional(validate.url),
    "oauth_token_url": validate.optional(validate.url),
    "oauth_redirect_port": validate.optional(validate.port),
    "via": validate.one_of("api", "email", fold_case=True),
    "smtp_host": validate.optional(validate.line("SMTP host", 255)),
    "smtp_port": validate.optional(validate.port),
    "smtp_user": validate.optional(validate.line("SMTP user", 255)),
    "smtp_security": validate.optional(validate.one_of("starttls", "tls", "none", fold_case=True)),
    "status_url": validate.url,
    "deadline": validate.optional(validate.seconds),
    # The alias's mailbox, read by `sync` (docs/email.md).
    "imap_host": validate.optional(validate.line("IMAP host", 255)),
    "imap_port": validate.optional(validate.port),
    "imap_user": validate.optional(validate.line("IMAP user", 255)),
    "imap_security": validate.optional(validate.one_of("tls", "starttls", "none", fold_case=True)),
    "imap_auth": validate.optional(validate.one_of("password", "xoauth2", fold_case=True)),
    "imap_token_command": validate.optional(validate.line("token command", 1000)),
    "imap_folder": validate.optional(validate.line("IMAP folder", 255)),
    "maildir": validate.optional(validate.line("Maildir path", 4096)),
    "storage": validate.optional(validate.one_of("keyring", "file", "env", fold_case=True)),
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


def read_team_file(file: str, stdin: IO[str] | None = None) -> tuple[str, dict[str, Any]]:
    """The suggested profile name and the validated settings of a team file."""
    try:
        raw = (
            (stdin.read() if stdin else "")
            if file == "-"
            else Path(file).expanduser().read_text("utf-8")
        )
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
