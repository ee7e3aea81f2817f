"""Create or edit a profile: desk, support alias, the engineer's details, the PIN and
the desk sign-in; secrets go to the OS keyring."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from ctlsupport.actions.results import Done
from ctlsupport.config import secrets, settings
from ctlsupport.core import validate
from ctlsupport.errors import (
    DeskUnreachable,
    Interrupted,
    InvalidInput,
    KeyringUnavailable,
    UsageError,
)
from ctlsupport.secret import SCRUBBER, Secret

if TYPE_CHECKING:
    from ctlsupport.actions.asker import Asker
    from ctlsupport.actions.session import Session

DEVELOPER_REFUSAL = (
    "the Developer tier is not acceptable for a reseller partner: "
    "the provider requires Professional or Enterprise support"
)


VIAS = ("email", "api")
VIA_CHOICES = [
    ("email", "By email: works with nothing from the provider, who recommends it"),
    ("api", "Through the desk's API: needs the OAuth client the provider registers for "
            "this tool (docs/provider-setup.md)"),
]  # fmt: skip


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
    "via": ("--via", "How your team reaches the provider's desk", validate.one_of(*VIAS)),
    # The exact word here; `config set auth` also takes it in any case.
    "auth": ("--auth", "Desk sign-in method", validate.one_of(*settings.PROFILE_AUTH)),
    # The email route's SMTP server (asked only on the email route; the password is
    # asked at the first send and kept in the keyring).
    "smtp_host": (
        "--smtp-host",
        "SMTP server (Enter: set it later)",
        validate.optional(validate.line("SMTP host", 255)),
    ),
    "smtp_security": (
        "--smtp-security",
        "SMTP security",
        validate.optional(validate.one_of(*settings.SMTP_PORTS)),
    ),
    "smtp_port": ("--smtp-port", "SMTP port", validate.optional(validate.port)),
    "smtp_user": (
        "--smtp-user",
        "SMTP user (Enter: none)",
        validate.optional(validate.line("SMTP user", 255)),
    ),
}
SMTP_KEYS = ("smtp_host", "smtp_security", "smtp_port", "smtp_user")


@dataclass
class SetupOptions:
    """What `setup` was given: settings by profile attribute, and how to read secrets."""

    given: dict[str, str | None] = field(default_factory=dict)
    pin_stdin: bool = False
    secret_stdin: bool = False
    stdin: IO[str] | None = None
    no_browser: bool = False
    make_default: bool = False
    storage: str | None = None  # keyring, file (--insecure-storage) or env; None: as is


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
    profile.storage = opts.storage or profile.storage
    pin, secret = _stdin_secrets(opts)
    ask = state.asker()
    sign_in = False
    mailbox_password = None
    if ask.interactive:
        pin, sign_in, mailbox_password = _ask_all(
            ask, state, opts, profile, given, pin, secret, new_profile
        )
    if not profile.alias:
        raise InvalidInput("missing required input: --alias", hint="The partner's support alias.")

    if given["desk_url"] is not None and not state.sandbox:
        own_status_page(profile)
    config.profiles[name] = profile
    if opts.make_default or (len(config.profiles) == 1 and not state.sandbox):
        config.default_profile = name
    path = settings.save(config)
    lost: list[tuple[str, secrets.NotKept]] = []  # given, but not kept
    stored = store_pin(state, profile, pin, lost)
    stored += _store_mailbox(profile, mailbox_password, lost)
    if not state.sandbox and (sign_in or secret is not None):
        try:
            stored += _sign_in(state, profile, secret, opts.no_browser, lost)
        except (KeyboardInterrupt, EOFError):
            kept = " and the PIN" if "pin" in stored else ""
            flag = "" if name == config.default_profile else f" --profile {name}"
            raise Interrupted(
                f"interrupted while signing in: saved profile {name!r} to {path}{kept}; "
                "not signed in to the desk",
                hint=f"Sign in when ready: `ctlsupport{flag} auth login`.",
            ) from None
    if lost:
        raise not_kept(name, path, lost)
    signed_in = (
        state.sandbox
        or not new_profile
        or profile.auth == "none"  # nothing to sign in to
        or any(s in stored for s in ("oauth-access", "password", "token"))
    )
    data = {"profile": name, "config": str(path), "stored": stored, "via": profile.via}
    data["storage"] = profile.storage or "keyring"
    data["signed_in"] = signed_in
    lines = [f"Saved profile {name!r} to {path}"]
    if stored:
        where = "the OS keyring"
        if profile.storage == "file":
            where = f"a plain file ({secrets.insecure_path()})"
        lines.append(f"Stored in {where}: {', '.join(stored)}")
    if not signed_in:
        flag = "" if name == config.default_profile else f" --profile {name}"
        lines.append(f"Not signed in to the desk yet: run `ctlsupport{flag} auth login`")
    if profile.via == "email" and not state.sandbox:
        lines.append(_email_route_line(profile))
    if profile.auth == "none":
        lines.append(
            "No API access: tickets go by email, and `ctlsupport sync` reads the desk's "
            "notifications from the alias's mailbox"
            + ("." if profile.imap_host or profile.maildir or state.sandbox
               else " (set it up first: docs/email.md).")
        )  # fmt: skip
    return Done(data, lines)


def _email_route_line(profile: settings.Profile) -> str:
    if not profile.smtp_host:
        return (
            "Tickets go by email once the SMTP server is set: "
            "`ctlsupport config set smtp_host smtp.your-company.example` (docs/email.md)"
        )
    return (
        f"Tickets go by email from {profile.alias} through {profile.smtp_host}:"
        f"{profile.smtp_port} ({profile.smtp_security}); the address sets the priority"
    )


def _store_mailbox(
    profile: settings.Profile, password: Secret | None, lost: list[tuple[str, secrets.NotKept]]
) -> list[str]:
    """The mailbox password, kept where the profile keeps secrets."""
    if password is None:
        return []
    try:
        secrets.keep(profile.name, "imap-password", password, storage=profile.storage)
    except secrets.NotKept as exc:
        lost.append(("mailbox password", exc))
        return []
    return ["imap-password"]


def own_status_page(profile: settings.Profile) -> bool:
    """A profile pointed at a served sandbox reads that sandbox's status page."""
    from ctlsupport.transport import statuspage

    if profile.status_url != settings.DEFAULT_STATUS_URL or not profile.desk_url:
        return False
    if not statuspage.served_by(profile.desk_url):
        return False
    profile.status_url = profile.desk_url
    return True


