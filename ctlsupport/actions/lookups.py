"""Read-only lookups that several actions share: the platform status page and the
provider's knowledge base (each may be asked `quick`: one short try, for lookups that
only help, such as the banner and the suggestions of `open`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session
    from ctlsupport.config.settings import Profile


def desk_profile(state: Session) -> Profile:
    """The profile for desk lookups; a missing one falls back to the defaults (the
    status page and the knowledge base need no sign-in)."""
    from ctlsupport.config.settings import Profile
    from ctlsupport.errors import NotFound

    try:
        return state.profile()
    except NotFound:
        return Profile()


def read_status(state: Session, *, quick: bool = False):
    """The status page summary from the profile's status_url (`quick`: a banner's wait);
    no status page, or one that does not answer: a summary that says "not known"."""
    from ctlsupport.transport import statuspage

    url = desk_profile(state).status_url
    return statuspage.fetch_or_unknown(url, debug=state.debug_sink, quick=quick)


def find_articles(state: Session, query: str, *, limit: int, page: int = 1, quick: bool = False):
    """Search the desk's help center: anonymous, then signed in if it insists (`quick`: a
    suggestion's short look)."""
    from ctlsupport.transport import helpcenter

    profile = desk_profile(state)
    return helpcenter.search_any(
        profile.desk_url,
        query,
        per_page=limit,
        page=page,
        credentials=(lambda: state.credentials(profile)) if profile.alias else None,
        debug=state.debug_sink,
        quick=quick,
    )
