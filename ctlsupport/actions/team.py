"""Make a profile from a team settings file, asking only for the engineer's own details
(and the PIN), then sign in when asked to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from ctlsupport.actions import signin
from ctlsupport.actions.results import Done
from ctlsupport.actions.settings_table import VALIDATORS, check_value, read_team_file
from ctlsupport.actions.setup import SETTINGS, ask_pin, store_pin
from ctlsupport.config import settings
from ctlsupport.core import validate
from ctlsupport.errors import InvalidInput, UsageError
from ctlsupport.secret import SCRUBBER, Secret

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session


@dataclass
class ImportOptions:
    """What `config import` was given."""

    file: str
    profile_name: str | None = None
    full_name: str | None = None
    portal_username: str | None = None
    pin_stdin: bool = False
    stdin: IO[str] | None = None
    method: str | None = None
    no_browser: bool = False
    make_default: bool = False


def import_team(opts: ImportOptions, state: Session) -> Done:
    """Create (or update) a profile from the team file; its result."""
    if state.sandbox:
        raise UsageError("import into a named profile, not the sandbox one")
    suggested, values = read_team_file(opts.file, opts.stdin)
    if opts.file == "-" and opts.pin_stdin:
        raise UsageError("the team file and the PIN cannot both come from stdin")
    name = opts.profile_name or state.profile_name or suggested
    config = state.settings()
    profile = config.profiles.get(name) or settings.Profile(name=name)
    for key, value in values.items():
        setattr(profile, key, value)
    personal = {"full_name": opts.full_name, "portal_username": opts.portal_username}
    for key, value in personal.items():
        if value is not None:
            setattr(profile, key, check_value(key, value))
    pin = None
    if opts.pin_stdin:
        try:
            pin = Secret(validate.pin((opts.stdin.readline() if opts.stdin else "").strip()))
        except ValueError as exc:
            raise InvalidInput(f"--pin-stdin: {exc}") from None
        SCRUBBER.add(pin)
    ask = state.asker()
    sign_in = opts.method
    if ask.interactive:
        for key in personal:
            label = SETTINGS[key][1]
            if personal[key] is None:
                current = getattr(profile, key)
                setattr(profile, key, ask.text(label, default=current, check=VALIDATORS[key]))
        if pin is None:
            pin = ask_pin(ask)
        if sign_in is None and ask.confirm("Sign in to the desk now?", default=True):
            sign_in = ask.select("Desk sign-in method", list(settings.AUTH_METHODS[::-1]), "oauth")
    config.profiles[name] = profile
    if opts.make_default or len(config.profiles) == 1:
        config.default_profile = name
    saved = settings.save(config)
    stored = store_pin(state, profile, pin)
    data: dict[str, Any] = {"profile": name, "config": str(saved), "stored": stored}
    if sign_in is not None:
        data["login"] = signin.login(state, profile, sign_in, no_browser=opts.no_browser).as_data()
    else:
        state.notes.note(f"Sign in to the desk with `ctlsupport --profile {name} auth login`.")

    lines = [f"Imported the team settings into profile {name!r} ({saved})"]
    if "login" in data:
        lines.append(f"Signed in as {data['login']['identity']} ({sign_in}).")
    return Done(data, lines)
