"""Create or edit a profile: desk, support alias, the engineer's details, the PIN and
the desk sign-in; secrets go to the OS keyring."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from ctlsupport.actions.results import Done
from ctlsupport.config import secrets, settings
from ctlsupport.core import validate
from ctlsupport.errors import DeskUnreachable, InvalidInput, KeyringUnavailable, UsageError
from ctlsupport.secret import SCRUBBER, Secret

if TYPE_CHECKING:
    from ctlsupport.actions.asker import Asker
    from ctlsupport.actions.session import Session

DEVELOPER_REFUSAL = (
    "the Developer tier is not acceptable for a reseller partner: "
    "the provider requires Professional or Enterprise support"
)


def _tier(value: str) -> str:
    tier = value.strip().lower()
    if tier == "developer":
        raise validate.FieldInvalid(DEVELOPER_REFUSAL)
    if tier not in settings.TIERS:
        raise validate.FieldInvalid("tier must be professional or enterprise")
    return tier


# Profile attribute -> (flag, prompt label, validator).
SETTINGS = {
    "desk_url": ("--desk-url", "Desk URL", validate.url),
    "alias": ("--alias", "Support alias email (the shared mailbox)", validate.email),
    "portal_username": (
        "--portal-username",
        "Your Control Portal username",
        validate.optional(validate.line("portal username", 80)),
    ),
    "full_name": (
        "--full-name",
        "Your full name",
        validate.optional(validate.line("full name", 80)),
    ),
    "tier": ("--tier", "Support tier", _tier),
    "account_rep": (
        "--account-rep",
        "Account representative email (CC)",
        validate.optional(validate.email),
    ),
    "datacenter": ("--datacenter", "Default data center", validate.optional(validate.datacenter)),
    # The exact word here; `config set auth` also takes it in any case.
    "auth": ("--auth", "Desk sign-in method", validate.one_of(*settings.PROFILE_AUTH)),
}


@dataclass
class SetupOptions:
    """What `setup` was given: settings by profile attribute, and how to read secrets."""

    given: dict[str, str | None] = field(default_factory=dict)
    pin_stdin: bool = False
    secret_stdin: bool = False
    stdin: IO[str] | None = None
    no_browser: bool = False
    make_default: bool = False


def setup(opts: SetupOptions, state: Session) -> Done:
    """Save the profile (asking for what was not given, when a person is there)."""
    config = state.settings()
    name = (
        settings.SANDBOX_PROFILE
        if state.sandbox
        else (state.profile_name or config.default_profile)
    )
    profile = config.profiles.get(name) or settings.Profile(name=name)
    given = {key: opts.given.get(key) for key in SETTINGS}
    new_profile = name not in config.profiles
    _apply_given(profile, given, opts, new_profile=new_profile, sandbox=state.sandbox)
    pin, secret = _stdin_secrets(opts)
    ask = state.asker()
    sign_in = False
    mailbox_password = None
    if ask.interactive:
        _ask_profile(ask, profile, given, sandbox=state.sandbox, new_profile=new_profile)
        if profile.auth == "none" or profile.via == "email":
            from ctlsupport.actions.mailbox_setup import ask_mailbox

            mailbox_password = ask_mailbox(ask, profile)
        if pin is None:
            pin = ask_pin(ask)
        sign_in = (
            not state.sandbox
            and secret is None
            and profile.auth != "none"
            and ask.confirm("Sign in to the desk now?", default=True)
        )
    if not profile.alias:
        raise InvalidInput("missing required input: --alias", hint="The partner's support alias.")

    config.profiles[name] = profile
    if opts.make_default or (len(config.profiles) == 1 and not state.sandbox):
        config.default_profile = name
    path = settings.save(config)
    stored = store_pin(state, profile, pin) + _store_mailbox(state, profile, mailbox_password)
    if not state.sandbox and (sign_in or secret is not None):
        stored += _sign_in(state, profile, secret, opts.no_browser)
    signed_in = (
        state.sandbox
        or not new_profile
        or profile.auth == "none"  # nothing to sign in to
        or any(s in stored for s in ("oauth-access", "password", "token"))
    )
    data = {"profile": name, "config": str(path), "stored_in_keyring": stored}
    data["signed_in"] = signed_in
    lines = [f"Saved profile {name!r} to {path}"]
    if stored:
        lines.append(f"Stored in the OS keyring: {', '.join(stored)}")
    if not signed_in:
        flag = "" if name == config.default_profile else f" --profile {name}"
        lines.append(f"Not signed in to the desk yet: run `ctlsupport{flag} auth login`")
    if profile.auth == "none":
        lines.append(
            "No API access: tickets go by email, and `ctlsupport sync` reads the desk's "
            "notifications from the alias's mailbox"
            + ("." if profile.imap_host or profile.maildir or state.sandbox
               else " (set it up first: docs/email.md).")
        )  # fmt: skip
    return Done(data, lines)


def _store_mailbox(state: Session, profile: settings.Profile, password: Secret | None) -> list[str]:
    """The mailbox password into the keyring; a missing keyring is a warning."""
    if password is None:
        return []
    try:
        secrets.store(profile.name, "imap-password", password)
    except KeyringUnavailable as exc:
        return _not_stored(state, exc)
    return ["imap-password"]


def _apply_given(
    profile: settings.Profile, given: dict, opts: SetupOptions, *, new_profile: bool, sandbox: bool
) -> None:
    """The settings given as flags, each checked (all the refusals in one line), and the
    sign-in method they imply."""
    problems = {}
    for key, value in given.items():
        if value is not None:
            try:
                setattr(profile, key, SETTINGS[key][2](value))
            except validate.FieldInvalid as exc:
                problems[SETTINGS[key][0]] = str(exc)
    if problems:
        raise InvalidInput("; ".join(f"{flag}: {text}" for flag, text in problems.items()))
    if given["auth"] is None and new_profile:
        profile.auth = "oauth"  # a new profile signs in the way the desk is heading
    if opts.secret_stdin and given["auth"] is None and profile.auth == "oauth":
        profile.auth = "password"  # a secret on stdin is a legacy sign-in
    if sandbox:
        # The embedded desk fixes these; its URL changes with every run.
        from ctlsupport.actions.session import SANDBOX_ALIAS

        # `--auth none` plays a partner with no API access on it (email and mailbox).
        auth = "none" if given["auth"] == "none" else "token"
        profile.desk_url, profile.alias, profile.auth = "", SANDBOX_ALIAS, auth
    if opts.secret_stdin and profile.auth == "oauth":
        raise InvalidInput(
            "--secret-stdin is for the legacy password or token sign-in",
            hint="OAuth signs in through the browser: leave out --secret-stdin.",
        )


def _ask_profile(ask: Asker, profile, given: dict, *, sandbox: bool, new_profile: bool) -> None:
    """Ask for every setting not given as a flag (the embedded desk fixes its own)."""
    for key, (_, label, check) in SETTINGS.items():
        if given[key] is not None or (sandbox and key in ("desk_url", "alias", "auth")):
            continue
        if key == "tier":
            profile.tier = ask.select(label, list(settings.TIERS), profile.tier)
        elif key == "auth":
            choices = [
                ("oauth", "oauth (sign in in the browser)"),
                ("password", "password (legacy: the desk stopped accepting it in 2026)"),
                ("token", "token (legacy: API tokens stop working on 2027-04-30)"),
                ("none", "none (no API access: email, and the alias's mailbox to follow)"),
            ]
            profile.auth = ask.select(label, choices, "oauth" if new_profile else profile.auth)
        else:
            current = getattr(profile, key)
            setattr(profile, key, ask.text(label, default=current, check=check))


def _stdin_secrets(opts: SetupOptions) -> tuple[Secret | None, Secret | None]:
    pin = secret = None
    stdin = opts.stdin
    if opts.pin_stdin or opts.secret_stdin:
        if stdin is None:
            raise InvalidInput("--pin-stdin/--secret-stdin need the values piped on stdin")
        if opts.pin_stdin:
            pin = Secret(validate.pin(stdin.readline().strip()))
        if opts.secret_stdin:
            value = stdin.readline().rstrip("\r\n")
            if not value:
                raise InvalidInput("--secret-stdin: the line on stdin is empty")
            secret = Secret(value)
        SCRUBBER.add(pin, secret)
    return pin, secret


def ask_pin(ask: Asker) -> Secret | None:
    """The Control Portal PIN from a hidden prompt; None when left empty (keep the stored)."""
    value = ask.secret("Control Portal PIN (Enter to keep)", check=validate.optional(validate.pin))
    if not value:
        return None
    SCRUBBER.add(value)
    return Secret(value)


def store_pin(state: Session, profile: settings.Profile, pin: Secret | None) -> list[str]:
    """Store the PIN in the keyring; a missing keyring is a warning (env still works)."""
    if pin is None:
        return []
    try:
        secrets.store(profile.name, "pin", pin, profile.alias)
    except KeyringUnavailable as exc:
        return _not_stored(state, exc)
    return ["pin"]


def _sign_in(
    state: Session, profile: settings.Profile, secret: Secret | None, no_browser: bool
) -> list[str]:
    """The `auth login` flow for the profile's method; what was stored."""
    from ctlsupport.actions import signin

    try:
        result = signin.login(state, profile, profile.auth, secret=secret, no_browser=no_browser)
    except DeskUnreachable:
        if secret is None:
            raise
        # Set up while offline: keep the secret, unchecked; `doctor` checks it later.
        state.notes.warn(
            f"the desk at {profile.desk_url} cannot be reached: the {profile.auth} is stored "
            "unchecked; run `ctlsupport doctor` when it can"
        )
        return _store_unchecked(state, profile, secret)
    except UsageError as exc:  # a desk secret in the environment
        state.notes.warn(f"not signed in: {exc.message}")
        return []
    except KeyringUnavailable as exc:
        return _not_stored(state, exc)
    return ["oauth-access"] if result.method == "oauth" else [result.method]


def _store_unchecked(state: Session, profile: settings.Profile, secret: Secret) -> list[str]:
    try:
        secrets.store(profile.name, profile.auth, secret)
    except KeyringUnavailable as exc:
        return _not_stored(state, exc)
    return [profile.auth]


def _not_stored(state: Session, exc: KeyringUnavailable) -> list[str]:
    """A missing keyring while storing: a warning (env still works); nothing was stored."""
    state.notes.warn(f"{exc.message}; secrets were not stored")
    state.notes.note(f"hint: {exc.hint}")
    return []
