"""The three end-user authentication methods and their failure answers (contract §2)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import sqlite3
from dataclasses import dataclass

from .errors import ApiError, json_response
from .state import SandboxState
from .users import password_matches

AUTH_FAILED_TYPE = "application/json; charset=UTF-8"


def auth_failed() -> ApiError:
    """The observed 37-byte answer to bad Basic credentials or none at all."""
    return ApiError(
        json_response(
            401,
            {"error": "Couldn't authenticate you"},
            content_type=AUTH_FAILED_TYPE,
            headers={"WWW-Authenticate": 'Basic realm="Web Password"'},
        )
    )


def invalid_bearer() -> ApiError:
    """The observed answer to an expired, revoked or unknown OAuth access token."""
    return ApiError(
        json_response(
            401,
            {
                "error": "invalid_token",
                "error_description": "The access token provided is expired, revoked, "
                "malformed or invalid for other reasons.",
            },
        )
    )


@dataclass(frozen=True)
class Identity:
    """Who is calling, and how they proved it (`token`, `password` or `bearer`)."""

    user: sqlite3.Row
    method: str


def authenticate(state: SandboxState, header: str | None, *, password_access: bool) -> Identity:
    """Resolve the `Authorization` header; only the header counts, never the URL or body."""
    scheme, _, credentials = (header or "").strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer" and credentials:
        user = state.bearer_user(credentials)
        if user is None:
            raise invalid_bearer()
        return Identity(user, "bearer")
    if scheme.lower() != "basic" or not credentials:
        raise auth_failed()
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise auth_failed() from None
    username, colon, secret = decoded.partition(":")
    if not colon or not username or not secret:
        raise auth_failed()
    if username.endswith("/token"):
        user = state.user_by_email(username[: -len("/token")])
        if user is None or not state.api_token_valid(secret):
            raise auth_failed()
        return Identity(user, "token")
    if not password_access:
        raise auth_failed()
    user = state.user_by_email(username)
    if user is None or not password_matches(user, secret):
        raise auth_failed()
    return Identity(user, "password")


def rate_key(header: str | None, client_ip: str) -> str:
    """One bucket per credential; a digest so the secret itself is not kept in memory."""
    if header:
        return "cred:" + hashlib.sha256(header.strip().encode("utf-8")).hexdigest()
    return "ip:" + client_ip
