"""OAuth 2 sign-in at the desk: PKCE, a loopback redirect listener, token exchange and refresh.

The desk (Zendesk) issues tokens through the authorization-code grant to clients its
admin registered (docs/provider-setup.md); ctlsupport is a public client, so PKCE
(S256) stands in for a client secret. The browser is sent back to
`http://127.0.0.1:<port>/callback`, the port fixed by the profile, because the desk
matches a redirect URL exactly, port included. The token request is a JSON body, as
Zendesk documents it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from ctlsupport.errors import AuthError, DeskUnreachable, UnknownOAuthClient
from ctlsupport.secret import SCRUBBER, Secret
from ctlsupport.transport.oauth_endpoints import (  # noqa: F401 - the module's own names
    CALLBACK_PATH,
    DEFAULT_CLIENT_ID,
    DEFAULT_REDIRECT_PORT,
    DEFAULT_SCOPE,
    Endpoints,
    endpoints_for,
    redirect_uri,
)

# Access tokens are asked to expire (Zendesk issues tokens that never expire unless
# `expires_in` is sent); 2 days is the longest it allows, refresh renews them after.
ACCESS_TOKEN_SECONDS = 172_800
# Refresh a little before the desk would refuse the token: clocks drift, calls take time.
EXPIRY_MARGIN_SECONDS = 60
TIMEOUT = (5.0, 30.0)

_DONE_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>ctlsupport</title>"
    b"<p>Signed in to the desk. You can close this tab and go back to the terminal.</p>"
)
_FAILED_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>ctlsupport</title>"
    b"<p>Sign-in failed; the terminal says why.</p>"
)


@dataclass(frozen=True)
class TokenSet:
    """What the token endpoint answered: an access token, maybe a refresh token, an expiry."""

    access: Secret
    refresh: Secret | None
    expires_at: float | None  # epoch seconds; None: the desk named no lifetime

    def expired(self, now: float | None = None) -> bool:
        """Whether the access token is (about to be) past its lifetime."""
        if self.expires_at is None:
            return False
        return (now or time.time()) >= self.expires_at - EXPIRY_MARGIN_SECONDS


@dataclass(frozen=True)
class Pkce:
    """A PKCE verifier and its S256 challenge (RFC 7636)."""

    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        """A fresh random verifier (43 characters) and its challenge."""
        verifier = secrets.token_urlsafe(32)
        return cls(verifier, challenge(verifier))


def challenge(verifier: str) -> str:
    """The S256 code challenge of a verifier: base64url(sha256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def authorization_url(endpoints: Endpoints, redirect_uri: str, state: str, pkce: Pkce) -> str:
    """The URL the person opens to consent."""
    query = urlencode(
        {
            "response_type": "code",
            "client_id": endpoints.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": pkce.challenge,
            "code_challenge_method": "S256",
            "scope": endpoints.scope,
        }
    )
    separator = "&" if "?" in endpoints.authorize_url else "?"
    return f"{endpoints.authorize_url}{separator}{query}"


def code_from_text(text: str, expected_state: str) -> str:
    """The authorization code in a pasted redirect URL (state checked) or a bare code."""
    value = text.strip()
    if not value:
        raise AuthError("nothing was pasted", hint="Paste the whole address the browser ended on.")
    if "://" not in value and "code=" not in value:
        return value  # the code itself
    query = urlsplit(value).query if "://" in value else value.lstrip("?")
    return code_from_query(parse_qs(query), expected_state)


def code_from_query(params: dict[str, list[str]], expected_state: str) -> str:
    """The code of a redirect's query; a wrong state or an error answer is refused."""
    if params.get("error"):
        reason = (params.get("error_description") or params["error"])[0]
        raise AuthError(f"the desk refused the sign-in: {reason}")
    if params.get("state", [""])[0] != expected_state:
        raise AuthError(
            "the sign-in answer does not belong to this sign-in (state mismatch)",
            hint="Start again with `ctlsupport auth login`.",
        )
    code = params.get("code", [""])[0]
    if not code:
        raise AuthError("the sign-in answer carries no authorization code")
    return code


class LoopbackListener:
    """A one-shot HTTP listener on 127.0.0.1 that receives the browser's redirect."""

    def __init__(self, expected_state: str, port: int = 0) -> None:
        self.expected_state = expected_state
        self.done = threading.Event()
        self.code: str | None = None
        self.error: AuthError | None = None
        try:
            self._server = HTTPServer(("127.0.0.1", port), self._handler())
        except OSError as exc:
            raise AuthError(
                f"cannot listen on 127.0.0.1:{port} for the desk's answer: {exc.strerror}",
                hint="Close what uses that port (another sign-in?) and try again; the port "
                "is the profile's oauth_redirect_port and must match the desk's registration.",
            ) from None
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="oauth-listener",
            daemon=True,
        )

    @property
    def redirect_uri(self) -> str:
        """Where the desk sends the browser back to."""
        return redirect_uri(self._server.server_address[1])

    def start(self) -> LoopbackListener:
        """Listen in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and free the port."""
        if self._thread.is_alive():  # shutdown() waits for a serve loop that must exist
            self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != CALLBACK_PATH:
                    self.send_error(404)
                    return
                try:
                    listener.code = code_from_query(parse_qs(parts.query), listener.expected_state)
                    page, status = _DONE_PAGE, 200
                except AuthError as exc:
                    listener.error = exc
                    page, status = _FAILED_PAGE, 400
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(page)
                listener.done.set()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the query holds the code: never log it

        return Handler


