"""Change the settings: one value of a profile (checked; secrets refused), and the team
settings file a team shares (never a secret, never a person's own details)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctlsupport.actions.results import Done
from ctlsupport.actions.settings_table import SHAREABLE, TEAM_FORMAT, check_value
from ctlsupport.config import settings
from ctlsupport.core import validate
from ctlsupport.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session


def set_value(state: Session, key: str, value: str) -> Done:
    """Set `key` of the chosen profile to `value` ('' clears it)."""
    if state.sandbox:
        raise UsageError("the sandbox profile is set by --sandbox; pick a profile with --profile")
    checked = check_value(key, value)
    if key.endswith("_url") and checked and (risk := validate.plain_http_warning(checked)):
        state.notes.warn(risk)
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
            state.notes.warn("the alias changed: sign in again (`ctlsupport auth login`)")
        setattr(profile, key, checked)
    if len(config.profiles) == 1:
        config.default_profile = name
    path = settings.save(config)
    data = {"profile": name, "key": key, "value": checked, "config": str(path)}
    return Done(data, [f"{name}: {key} = {checked}"])


def export_team(state: Session, file: str) -> Done:
    """Write the profile's team settings to `file` ("-": the text is the result's data)."""
    import tomli_w

    if state.sandbox:
        raise UsageError("the sandbox profile has nothing to share; pick one with --profile")
    profile = state.profile()
    document = {"format": TEAM_FORMAT, "profile": profile.name, "settings": team_settings(profile)}
    text = (
        "# ctlsupport team settings: no secrets, no personal details.\n"
        "# Import with: ctlsupport config import FILE\n" + tomli_w.dumps(document)
    )
    if file == "-":
        return Done(text, [text])  # the file itself goes to stdout
    target = Path(file).expanduser()
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {target}: {exc.strerror}") from None
    return Done(
        {"profile": profile.name, "file": str(target), "keys": sorted(document["settings"])},
        [f"Wrote the team settings of {profile.name!r} to {target}"],
    )


def team_settings(profile: settings.Profile) -> dict[str, Any]:
    """The shareable settings of a profile (never a secret, never a personal item)."""
    out: dict[str, Any] = {}
    for key in SHAREABLE:
        value = getattr(profile, key)
        if value:
            out[key] = dict(value) if key == "routes" else value
    return out