def _ask_all(
    ask: Asker,
    state: Session,
    opts: SetupOptions,
    profile: settings.Profile,
    given: dict,
    pin: Secret | None,
    secret: Secret | None,
    new_profile: bool,
) -> tuple[Secret | None, bool, Secret | None]:
    """Every question of an interactive setup: the PIN, whether to sign in now, and on the
    email route the mailbox (its password, when it has one).
    Ctrl-C (or Ctrl-D) here leaves everything as it was, and says so."""
    try:
        _ask_profile(ask, profile, given, sandbox=state.sandbox, new_profile=new_profile)
        mailbox_password = None
        if profile.auth == "none" or profile.via == "email":
            from ctlsupport.actions.mailbox_setup import ask_mailbox

            mailbox_password = ask_mailbox(ask, profile)
        if not state.sandbox and opts.storage is None:
            _choose_storage(ask, profile)
        if pin is None:
            pin = ask_pin(ask)
        sign_in = (
            not state.sandbox
            and secret is None
            and profile.auth != "none"
            and ask.confirm("Sign in to the desk now?", default=True)
        )
    except (KeyboardInterrupt, EOFError):
        was = "was not created" if new_profile else "is as it was"
        raise Interrupted(
            f"interrupted; nothing was saved: profile {profile.name!r} {was}"
        ) from None
    return pin, sign_in, mailbox_password


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
        # A new profile signs in the way its route needs: by email, no API sign-in at
        # all; through the API, the desk's OAuth client.
        profile.auth = "none" if profile.via == "email" else "oauth"
    if profile.smtp_host:  # the usual port for the security, unless one was given
        profile.smtp_security = profile.smtp_security or "starttls"
        profile.smtp_port = profile.smtp_port or str(settings.SMTP_PORTS[profile.smtp_security])
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
    """Ask for every setting not given as a flag (the embedded desk fixes its own); the
    route chosen decides the sign-in and whether the SMTP server is asked."""
    fixed = ("desk_url", "alias", "auth", "via", *SMTP_KEYS) if sandbox else ()
    for key, (_, label, check) in SETTINGS.items():
        if given[key] is not None or key in fixed or not _asked(key, profile, given):
            continue
        if key == "tier":
            profile.tier = ask.select(label, list(settings.TIERS), profile.tier)
        elif key == "via":
            profile.via = ask.select(label, VIA_CHOICES, "email" if new_profile else profile.via)
        elif key == "auth":
            _ask_auth(ask, profile, given, new_profile)
        elif key == "smtp_security":
            profile.smtp_security = ask.select(
                label, list(settings.SMTP_PORTS), profile.smtp_security or "starttls"
            )
        elif key == "smtp_port":
            usual = str(settings.SMTP_PORTS[profile.smtp_security or "starttls"])
            profile.smtp_port = ask.text(label, default=profile.smtp_port or usual, check=check)
        else:
            current = getattr(profile, key)
            setattr(profile, key, ask.text(label, default=current, check=check))


