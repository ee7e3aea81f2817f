"""Where a draft belongs: the profile (and so the desk) it was made on.

A practice draft made with `--sandbox` must never resume against the real desk, and a
draft of one profile never against another; the hints repeat the flags that lead back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ctlsupport.config import settings
from ctlsupport.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session
    from ctlsupport.store.drafts import Draft


def here(session: Session) -> str:
    """The profile name drafts of this run are kept under."""
    if session.sandbox:
        return settings.SANDBOX_PROFILE
    return session.settings().chosen_name(session.profile_name)


def prefix(session: Session, profile: str | None = None) -> str:
    """`ctlsupport` and the global flags that reach `profile` (default: this run's)."""
    profile = profile or here(session)
    if profile == settings.SANDBOX_PROFILE:
        return "ctlsupport --sandbox"
    if profile == session.settings().chosen_name(None) and not session.profile_name:
        return "ctlsupport"
    return f"ctlsupport --profile {profile}"


def pick(session: Session, which: str, kind: str, command: str) -> Draft:
    """The draft `--resume` names (a number, or `latest`: the newest of this profile),
    refused when it belongs to another profile or desk. `command`: what follows the
    global flags to resume it, with `{id}` for its number."""
    from ctlsupport.store import db
    from ctlsupport.store.drafts import Drafts

    if which != "latest" and not which.isdigit():
        raise InvalidInput(f"--resume takes a draft number, not {which!r}")
    drafts = Drafts(db.connect())
    mine = here(session)
    if which == "latest":
        ours = [d for d in drafts.list() if d.kind == kind and d.profile == mine]
        if ours:
            return ours[0]
    draft = drafts.get(None if which == "latest" else int(which), kind=kind)
    if draft.profile != mine:
        where = "the sandbox desk" if draft.profile == settings.SANDBOX_PROFILE else None
        where = where or f"profile {draft.profile!r}"
        again = f"{prefix(session, draft.profile)} {command.format(id=draft.id)}"
        if which == "latest":
            raise NotFound(
                f"no {kind} draft for this profile; the newest one ({draft.id}) was made on "
                f"{where}",
                hint=f"Resume it there: `{again}`.",
            )
        raise InvalidInput(
            f"draft {draft.id} was made on {where}, not here; it is not sent elsewhere",
            hint=f"Resume it there: `{again}`.",
        )
    return draft
