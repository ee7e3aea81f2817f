"""The stored OAuth tokens of a profile: loaded, saved, renewed once when the desk says
the access token is no longer valid; the credentials every call to the desk carries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ctlsupport.config import secrets
from ctlsupport.errors import AuthError, KeyringUnavailable, UnknownOAuthClient
from ctlsupport.secret import Secret

if TYPE_CHECKING:
    from ctlsupport.config.settings import Profile
    from ctlsupport.transport.http import Credentials
    from ctlsupport.transport.oauth import Endpoints, TokenSet

LOGIN_HINT = "Sign in again with `ctlsupport auth login`."


def endpoints(profile: Profile) -> Endpoints:
    """The profile's OAuth endpoints and client id (defaults derived from the desk URL)."""
    from ctlsupport.transport.oauth_endpoints import endpoints_for

    return endpoints_for(
        profile.desk_url,
        client_id=profile.oauth_client_id,
        authorize_url=profile.oauth_authorize_url,
        token_url=profile.oauth_token_url,
        redirect_port=profile.oauth_redirect_port,
    )


# -- stored tokens ----------------------------------------------------------------------


def load_tokens(profile: Profile, access: Secret | None = None) -> TokenSet | None:
    """The stored OAuth tokens of a profile, or None when it is not signed in (`access`:
    the access token when the caller has already read it)."""
    from ctlsupport.transport.oauth import TokenSet

    where = profile.storage
    access = access or secrets.get(profile.name, "oauth-access", storage=where)
    if access is None:
        return None
    refresh = secrets.get(profile.name, "oauth-refresh", storage=where)
    expiry = secrets.get(profile.name, "oauth-expiry", storage=where)
    try:
        expires_at = float(expiry.reveal()) if expiry else None
    except ValueError:
        expires_at = None
    return TokenSet(access, refresh, expires_at)


def save_tokens(profile: Profile, tokens: TokenSet, *, insecure: bool) -> None:
    """Store the tokens (access, refresh, expiry), replacing older ones."""
    name = profile.name
    secrets.store(name, "oauth-access", tokens.access, insecure=insecure)
    if tokens.refresh is not None:
        secrets.store(name, "oauth-refresh", tokens.refresh, insecure=insecure)
    else:
        secrets.delete(name, "oauth-refresh")
    if tokens.expires_at is not None:
        secrets.store(name, "oauth-expiry", Secret(f"{tokens.expires_at:.0f}"), insecure=insecure)
    else:
        secrets.delete(name, "oauth-expiry")


def refresh_stored(profile: Profile, tokens: TokenSet | None = None) -> TokenSet:
    """Trade the stored refresh token for new tokens and store them; AuthError if not possible."""
    from ctlsupport.transport import oauth

    tokens = tokens or load_tokens(profile)
    if tokens is None or tokens.refresh is None:
        raise AuthError(
            f"the desk sign-in of profile {profile.name!r} has expired", hint=LOGIN_HINT
        )
    insecure = secrets.stored_in_file(profile.name, "oauth-access")
    try:
        fresh = oauth.refresh(endpoints(profile), tokens.refresh)
    except UnknownOAuthClient:
        raise  # renewing cannot help: the client itself is gone
    except AuthError:
        raise AuthError(
            f"the desk sign-in of profile {profile.name!r} has expired and could not be renewed",
            hint=LOGIN_HINT,
        ) from None
    save_tokens(profile, fresh, insecure=insecure)
    return fresh


def oauth_credentials(profile: Profile) -> Credentials:
    """Bearer credentials: CTLSUPPORT_OAUTH_TOKEN, else the stored token (refreshed if due)."""
    from ctlsupport.transport.http import Credentials

    env = secrets.from_env("oauth-access")
    if env is not None:
        return Credentials(profile.alias, "oauth", env)
    try:
        tokens = load_tokens(profile)
    except KeyringUnavailable as exc:
        raise KeyringUnavailable(
            f"{exc.message}, and CTLSUPPORT_OAUTH_TOKEN is not set", hint=exc.hint
        ) from None
    if tokens is None:
        raise AuthError(
            f"profile {profile.name!r} is not signed in to the desk",
            hint="Run `ctlsupport auth login`, or set CTLSUPPORT_OAUTH_TOKEN.",
        )
    if tokens.expired():
        tokens = refresh_stored(profile, tokens)
    return Credentials(profile.alias, "oauth", tokens.access)


def refresher(profile: Profile) -> Callable[[], Credentials] | None:
    """For the HTTP session: renew the stored token once when the desk says invalid_token."""
    if profile.auth != "oauth" or secrets.from_env("oauth-access") is not None:
        return None

    def renew() -> Credentials:
        from ctlsupport.transport.http import Credentials

        return Credentials(profile.alias, "oauth", refresh_stored(profile).access)

    return renew


# -- login ------------------------------------------------------------------------------


def iso_time(epoch: float) -> str:
    """Epoch seconds as `2026-05-01T10:00:00Z`."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
