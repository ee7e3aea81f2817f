"""The sandbox desk's OAuth 2 endpoints: authorization code with PKCE, and refresh.

Only clients in the desk's registry (oauth_clients.py) get anywhere: an unknown client
or a redirect URL that is not exactly registered gets an error page, never a redirect.
`GET /oauth/authorizations/new` then consents at once for the seeded partner user
(there is no browser session to sign in with) and redirects with `code` and `state`;
public clients must send a PKCE S256 challenge. `POST /oauth/tokens` takes a JSON body
and trades a code or a refresh token for a bearer token, which expires only when
`expires_in` was asked for (or `SandboxConfig.oauth_token_seconds` forces it); refresh
tokens rotate. Errors use the RFC 6749 `{"error", "error_description"}` shape.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
from datetime import timedelta
from email.message import Message
from typing import Any
from urllib.parse import urlencode, urlsplit

from . import oauth_clients, users
from .body import BodyTooLargeError, RequestBody
from .clock import iso, parse_iso, utcnow
from .config import SandboxConfig
from .errors import Response, invalid_endpoint, json_response
from .state import SandboxState

AUTHORIZE_PATH = "/oauth/authorizations/new"
TOKEN_PATH = "/oauth/tokens"
CODE_SECONDS = 600
BODY_LIMIT = 64 * 1024


def handles(path: str) -> bool:
    """Whether a path belongs to the OAuth endpoints."""
    return path.startswith("/oauth/")


def handle(
    state: SandboxState,
    config: SandboxConfig,
    method: str,
    path: str,
    params: dict[str, str],
    headers: Message,
    body: RequestBody,
) -> Response:
    """Answer one OAuth call."""
    path = path.rstrip("/")
    if path == AUTHORIZE_PATH and method == "GET":
        return authorize(state, config, params)
    if path == TOKEN_PATH and method == "POST":
        try:
            form = _form(headers, body)
        except ValueError as exc:
            return _error(400, "invalid_request", str(exc))
        return token(state, config, form)
    return invalid_endpoint().response


def _error(status: int, error: str, description: str) -> Response:
    return json_response(status, {"error": error, "error_description": description})


def _redirect(uri: str, values: dict[str, str]) -> Response:
    separator = "&" if urlsplit(uri).query else "?"
    return Response(302, b"", None, {"Location": f"{uri}{separator}{urlencode(values)}"})


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


# Zendesk's authorization page for a client it does not know (seen in 2026); it does
# not send the browser back: there is no registered place to send it to.
NO_SUCH_CLIENT = "No such client"
REDIRECT_NOT_REGISTERED = "The redirect URL is not registered for this client"
# The token endpoint's texts (Rack::OAuth2 wording, as Zendesk answers invalid_grant).
INVALID_CLIENT = (
    "The client identifier provided is invalid, the client failed to authenticate, the "
    "client did not include its credentials, provided multiple client credentials, or "
    "used unsupported credentials type."
)
INVALID_GRANT = (
    "The provided access grant is invalid, expired, or revoked (e.g. invalid assertion, "
    "expired authorization token, bad end-user password credentials, or mismatching "
    "authorization code and redirection URI)."
)
# Accepted `expires_in` and `refresh_token_expires_in` (seconds), as Zendesk documents.
ACCESS_SECONDS = (300, 172_800)
REFRESH_SECONDS = (604_800, 7_776_000)


def _page(status: int, reason: str) -> Response:
    """An HTML error page for the person in the browser (never a redirect)."""
    text = html.escape(reason)
    body = (
        "<!doctype html><meta charset=utf-8><title>Invalid Authorization Request</title>"
        f"<h1>Invalid Authorization Request</h1><p>{text}</p>"
    ).encode()
    return Response(status, body, "text/html; charset=utf-8")


def authorize(state: SandboxState, config: SandboxConfig, params: dict[str, str]) -> Response:
    """GET /oauth/authorizations/new: automatic consent for the seeded user."""
    with state.reading() as conn:
        client = oauth_clients.get(conn, params.get("client_id", ""))
    if client is None:
        return _page(400, NO_SUCH_CLIENT)
    redirect_uri = params.get("redirect_uri", "")
    # Exact match, port included: nothing in Zendesk's pages says a loopback port is free.
    if redirect_uri not in client.redirect_urls:
        return _page(400, REDIRECT_NOT_REGISTERED)
    answer = {"state": params["state"]} if "state" in params else {}

    def refuse(error: str, description: str) -> Response:
        values = {"error": error, "error_description": description, **answer}
        return _redirect(redirect_uri, values)

    if params.get("response_type") != "code":
        return refuse("unsupported_response_type", "Only response_type=code is supported.")
    challenge = params.get("code_challenge", "")
    method = params.get("code_challenge_method", "")
    if challenge and method != "S256":
        return refuse("invalid_request", "code_challenge_method must be S256.")
    if not challenge and client.kind == "public":
        return refuse("invalid_request", "Public clients must use PKCE (code_challenge).")
    scope = params.get("scope", "read").split()
    if not scope or any(s not in client.scopes for s in scope):
        return refuse("invalid_scope", "The requested scope is invalid, unknown, or malformed.")
    code = secrets.token_urlsafe(24)
    with state.writing() as conn:
        user = users.by_email(conn, config.email)
        if user is None:  # pragma: no cover - the server seeds it at start
            return refuse("access_denied", "no user to consent")
        conn.execute(
            """INSERT INTO oauth_codes
                   (code, user_id, client_id, redirect_uri, challenge, scope, expires_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (
                code,
                user["id"],
                client.identifier,
                redirect_uri,
                challenge,
                " ".join(scope),
                iso(utcnow() + timedelta(seconds=CODE_SECONDS)),
            ),
        )
    return _redirect(redirect_uri, {"code": code, **answer})


