"""Desk sign-in: the OAuth and legacy login flows, stored tokens, refresh, identity check.

Used by `auth login`, `setup`, `config import` and, for every call to the desk, by
AppState.credentials(): an expired access token is refreshed once, transparently.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ctlsupport.config import secrets, settings
from ctlsupport.errors import (
    AuthError,
    InvalidInput,
    KeyringUnavailable,
    UnknownOAuthClient,
    UsageError,
)
from ctlsupport.secret import SCRUBBER, Secret

if TYPE_CHECKING:
    from ctlsupport.cli.context import AppState
    from ctlsupport.config.settings import Profile
    from ctlsupport.transport.http import Credentials
    from ctlsupport.transport.oauth import Endpoints, TokenSet

LOGIN_HINT = "Sign in again with `ctlsupport auth login`."
# What the desk has announced for the legacy methods (see docs/authentication.md).
LEGACY_DEADLINES = {
    "password": (
        "password access to the desk's API was removed by Zendesk in January 2026; "
        "the desk may refuse it at any time"
    ),
    "token": (
        "API tokens are being retired by Zendesk: no new tokens after 2026-10-27, "
        "none work after 2027-04-30"
    ),
}
IDENTITY_REASON = "only mail and requests from the support alias become tickets at the provider"
OAUTH_WAIT_SECONDS = float(os.environ.get("CTLSUPPORT_OAUTH_TIMEOUT", "300"))


def legacy_warning(method: str) -> str | None:
    """The deadline warning for a legacy sign-in method, None for OAuth."""
    text = LEGACY_DEADLINES.get(method)
    return f"{text}; switch with `ctlsupport auth login --method oauth`" if text else None


def endpoints(profile: Profile) -> Endpoints:
    """The profile's OAuth endpoints and client id (defaults derived from the desk URL)."""
    from ctlsupport.transport.oauth import endpoints_for

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

    access = access or secrets.get(profile.name, "oauth-access")
    if access is None:
        return None
    refresh = secrets.get(profile.name, "oauth-refresh")
    expiry = secrets.get(profile.name, "oauth-expiry")
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


@dataclass
class LoginResult:
    """What a successful login verified and stored."""

    profile: str
    method: str
    identity: str
    stored_in: str  # keyring | insecure file
    expires_at: str | None = None

    def as_data(self) -> dict[str, object]:
        return self.__dict__.copy()


def refuse_if_env_set() -> None:
    """Like gh: a desk secret in the environment would shadow whatever login stores."""
    for var in secrets.DESK_ENV_VARS:
        if os.environ.get(var):
            raise UsageError(
                f"{var} is set; it overrides any stored sign-in",
                hint=f"Unset {var} to sign in and store the sign-in, or keep using it as is.",
            )


def verify_identity(profile: Profile, credentials: Credentials) -> str:
    """GET /api/v2/users/me with the new credentials; the answer must be the support alias."""
    from ctlsupport.transport.http import DeskSession

    user = DeskSession(profile.desk_url, credentials).json("GET", "/api/v2/users/me.json")
    email = str(((user or {}).get("user") or {}).get("email") or "")
    if email.lower() != profile.alias.lower():
        shown = email or "an anonymous user"
        raise AuthError(
            f"the desk signed you in as {shown}, not as the support alias {profile.alias}; "
            f"{IDENTITY_REASON}, so nothing was stored",
            hint=f"Sign in as {profile.alias} (sign out of the desk in the browser first), "
            "or correct the alias with `ctlsupport config set alias ADDRESS`.",
        )
    return email


def login(
    state: AppState,
    profile: Profile,
    method: str,
    *,
    no_browser: bool = False,
    insecure: bool = False,
    secret: Secret | None = None,
) -> LoginResult:
    """Sign the profile in with one method, verify the identity, then store and record it."""
    refuse_if_env_set()
    if method not in settings.AUTH_METHODS:
        raise UsageError(f"--method must be one of {', '.join(settings.AUTH_METHODS)}")
    if not profile.alias:
        raise InvalidInput(
            f"profile {profile.name!r} has no support alias",
            hint="Set it first: `ctlsupport config set alias support@your-company.example`.",
        )
    from ctlsupport.transport.http import Credentials

    expires = None
    if method == "oauth":
        tokens = _oauth_tokens(state, profile, no_browser)
        verify_identity(profile, Credentials(profile.alias, "oauth", tokens.access))
        _store(lambda: save_tokens(profile, tokens, insecure=insecure))
        if tokens.expires_at is not None:
            expires = iso_time(tokens.expires_at)
        stale = ("password", "token")
    else:
        state.out.warn(legacy_warning(method) or "")
        value = secret or read_legacy_secret(state, method, profile.alias)
        verify_identity(profile, Credentials(profile.alias, method, value))
        _store(lambda: secrets.store(profile.name, method, value, insecure=insecure))
        stale = tuple(k for k in secrets.DESK_KINDS if k != method)
    for kind in stale:  # one sign-in per profile: the old method's secrets go
        with contextlib.suppress(KeyringUnavailable):
            secrets.delete(profile.name, kind)
    _record_method(state, profile, method)
    where = "insecure file" if insecure else "keyring"
    return LoginResult(profile.name, method, profile.alias, where, expires)


