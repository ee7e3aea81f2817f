"""`ctlsupport setup`: create or edit a profile; secrets go to the OS keyring."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ctlsupport.cli.context import AppState
from ctlsupport.config import secrets, settings
from ctlsupport.core import validate
from ctlsupport.errors import DeskUnreachable, InvalidInput, KeyringUnavailable, UsageError
from ctlsupport.secret import SCRUBBER, Secret

HELP = "Create or edit a profile: desk, support alias, your details, PIN and desk secret."
EPILOG = (
    "Examples:\n\n"
    "  ctlsupport setup\n\n"
    '  printf \'%s\\n%s\\n\' "$PIN" "$DESK_PASSWORD" | ctlsupport --no-input setup '
    "--alias support@partner.example --portal-username jdoe --full-name 'Jo Doe' "
    "--pin-stdin --secret-stdin"
)

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
    "auth": ("--auth", "Desk sign-in method", validate.one_of(*settings.AUTH_METHODS)),
}


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
    auth: Annotated[
        str | None, typer.Option(help="Desk sign-in: oauth, or legacy password or token.")
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
) -> None:
    state: AppState = ctx.obj
    from ctlsupport.cli import prompts

    config = state.settings()
    name = (
        settings.SANDBOX_PROFILE
        if state.sandbox
        else (state.profile_name or config.default_profile)
    )
    profile = config.profiles.get(name) or settings.Profile(name=name)
    given = {
        "desk_url": desk_url,
        "alias": alias,
        "portal_username": portal_username,
        "full_name": full_name,
        "tier": tier,
        "account_rep": account_rep,
        "datacenter": datacenter,
        "auth": auth,
    }
    problems = {}
    for key, value in given.items():
        if value is not None:
            try:
                setattr(profile, key, SETTINGS[key][2](value))
            except validate.FieldInvalid as exc:
                problems[SETTINGS[key][0]] = str(exc)
    if problems:
        raise InvalidInput("; ".join(f"{flag}: {text}" for flag, text in problems.items()))

    new_profile = name not in config.profiles
    if given["auth"] is None and new_profile:
        profile.auth = "oauth"  # a new profile signs in the way the desk is heading
    if secret_stdin and given["auth"] is None and profile.auth == "oauth":
        profile.auth = "password"  # a secret on stdin is a legacy sign-in
    if state.sandbox:
        # The embedded desk fixes these; its URL changes with every run.
        from ctlsupport.actions.session import SANDBOX_ALIAS

        profile.desk_url, profile.alias, profile.auth = "", SANDBOX_ALIAS, "token"
    if secret_stdin and profile.auth == "oauth":
        raise InvalidInput(
            "--secret-stdin is for the legacy password or token sign-in",
            hint="OAuth signs in through the browser: leave out --secret-stdin.",
        )
    pin, secret = _stdin_secrets(pin_stdin, secret_stdin)
    if prompts.interactive(state.no_input):
        with prompts.Prompter() as prompter:
            for key, (_, label, check) in SETTINGS.items():
                if given[key] is not None or (
                    state.sandbox and key in ("desk_url", "alias", "auth")
                ):
                    continue
                if key == "tier":
                    profile.tier = prompter.select(label, list(settings.TIERS), profile.tier)
                elif key == "auth":
                    choices = [
                        ("oauth", "oauth (sign in in the browser)"),
                        ("password", "password (legacy: the desk stopped accepting it in 2026)"),
                        ("token", "token (legacy: API tokens stop working on 2027-04-30)"),
                    ]
                    profile.auth = prompter.select(
                        label, choices, "oauth" if new_profile else profile.auth
                    )
                else:
                    current = getattr(profile, key)
                    setattr(profile, key, prompter.text(label, default=current, check=check))
            if pin is None:
                pin = ask_pin(prompter)
            sign_in = (
                not state.sandbox
                and secret is None
                and prompter.confirm("Sign in to the desk now?", default=True)
            )
    else:
        sign_in = False
    if not profile.alias:
        raise InvalidInput("missing required input: --alias", hint="The partner's support alias.")

    config.profiles[name] = profile
    if make_default or (len(config.profiles) == 1 and not state.sandbox):
        config.default_profile = name
    path = settings.save(config)
    stored = store_pin(state, profile, pin)
    if not state.sandbox and (sign_in or secret is not None):
        stored += _sign_in(state, profile, secret, no_browser)
    data = {"profile": name, "config": str(path), "stored_in_keyring": stored}

    signed_in = (
        state.sandbox
        or not new_profile
        or any(s in stored for s in ("oauth-access", "password", "token"))
    )
    data["signed_in"] = signed_in

    def human() -> None:
        sys.stdout.write(f"Saved profile {name!r} to {path}\n")
        if stored:
            sys.stdout.write(f"Stored in the OS keyring: {', '.join(stored)}\n")
        if not signed_in:
            flag = "" if name == config.default_profile else f" --profile {name}"
            sys.stdout.write(f"Not signed in to the desk yet: run `ctlsupport{flag} auth login`\n")

    state.out.result(data, human)


def _stdin_secrets(pin_stdin: bool, secret_stdin: bool) -> tuple[Secret | None, Secret | None]:
    pin = secret = None
    if pin_stdin or secret_stdin:
        if sys.stdin.isatty():
            raise InvalidInput("--pin-stdin/--secret-stdin need the values piped on stdin")
        if pin_stdin:
            pin = Secret(validate.pin(sys.stdin.readline().strip()))
        if secret_stdin:
            value = sys.stdin.readline().rstrip("\r\n")
            if not value:
                raise InvalidInput("--secret-stdin: the line on stdin is empty")
            secret = Secret(value)
        SCRUBBER.add(pin, secret)
    return pin, secret


def ask_pin(prompter) -> Secret | None:
    """The Control Portal PIN from a hidden prompt; None when left empty (keep the stored)."""
    value = prompter.secret(
        "Control Portal PIN (Enter to keep)", check=validate.optional(validate.pin)
    )
    if not value:
        return None
    SCRUBBER.add(value)
    return Secret(value)


def store_pin(state: AppState, profile: settings.Profile, pin: Secret | None) -> list[str]:
    """Store the PIN in the keyring; a missing keyring is a warning (env still works)."""
    if pin is None:
        return []
    try:
        secrets.store(profile.name, "pin", pin, profile.alias)
    except KeyringUnavailable as exc:
        return _not_stored(state, exc)
    return ["pin"]


def _sign_in(
    state: AppState, profile: settings.Profile, secret: Secret | None, no_browser: bool
) -> list[str]:
    """The `auth login` flow for the profile's method; what was stored."""
    from ctlsupport.actions import signin

    try:
        result = signin.login(state, profile, profile.auth, secret=secret, no_browser=no_browser)
    except DeskUnreachable:
        if secret is None:
            raise
        # Set up while offline: keep the secret, unchecked; `doctor` checks it later.
        state.out.warn(
            f"the desk at {profile.desk_url} cannot be reached: the {profile.auth} is stored "
            "unchecked; run `ctlsupport doctor` when it can"
        )
        return _store_unchecked(state, profile, secret)
    except UsageError as exc:  # a desk secret in the environment
        state.out.warn(f"not signed in: {exc.message}")
        return []
    except KeyringUnavailable as exc:
        return _not_stored(state, exc)
    return ["oauth-access"] if result.method == "oauth" else [result.method]


def _store_unchecked(state: AppState, profile: settings.Profile, secret: Secret) -> list[str]:
    try:
        secrets.store(profile.name, profile.auth, secret)
    except KeyringUnavailable as exc:
        return _not_stored(state, exc)
    return [profile.auth]


def _not_stored(state: AppState, exc: KeyringUnavailable) -> list[str]:
    """A missing keyring while storing: a warning (env still works); nothing was stored."""
    state.out.warn(f"{exc.message}; secrets were not stored")
    state.out.note(f"hint: {exc.hint}")
    return []
