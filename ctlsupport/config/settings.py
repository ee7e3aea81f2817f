"""Profiles in a TOML file (tomllib to read, tomli-w to write, mode 0600). Never secrets."""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ctlsupport.config import paths
from ctlsupport.errors import ConfigError, NotFound

DEFAULT_DESK_URL = "https://support.ctl.io"
DEFAULT_STATUS_URL = "https://status.ctl.io"
DEFAULT_PROFILE = "default"
SANDBOX_PROFILE = "sandbox"
TIERS = ("professional", "enterprise")
AUTH_METHODS = ("password", "token", "oauth")
# A profile's `auth` may also be none: no API access at all (the email route, and the
# alias's mailbox for following tickets).
PROFILE_AUTH = (*AUTH_METHODS, "none")


@dataclass
class Profile:
    """One partner identity on one desk. Every value here is safe to write to disk."""

    name: str = DEFAULT_PROFILE
    desk_url: str = DEFAULT_DESK_URL
    alias: str = ""  # the partner's shared support mailbox, the desk user
    portal_username: str = ""
    full_name: str = ""
    tier: str = "professional"
    account_rep: str = ""
    datacenter: str = ""
    auth: str = "password"  # password | token | oauth | none
    # OAuth sign-in (empty: derived from desk_url, see the auth docs). The client id and
    # the redirect port must be what the provider's desk admin registered (empty: the
    # defaults `ctlsupport` and 47613, docs/provider-setup.md).
    oauth_client_id: str = ""
    oauth_authorize_url: str = ""
    oauth_token_url: str = ""
    oauth_redirect_port: str = ""
    # The email route.
    via: str = "api"  # api | email
    smtp_host: str = ""
    smtp_port: str = ""
    smtp_user: str = ""
    smtp_security: str = ""  # starttls | tls | none
    # The alias's mailbox, for `sync` (docs/email.md): an IMAP folder, or a local Maildir.
    imap_host: str = ""
    imap_port: str = ""
    imap_user: str = ""  # empty: the alias
    imap_security: str = ""  # tls (default) | starttls | none (loopback only)
    imap_auth: str = ""  # password (default, in the keyring) | xoauth2
    imap_token_command: str = ""  # prints an OAuth2 access token, for xoauth2
    imap_folder: str = ""  # empty: INBOX
    maildir: str = ""  # a local Maildir instead of IMAP
    # Destination address per route name (urgent, high, normal, low, task, escalation,
    # enterprise); missing names take the defaults of the email route.
    routes: dict[str, str] = field(default_factory=dict)
    # The platform status page (Statuspage v2 JSON), for `status` and the banner in open.
    status_url: str = DEFAULT_STATUS_URL
    # Seconds one command may wait for the desk in all (empty: 60; see docs/reliability.md).
    deadline: str = ""
    # Where setup and `auth login` keep the PIN and the sign-in: keyring (empty), file
    # (the opt-in plain 0600 file) or env (nothing kept: the environment gives them).
    storage: str = ""

    def to_toml(self) -> dict[str, object]:
        data = asdict(self)
        data.pop("name")
        return {k: v for k, v in data.items() if v not in ("", {})}

    @classmethod
    def from_toml(cls, name: str, data: dict[str, object], source: Path | None = None) -> Profile:
        """A profile from its table in the file, every value checked (type, choice,
        address): a wrong one is one line naming the key and the file."""
        source = source or paths.config_file()
        known = {f.name for f in fields(cls)} - {"name"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(
                f"{source}: profile {name!r} has unknown setting(s): {', '.join(unknown)}",
                hint=f"Remove them from {source}.",
            )
        values: dict[str, object] = {}
        for key, value in data.items():
            where = f"{source}: profile {name!r}: {key}"
            if key == "routes":
                values[key] = _routes(where, value, source)
            else:
                values[key] = _checked(key, _text(where, key, value, source), where, source)
        return cls(name=name, **values)  # type: ignore[arg-type]


# The email route's SMTP security, each with its usual port.
SMTP_PORTS = {"starttls": 587, "tls": 465, "none": 25}
# The settings that take one of a few words, and those that hold an address.
CHOICES = {
    "via": ("api", "email"),
    # "developer" is known (so escalate can say why it is refused), never set by setup.
    "tier": (*TIERS, "developer"),
    "auth": PROFILE_AUTH,
    "smtp_security": tuple(SMTP_PORTS),
    "imap_security": ("tls", "starttls", "none"),
    "imap_auth": ("password", "xoauth2"),
    "storage": ("keyring", "file", "env"),
}
ADDRESSES = ("desk_url", "status_url", "oauth_authorize_url", "oauth_token_url")


def _bad(where: str, problem: str, key: str, source: Path) -> ConfigError:
    return ConfigError(
        f"{where} {problem}",
        hint=f"Edit {source}: fix or remove the {key} line (no command reads a file it "
        "cannot trust).",
    )


def _text(where: str, key: str, value: object, source: Path) -> str:
    """A setting's value as text: TOML strings (a port may be a bare number)."""
    if isinstance(value, str):
        return value
    if key == "smtp_port" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    kind = {bool: "true/false", int: "a number", float: "a number", dict: "a table",
            list: "a list"}.get(type(value), type(value).__name__)  # fmt: skip
    raise _bad(where, f'must be text in quotes (key = "..."), not {kind}', key, source)


def _checked(key: str, value: str, where: str, source: Path) -> str:
    if key in CHOICES and value:
        folded = value.strip().lower()
        if folded not in CHOICES[key]:
            allowed = ", ".join(CHOICES[key])
            raise _bad(where, f"must be one of {allowed}, not {value!r}", key, source)
        return folded
    if key in ADDRESSES and value:
        from ctlsupport import addresses

        why = addresses.problem(value)
        if why:
            raise _bad(where, why, key, source)
        return addresses.normal(value)
    if key == "smtp_port" and value and not (value.isdigit() and 0 < int(value) < 65536):
        raise _bad(where, "must be a port number, 1-65535", key, source)
    return value


def _routes(where: str, value: object, source: Path) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _bad(where, "must be a table ([profiles.NAME.routes])", "routes.NAME", source)
    bad = sorted(str(k) for k, v in value.items() if not isinstance(v, str))
    if bad:
        raise _bad(f"{where}.{bad[0]}", "must be an address in quotes", "routes.NAME", source)
    return {str(k): v for k, v in value.items()}


def named_profile(name: str | None = None) -> str | None:
    """The profile asked for by name (a flag) or by CTLSUPPORT_PROFILE, if any."""
    return name or os.environ.get("CTLSUPPORT_PROFILE") or None


@dataclass
class Settings:
    """The whole config file."""

    default_profile: str = DEFAULT_PROFILE
    profiles: dict[str, Profile] = field(default_factory=dict)
    # Queued outbox items are sent by the next command that talks to the desk.
    auto_send_outbox: bool = True
    # profile name -> the keys its table had in the file (the rest are defaults).
    file_keys: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)

    def chosen_name(self, name: str | None = None) -> str:
        """The profile name in use: the one given, else CTLSUPPORT_PROFILE, else the default."""
        return named_profile(name) or self.default_profile

    def profile(self, name: str | None = None) -> Profile:
        """The named profile, else CTLSUPPORT_PROFILE, else the default one."""
        chosen = self.chosen_name(name)
        try:
            return self.profiles[chosen]
        except KeyError:
            raise NotFound(
                f"no profile named {chosen!r}",
                hint="Create it with `ctlsupport"
                + (f" --profile {chosen}" if chosen != DEFAULT_PROFILE else "")
                + " setup`, or try the local desk with `ctlsupport --sandbox ...`.",
            ) from None