def token(state: SandboxState, config: SandboxConfig, form: dict[str, Any]) -> Response:
    """POST /oauth/tokens for grant types authorization_code and refresh_token."""
    grant = form.get("grant_type", "")
    if grant not in ("authorization_code", "refresh_token"):
        return _error(400, "unsupported_grant_type", f"grant_type {grant!r} is not supported")
    with state.reading() as conn:
        client = oauth_clients.get(conn, str(form.get("client_id") or ""))
    if client is None:
        return _error(401, "invalid_client", INVALID_CLIENT)
    secret = str(form.get("client_secret") or "")
    if secret and not client.secret_matches(secret):
        return _error(401, "invalid_client", INVALID_CLIENT)
    try:
        lifetimes = _lifetimes(form)
    except ValueError as exc:
        return _error(400, "invalid_request", str(exc))
    if grant == "authorization_code":
        return _from_code(state, config, client, bool(secret), form, lifetimes)
    if client.kind == "confidential" and not secret:
        return _error(401, "invalid_client", INVALID_CLIENT)
    return _from_refresh(state, config, client, form, lifetimes)


def _lifetimes(form: dict[str, Any]) -> tuple[int | None, int | None]:
    """`expires_in` and `refresh_token_expires_in` as asked (None: not asked)."""
    found = []
    for key, (low, high) in (
        ("expires_in", ACCESS_SECONDS),
        ("refresh_token_expires_in", REFRESH_SECONDS),
    ):
        value = form.get(key)
        if value is None:
            found.append(None)
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{key} must be a whole number of seconds from {low} to {high}")
        found.append(value)
    return found[0], found[1]