def exchange_code(endpoints: Endpoints, code: str, redirect_uri: str, verifier: str) -> TokenSet:
    """Trade an authorization code (and the PKCE verifier) for tokens."""
    return _token_request(
        endpoints,
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": endpoints.client_id,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
            "expires_in": ACCESS_TOKEN_SECONDS,
        },
    )


def refresh(endpoints: Endpoints, refresh_token: Secret) -> TokenSet:
    """A new access token (and usually a new refresh token) from a refresh token."""
    tokens = _token_request(
        endpoints,
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token.reveal(),
            "client_id": endpoints.client_id,
            "expires_in": ACCESS_TOKEN_SECONDS,
        },
    )
    # Desks that do not rotate refresh tokens answer without one: keep the old.
    return tokens if tokens.refresh else TokenSet(tokens.access, refresh_token, tokens.expires_at)


def check_client(endpoints: Endpoints, redirect: str) -> None:
    """Ask the desk's authorization page whether it knows the client and the redirect URL,
    before a person is sent there: an unknown client gets an error page, not a sign-in."""
    import requests

    probe = authorization_url(endpoints, redirect, "probe", Pkce.new())
    try:
        page = requests.get(probe, allow_redirects=False, timeout=TIMEOUT)
    except requests.RequestException:
        raise DeskUnreachable(
            f"cannot reach the desk's sign-in page {endpoints.authorize_url}"
        ) from None
    if page.status_code < 400:
        return  # a sign-in page or a redirect: the desk knows the client
    text = page.text.lower()
    if "no such client" in text or "invalid_client" in text:
        raise unknown_client(endpoints)
    if "redirect" in text:
        raise UnknownOAuthClient(
            f"the desk does not accept the redirect URL {redirect} for OAuth client "
            f"{endpoints.client_id!r}",
            hint=f"Ask the provider's desk admin to add exactly {redirect} to the client "
            "(docs/provider-setup.md), or set oauth_redirect_port to the registered port.",
        )


def unknown_client(endpoints: Endpoints) -> UnknownOAuthClient:
    """The one-line error for a client the desk does not know."""
    return UnknownOAuthClient(
        f"the desk does not know the OAuth client {endpoints.client_id!r}: sign-in through "
        "the API needs a client registered by the provider's desk admin"
    )


def _token_request(endpoints: Endpoints, form: dict[str, str | int]) -> TokenSet:
    import requests

    from ctlsupport.transport.http import json_object

    try:
        # A JSON body: the form Zendesk documents for /oauth/tokens (contract §13.1).
        response = requests.post(
            endpoints.token_url,
            json=form,
            headers={"Accept": "application/json"},
            timeout=TIMEOUT,
        )
    except requests.RequestException:
        raise DeskUnreachable(
            f"cannot reach the desk's token endpoint {endpoints.token_url}"
        ) from None
    body = json_object(response)
    if body.get("error") == "invalid_client":
        raise unknown_client(endpoints)
    if response.status_code >= 400 or not body.get("access_token"):
        from ctlsupport.model import printable

        reason = printable(
            body.get("error_description") or body.get("error") or f"HTTP {response.status_code}"
        )[:200]
        raise AuthError(
            f"the desk refused to issue a token: {reason}",
            hint="Sign in again with `ctlsupport auth login`.",
        )
    access = Secret(str(body["access_token"]))
    refresh_token = Secret(str(body["refresh_token"])) if body.get("refresh_token") else None
    SCRUBBER.add(access, refresh_token)
    expires_in = body.get("expires_in")
    expires_at = time.time() + float(expires_in) if isinstance(expires_in, int | float) else None
    return TokenSet(access, refresh_token, expires_at)