def load(path: Path | None = None) -> Settings:
    """Read the config file; a missing file is an empty config."""
    path = path or paths.config_file()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path} is not valid TOML: {exc}", hint="Fix the file or remove it and run setup."
        ) from None
    profiles_raw = data.get("profiles", {})
    if not isinstance(profiles_raw, dict):
        raise ConfigError(f"{path}: [profiles] must be a table")
    profiles = {}
    file_keys = {}
    for name, values in profiles_raw.items():
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: [profiles.{name}] must be a table")
        profiles[name] = Profile.from_toml(name, values, path)
        file_keys[name] = frozenset(values)
    auto_send = data.get("auto_send_outbox", True)
    if not isinstance(auto_send, bool):
        raise ConfigError(f"{path}: auto_send_outbox must be true or false")
    default = data.get("default_profile", DEFAULT_PROFILE)
    if not isinstance(default, str):
        raise ConfigError(f"{path}: default_profile must be a profile name in quotes")
    return Settings(
        default_profile=default,
        profiles=profiles,
        auto_send_outbox=auto_send,
        file_keys=file_keys,
    )


def save(settings: Settings, path: Path | None = None) -> Path:
    """Write the config file atomically with mode 0600."""
    import tomli_w

    path = path or paths.config_file()
    paths.ensure_private_dir(path.parent)
    doc = {
        "default_profile": settings.default_profile,
        **({} if settings.auto_send_outbox else {"auto_send_outbox": False}),
        "profiles": {name: p.to_toml() for name, p in sorted(settings.profiles.items())},
    }
    tmp = path.with_suffix(".toml.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        tomli_w.dump(doc, handle)
    os.replace(tmp, path)
    os.chmod(path, 0o600)
    return path