def _from_code(
    state: SandboxState,
    config: SandboxConfig,
    client: oauth_clients.Client,
    authenticated: bool,
    form: dict[str, Any],
    lifetimes: tuple[int | None, int | None],
) -> Response:
    verifier = str(form.get("code_verifier") or "")
    with state.writing() as conn:
        row = conn.execute(
            "SELECT * FROM oauth_codes WHERE code = ?", (str(form.get("code") or ""),)
        ).fetchone()
        if row is None or row["used"] or parse_iso(row["expires_at"]) <= utcnow():
            return _error(400, "invalid_grant", INVALID_GRANT)
        conn.execute("UPDATE oauth_codes SET used = 1 WHERE code = ?", (row["code"],))
    if row["client_id"] != client.identifier or form.get("redirect_uri") != row["redirect_uri"]:
        return _error(400, "invalid_grant", INVALID_GRANT)
    if row["challenge"]:
        if not verifier:
            return _error(400, "invalid_request", "code_verifier is required (PKCE).")
        if s256(verifier) != row["challenge"]:
            return _error(400, "invalid_grant", INVALID_GRANT)
    elif not authenticated:  # a confidential client without PKCE proves itself by its secret
        return _error(401, "invalid_client", INVALID_CLIENT)
    return _issue(state, config, row["user_id"], client.identifier, row["scope"], lifetimes)


def _from_refresh(
    state: SandboxState,
    config: SandboxConfig,
    client: oauth_clients.Client,
    form: dict[str, Any],
    lifetimes: tuple[int | None, int | None],
) -> Response:
    with state.writing() as conn:
        row = conn.execute(
            "SELECT * FROM oauth_refresh_tokens WHERE token = ? AND revoked = 0",
            (str(form.get("refresh_token") or ""),),
        ).fetchone()
        if row is None or row["client_id"] != client.identifier:
            return _error(400, "invalid_grant", INVALID_GRANT)
        if row["expires_at"] is not None and parse_iso(row["expires_at"]) <= utcnow():
            return _error(400, "invalid_grant", INVALID_GRANT)
        # Rotation: a refresh token works once.
        conn.execute("UPDATE oauth_refresh_tokens SET revoked = 1 WHERE token = ?", (row["token"],))
    return _issue(state, config, row["user_id"], client.identifier, row["scope"], lifetimes)


def _issue(
    state: SandboxState,
    config: SandboxConfig,
    user_id: int,
    client_id: str,
    scope: str,
    lifetimes: tuple[int | None, int | None],
) -> Response:
    with state.reading() as conn:
        email = users.by_id(conn, user_id)["email"]
    access_seconds, refresh_seconds = lifetimes
    if config.oauth_token_seconds is not None:  # a test's forced lifetime
        access_seconds = int(config.oauth_token_seconds)
    now = utcnow()
    expires = now + timedelta(seconds=access_seconds) if access_seconds is not None else None
    access = state.issue_bearer(email, expires_at=expires)
    refresh = secrets.token_hex(32)
    refresh_expires = (
        iso(now + timedelta(seconds=refresh_seconds)) if refresh_seconds is not None else None
    )
    with state.writing() as conn:
        conn.execute(
            """INSERT INTO oauth_refresh_tokens
                   (token, user_id, client_id, scope, created_at, expires_at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (refresh, user_id, client_id, scope, iso(now), refresh_expires),
        )
    payload: dict[str, Any] = {
        "access_token": access,
        "token_type": "bearer",
        "scope": scope,
        "refresh_token": refresh,
    }
    # As on the real desk: an expiry only when one was asked for.
    if access_seconds is not None:
        payload["expires_in"] = access_seconds
    if refresh_seconds is not None:
        payload["refresh_token_expires_in"] = refresh_seconds
    return json_response(200, payload, headers={"Cache-Control": "no-store"})


def _form(headers: Message, body: RequestBody) -> dict[str, Any]:
    """The token request's parameters: a JSON object, the body Zendesk documents."""
    try:
        raw = body.read_all(BODY_LIMIT)
    except BodyTooLargeError:
        raise ValueError("the request body is too large") from None
    if "json" not in (headers.get("Content-Type") or "").lower():
        raise ValueError("the token request must be a JSON body (Content-Type: application/json)")
    try:
        data = json.loads(raw.decode("utf-8") or "{}")
    except (ValueError, RecursionError):
        raise ValueError("the request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ValueError("the request body must be a JSON object")
    return data
