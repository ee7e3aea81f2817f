"""Desk sign-in: the OAuth and legacy login flows, stored tokens, refresh, identity check.

Used by `auth login`, `setup`, `config import` and, for every call to the desk, by
Session.credentials(): an expired access token is refreshed once, transparently.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ctlsupport.actions.tokens import endpoints, iso_time, save_tokens
from ctlsupport.config import secrets, settings
from ctlsupport.errors import AuthError, InvalidInput, KeyringUnavailable, UsageError
from ctlsupport.secret import SCRUBBER, Secret

if TYPE_CHECKING:
    from ctlsupport.actions.asker import Asker
    from ctlsupport.actions.session import Session
    from ctlsupport.config.settings import Profile
    from ctlsupport.transport.http import Credentials
    from ctlsupport.transport.oauth import TokenSet

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

    session = DeskSession(profile.desk_url, credentials)
    user = session.object("GET", "/api/v2/users/me.json", "user")  # BadAnswer if not a user
    email = str(user.get("email") or "")
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
    state: Session,
    profile: Profile,
    method: str | None = None,
    *,
    ask: Asker | None = None,
    no_browser: bool = False,
    insecure: bool = False,
    secret: Secret | None = None,
) -> LoginResult:
    """Sign the profile in with one method (default: the profile's), verify the identity,
    then store it where the profile keeps secrets (`insecure`: the plain file, from now on)."""
    refuse_if_env_set()
    method = method or profile.auth
    if method not in settings.AUTH_METHODS:
        raise UsageError(f"--method must be one of {', '.join(settings.AUTH_METHODS)}")
    if not profile.alias:
        raise InvalidInput(
            f"profile {profile.name!r} has no support alias",
            hint="Set it first: `ctlsupport config set alias support@your-company.example`.",
        )
    from ctlsupport.transport.http import Credentials

    storage = "file" if insecure else profile.storage
    expires = None
    if method == "oauth":
        tokens = _oauth_tokens(state, profile, no_browser)
        verify_identity(profile, Credentials(profile.alias, "oauth", tokens.access))
        _store(lambda: _keep_tokens(profile, tokens, storage))
        if tokens.expires_at is not None:
            expires = iso_time(tokens.expires_at)
        stale = ("password", "token")
    else:
        state.notes.warn(legacy_warning(method) or "")
        value = secret or read_legacy_secret(ask or state.asker(), method, profile.alias)
        verify_identity(profile, Credentials(profile.alias, method, value))
        _store(lambda: secrets.keep(profile.name, method, value, storage=storage))
        stale = tuple(k for k in secrets.DESK_KINDS if k != method)
    for kind in stale:  # one sign-in per profile: the old method's secrets go
        with contextlib.suppress(KeyringUnavailable):
            secrets.delete(profile.name, kind)
    _record_method(state, profile, method, storage if insecure else None)
    where = "insecure file" if storage == "file" else "keyring"
    return LoginResult(profile.name, method, profile.alias, where, expires)


def _keep_tokens(profile: Profile, tokens: TokenSet, storage: str) -> None:
    if storage == "env":
        secrets.keep(profile.name, "oauth-access", tokens.access, storage=storage)
    save_tokens(profile, tokens, insecure=storage == "file")


def _store(write: Callable[[], object]) -> None:
    try:
        write()
    except KeyringUnavailable as exc:
        raise secrets.NotKept(
            f"{exc.message}; the sign-in worked but could not be stored",
            hint=secrets.KEEP_HINT if exc.hint == secrets.NO_BACKEND_HINT else exc.hint,
        ) from None


def _record_method(state: Session, profile: Profile, method: str, storage: str | None) -> None:
    """The method (and a storage choice made now) become the profile's."""
    config = state.settings()
    saved = config.profiles.get(profile.name)
    storage = storage or profile.storage
    if saved is not None and (saved.auth, saved.storage) != (method, storage):
        saved.auth, saved.storage = method, storage
        settings.save(config)
    profile.auth, profile.storage = method, storage


def read_legacy_secret(ask: Asker | None, method: str, alias: str) -> Secret:
    """The desk password or token: the next stdin line when piped, else a hidden prompt."""
    label = "desk password" if method == "password" else "desk API token"
    if sys.stdin is None:
        value = ""
    elif not sys.stdin.isatty():
        value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            raise InvalidInput(
                f"no {label} on stdin",
                hint=f"Pipe the {label} on stdin, or run in a terminal to be asked.",
            )
    elif ask is not None and ask.interactive:
        value = ask.secret(f"Your {label} for {alias}")
        if not value:
            raise InvalidInput(f"no {label} given")
    else:
        raise InvalidInput(
            f"missing the {label}", hint="Pipe it on stdin: `... | ctlsupport auth login`."
        )
    SCRUBBER.add(value)
    return Secret(value)


def _oauth_tokens(state: Session, profile: Profile, no_browser: bool) -> TokenSet:
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
            state.notes.note("Opening the desk's sign-in page in your browser.")
            opened = _open_browser(url)
        if not opened:
            state.notes.note("Open this address in a browser and sign in as " + profile.alias + ":")
        else:
            state.notes.note("If it did not open, visit:")
        state.notes.note(url)
        state.notes.note(
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