def _store(write: Callable[[], None]) -> None:
    try:
        write()
    except KeyringUnavailable as exc:
        raise KeyringUnavailable(
            f"{exc.message}; the sign-in worked but could not be stored",
            hint=exc.hint,
        ) from None


def _record_method(state: AppState, profile: Profile, method: str) -> None:
    config = state.settings()
    saved = config.profiles.get(profile.name)
    if saved is not None and saved.auth != method:
        saved.auth = method
        settings.save(config)
    profile.auth = method


def iso_time(epoch: float) -> str:
    """Epoch seconds as `2026-05-01T10:00:00Z`."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_legacy_secret(state: AppState, method: str, alias: str) -> Secret:
    """The desk password or token: the next stdin line when piped, else a hidden prompt."""
    from ctlsupport.cli import prompts

    label = "desk password" if method == "password" else "desk API token"
    if not sys.stdin.isatty():
        value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            raise InvalidInput(
                f"no {label} on stdin",
                hint=f"Pipe the {label} on stdin, or run in a terminal to be asked.",
            )
    elif prompts.interactive(state.no_input):
        with prompts.Prompter() as prompter:
            value = prompter.secret(f"Your {label} for {alias}")
        if not value:
            raise InvalidInput(f"no {label} given")
    else:
        raise InvalidInput(
            f"missing the {label}", hint="Pipe it on stdin: `... | ctlsupport auth login`."
        )
    SCRUBBER.add(value)
    return Secret(value)


def _oauth_tokens(state: AppState, profile: Profile, no_browser: bool) -> TokenSet:
    """Run the authorization-code flow with PKCE through a loopback listener."""
    import secrets as random

    from ctlsupport.transport import oauth

    ends = endpoints(profile)
    pkce = oauth.Pkce.new()
    expected = random.token_urlsafe(16)
    # The desk matches the redirect URL exactly: listen on the registered port, and
    # learn of an unknown client before sending a person to an error page.
    listener = oauth.LoopbackListener(expected, ends.redirect_port)
    try:
        oauth.check_client(ends, listener.redirect_uri)
    except BaseException:
        listener.stop()
        raise
    listener.start()
    try:
        url = oauth.authorization_url(ends, listener.redirect_uri, expected, pkce)
        opened = False
        if not no_browser and _has_display():
            state.out.note("Opening the desk's sign-in page in your browser.")
            opened = _open_browser(url)
        if not opened:
            state.out.note("Open this address in a browser and sign in as " + profile.alias + ":")
        else:
            state.out.note("If it did not open, visit:")
        sys.stderr.write(url + "\n")
        sys.stderr.flush()
        state.out.note(
            "Waiting for the desk... (browser on another machine? paste the address it "
            "ended on, or the code, here and press Enter)"
        )
        code = _wait_for_code(listener, expected)
    finally:
        listener.stop()
    SCRUBBER.add(code)
    return oauth.exchange_code(ends, code, listener.redirect_uri, pkce.verifier)


def _has_display() -> bool:
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _open_browser(url: str) -> bool:
    import webbrowser

    try:
        return bool(webbrowser.open(url))
    except webbrowser.Error:
        return False


def _wait_for_code(listener, expected: str) -> str:
    """The code from the listener, or from a line pasted on stdin, whichever comes first."""
    from ctlsupport.transport.oauth import code_from_text

    pasted: dict[str, object] = {}

    def read_paste() -> None:
        try:
            while line := sys.stdin.readline():
                if line.strip():
                    try:
                        pasted["code"] = code_from_text(line, expected)
                    except AuthError as exc:
                        pasted["error"] = exc
                    listener.done.set()
                    return
        except (OSError, ValueError):
            return  # stdin closed: only the listener can answer

    threading.Thread(target=read_paste, daemon=True, name="oauth-paste").start()
    deadline = time.monotonic() + OAUTH_WAIT_SECONDS
    while not listener.done.wait(0.2):
        if time.monotonic() > deadline:
            raise AuthError(
                f"no answer from the sign-in page within {OAUTH_WAIT_SECONDS:g} s",
                hint="Run `ctlsupport auth login` again.",
            )
    if listener.code:
        return listener.code
    if listener.error:
        raise listener.error
    if "error" in pasted:
        raise pasted["error"]  # type: ignore[misc]
    return str(pasted["code"])
