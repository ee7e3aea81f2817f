"""The sandbox desk's OAuth 2 endpoints: authorization code with PKCE, and refresh.

`GET /oauth/authorizations/new` consents at once for the seeded partner user (there
is no browser session to sign in with) and redirects to the loopback `redirect_uri`
with `code` and `state`. `POST /oauth/tokens` trades a code (PKCE S256 verified) or a
refresh token for an expiring bearer token (`SandboxConfig.oauth_token_seconds`);
refresh tokens rotate. Errors use the RFC 6749 `{"error", "error_description"}` shape.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from datetime import timedelta
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from . import users
from .body import BodyTooLargeError, RequestBody
from .clock import iso, parse_iso, utcnow
from .config import SandboxConfig
from .errors import Response, invalid_endpoint, json_response
from .state import SandboxState

AUTHORIZE_PATH = "/oauth/authorizations/new"
TOKEN_PATH = "/oauth/tokens"
CODE_SECONDS = 600
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
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


def authorize(state: SandboxState, config: SandboxConfig, params: dict[str, str]) -> Response:
    """GET /oauth/authorizations/new: automatic consent for the seeded user."""
    client_id = params.get("client_id", "")
    redirect_uri = params.get("redirect_uri", "")
    # Without a client and a safe place to send the browser, nothing may redirect.
    if not client_id:
        return _error(400, "invalid_request", "client_id is required")
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        return _error(
            400, "invalid_request", "redirect_uri must be a loopback http:// address (sandbox)"
        )
    answer = {"state": params["state"]} if "state" in params else {}
    if params.get("response_type") != "code":
        return _redirect(redirect_uri, {"error": "unsupported_response_type", **answer})
    challenge = params.get("code_challenge", "")
    if not challenge or params.get("code_challenge_method") != "S256":
        return _redirect(
            redirect_uri,
            {
                "error": "invalid_request",
                "error_description": "PKCE with code_challenge_method=S256 is required",
                **answer,
            },
        )
    code = secrets.token_urlsafe(24)
    with state.writing() as conn:
        user = users.by_email(conn, config.email)
        if user is None:  # pragma: no cover - the server seeds it at start
            return _error(400, "access_denied", "no user to consent")
        conn.execute(
            """INSERT INTO oauth_codes
                   (code, user_id, client_id, redirect_uri, challenge, scope, expires_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (
                code,
                user["id"],
                client_id,
                redirect_uri,
                challenge,
                params.get("scope", "read"),
                iso(utcnow() + timedelta(seconds=CODE_SECONDS)),
            ),
        )
    return _redirect(redirect_uri, {"code": code, **answer})


def token(state: SandboxState, config: SandboxConfig, form: dict[str, str]) -> Response:
    """POST /oauth/tokens for grant types authorization_code and refresh_token."""
    grant = form.get("grant_type", "")
    if grant == "authorization_code":
        return _from_code(state, config, form)
    if grant == "refresh_token":
        return _from_refresh(state, config, form)
    return _error(400, "unsupported_grant_type", f"grant_type {grant!r} is not supported")


def _from_code(state: SandboxState, config: SandboxConfig, form: dict[str, str]) -> Response:
    with state.writing() as conn:
        row = conn.execute(
            "SELECT * FROM oauth_codes WHERE code = ?", (form.get("code", ""),)
        ).fetchone()
        if row is None or row["used"] or parse_iso(row["expires_at"]) <= utcnow():
            return _error(400, "invalid_grant", "The authorization code is invalid or expired.")
        conn.execute("UPDATE oauth_codes SET used = 1 WHERE code = ?", (row["code"],))
    if form.get("client_id") != row["client_id"]:
        return _error(400, "invalid_client", "client_id does not match the authorization")
    if form.get("redirect_uri") != row["redirect_uri"]:
        return _error(400, "invalid_grant", "redirect_uri does not match the authorization")
    if s256(form.get("code_verifier", "")) != row["challenge"]:
        return _error(400, "invalid_grant", "The code_verifier does not match the challenge.")
    return _issue(state, config, row["user_id"], row["client_id"], row["scope"])


def _from_refresh(state: SandboxState, config: SandboxConfig, form: dict[str, str]) -> Response:
    with state.writing() as conn:
        row = conn.execute(
            "SELECT * FROM oauth_refresh_tokens WHERE token = ? AND revoked = 0",
            (form.get("refresh_token", ""),),
        ).fetchone()
        if row is None:
            return _error(400, "invalid_grant", "The refresh token is invalid or revoked.")
        if form.get("client_id") != row["client_id"]:
            return _error(400, "invalid_client", "client_id does not match the refresh token")
        # Rotation: a refresh token works once.
        conn.execute("UPDATE oauth_refresh_tokens SET revoked = 1 WHERE token = ?", (row["token"],))
    return _issue(state, config, row["user_id"], row["client_id"], row["scope"])


def _issue(
    state: SandboxState, config: SandboxConfig, user_id: int, client_id: str, scope: str
) -> Response:
    with state.reading() as conn:
        email = users.by_id(conn, user_id)["email"]
    lifetime = config.oauth_token_seconds
    access = state.issue_bearer(email, expires_at=utcnow() + timedelta(seconds=lifetime))
    refresh = secrets.token_hex(32)
    with state.writing() as conn:
        conn.execute(
            """INSERT INTO oauth_refresh_tokens (token, user_id, client_id, scope, created_at)
               VALUES (?, ?, ?, ?, ?)""",
            (refresh, user_id, client_id, scope, iso(utcnow())),
        )
    payload: dict[str, Any] = {
        "access_token": access,
        "token_type": "bearer",
        "scope": scope,
        "refresh_token": refresh,
        "expires_in": int(lifetime),
    }
    return json_response(200, payload, headers={"Cache-Control": "no-store"})


def _form(headers: Message, body: RequestBody) -> dict[str, str]:
    """The token request's parameters: form-encoded (RFC 6749) or JSON (Zendesk accepts both)."""
    try:
        raw = body.read_all(BODY_LIMIT)
    except BodyTooLargeError:
        raise ValueError("the request body is too large") from None
    text = raw.decode("utf-8", "replace")
    if "json" in (headers.get("Content-Type") or ""):
        try:
            data = json.loads(text or "{}")
        except (ValueError, RecursionError):
            raise ValueError("the request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise ValueError("the request body must be a JSON object")
        return {str(k): str(v) for k, v in data.items()}
    return dict(parse_qsl(text, keep_blank_values=True))