def _asked(key: str, profile, given: dict) -> bool:
    """Whether a question applies: the route is not asked when the sign-in was given; the
    SMTP server only by email, and its details only once there is one."""
    if key == "via":
        return given["auth"] is None
    if key in SMTP_KEYS:
        return profile.via == "email" and (key == "smtp_host" or bool(profile.smtp_host))
    return True


def _ask_auth(ask: Asker, profile, given: dict, new_profile: bool) -> None:
    """The sign-in that goes with the route: none by email (the alias's mailbox follows the
    tickets), else the desk's OAuth client, or a legacy secret."""
    if profile.via == "email" and new_profile:
        profile.auth = "none"  # the email route needs no API sign-in
        return
    choices = [
        ("oauth", "oauth (sign in in the browser, with the provider's registered client)"),
        ("password", "password (legacy: the desk stopped accepting it in 2026)"),
        ("token", "token (legacy: API tokens stop working on 2027-04-30)"),
        ("none", "none (no API access: email, and the alias's mailbox to follow)"),
    ]
    profile.auth = ask.select(
        SETTINGS["auth"][1], choices, "oauth" if new_profile else profile.auth
    )


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


def store_pin(
    state: Session,
    profile: settings.Profile,
    pin: Secret | None,
    lost: list[tuple[str, secrets.NotKept]],
) -> list[str]:
    """Keep the PIN where the profile keeps secrets; `lost` gets it when it cannot be."""
    if pin is None:
        return []
    try:
        secrets.keep(profile.name, "pin", pin, profile.alias, storage=profile.storage)
    except secrets.NotKept as exc:
        if state.sandbox:  # any PIN works on the embedded desk
            state.notes.note("The PIN was not kept (any PIN works in the sandbox).")
            return []
        lost.append(("PIN", exc))
        return []
    return ["pin"]


def _choose_storage(ask: Asker, profile: settings.Profile) -> None:
    """With no keyring here, the person chooses where the PIN and sign-in go."""
    if profile.storage or secrets.keyring_works():
        return
    ask.say("There is no OS keyring on this machine.")
    profile.storage = ask.select(
        "Keep the PIN and the desk sign-in",
        [
            ("file", f"in a plain 0600 file ({secrets.insecure_path()})"),
            ("env", "nowhere: I set CTLSUPPORT_PIN and the sign-in variable for each run"),
        ],
        "file",
    )


def _sign_in(
    state: Session,
    profile: settings.Profile,
    secret: Secret | None,
    no_browser: bool,
    lost: list[tuple[str, secrets.NotKept]],
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
        try:
            secrets.keep(profile.name, profile.auth, secret, storage=profile.storage)
        except secrets.NotKept as exc:
            lost.append((f"desk {profile.auth}", exc))
            return []
        return [profile.auth]
    except UsageError as exc:  # a desk secret in the environment
        state.notes.warn(f"not signed in: {exc.message}")
        return []
    except KeyringUnavailable as exc:
        lost.append((f"desk {profile.auth}", secrets.NotKept(exc.message, hint=exc.hint)))
        return []
    return ["oauth-access"] if result.method == "oauth" else [result.method]


def not_kept(name: str, path, lost: list[tuple[str, secrets.NotKept]]) -> secrets.NotKept:
    """One error for what was given but not kept: never reported as saved."""
    what = " and ".join(label for label, _ in lost)
    reason = lost[0][1].message.split("; the sign-in worked")[0]
    return secrets.NotKept(
        f"saved profile {name!r} to {path}, but NOT the {what}: {reason}",
        hint=lost[0][1].hint or secrets.KEEP_HINT,
    )
