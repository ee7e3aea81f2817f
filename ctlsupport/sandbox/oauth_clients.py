"""The desk's registry of OAuth clients, as the desk admin keeps it in Admin Center.

A client has an identifier (the `client_id`), a kind (`public`: cannot keep a secret,
must use PKCE; `confidential`: has a secret), redirect URLs (absolute, https unless the
host is localhost or 127.0.0.1; a redirect matches only when it is exactly one of
them, port included) and the scopes it may ask for (contract §13.1).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import sqlite3
from dataclasses import dataclass
from urllib.parse import urlsplit

from .clock import iso, utcnow
from .errors import SandboxError

KINDS = ("public", "confidential")
DEFAULT_SCOPES = ("read", "write")
LOCAL_HOSTS = ("localhost", "127.0.0.1")
# The client seeded in every sandbox file (migration 4), matching the tool's defaults:
# ctlsupport.transport.oauth.DEFAULT_CLIENT_ID and DEFAULT_REDIRECT_PORT.
SEEDED_ID = "ctlsupport"
SEEDED_REDIRECT = "http://127.0.0.1:47613/callback"
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_SCOPE = re.compile(r"[a-z_]+(:(read|write))?")


@dataclass(frozen=True)
class Client:
    """One registered client."""

    identifier: str
    name: str
    kind: str
    redirect_urls: tuple[str, ...]
    scopes: tuple[str, ...]
    secret_hash: str | None
    created_at: str

    def as_json(self) -> dict[str, object]:
        """What `oauth-client list` shows: never the secret."""
        return {
            "identifier": self.identifier,
            "name": self.name,
            "kind": self.kind,
            "redirect_urls": list(self.redirect_urls),
            "scopes": list(self.scopes),
            "created_at": self.created_at,
        }

    def secret_matches(self, given: str) -> bool:
        """Constant-time check of a confidential client's secret."""
        if not self.secret_hash or not given:
            return False
        return hmac.compare_digest(self.secret_hash, _digest(given))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_redirect(url: str) -> str:
    """One redirect URL as Admin Center accepts it; SandboxError otherwise."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        raise SandboxError(f"redirect URL {url!r} must be absolute")
    local = parts.hostname in LOCAL_HOSTS
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise SandboxError(f"redirect URL {url!r} must be https (http only for localhost)")
    return url.strip()


def _row(row: sqlite3.Row) -> Client:
    return Client(
        identifier=row["identifier"],
        name=row["name"],
        kind=row["kind"],
        redirect_urls=tuple(json.loads(row["redirect_urls"])),
        scopes=tuple(row["scopes"].split()),
        secret_hash=row["secret_hash"],
        created_at=row["created_at"],
    )


def get(conn: sqlite3.Connection, identifier: str) -> Client | None:
    """The client with this identifier, if registered."""
    row = conn.execute("SELECT * FROM oauth_clients WHERE identifier = ?", (identifier,)).fetchone()
    return None if row is None else _row(row)


def all_clients(conn: sqlite3.Connection) -> list[Client]:
    """Every registered client, by identifier."""
    rows = conn.execute("SELECT * FROM oauth_clients ORDER BY identifier").fetchall()
    return [_row(row) for row in rows]


def add(
    conn: sqlite3.Connection,
    *,
    identifier: str,
    kind: str,
    redirect_urls: list[str],
    scopes: list[str] | None = None,
    name: str = "",
) -> tuple[Client, str | None]:
    """Register a client; returns it and, for a confidential one, its secret (shown once)."""
    if not _IDENTIFIER.fullmatch(identifier):
        raise SandboxError(f"identifier {identifier!r}: letters, digits, '.', '_' or '-'")
    if kind not in KINDS:
        raise SandboxError(f"kind must be public or confidential, not {kind!r}")
    urls = [check_redirect(u) for u in redirect_urls if u.strip()]
    if not urls:
        raise SandboxError("a client needs at least one redirect URL")
    wanted = [s.strip() for s in (scopes or list(DEFAULT_SCOPES)) if s.strip()]
    for scope in wanted:
        if not _SCOPE.fullmatch(scope):
            raise SandboxError(f"unknown scope {scope!r} (e.g. read, write, tickets:read)")
    if get(conn, identifier) is not None:
        raise SandboxError(f"a client {identifier!r} is already registered")
    secret = secrets.token_hex(32) if kind == "confidential" else None
    conn.execute(
        """INSERT INTO oauth_clients (identifier, name, kind, redirect_urls, scopes,
               secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (
            identifier,
            name or identifier,
            kind,
            json.dumps(list(dict.fromkeys(urls))),
            " ".join(dict.fromkeys(wanted)),
            _digest(secret) if secret else None,
            iso(utcnow()),
        ),
    )
    client = get(conn, identifier)
    assert client is not None
    return client, secret


def remove(conn: sqlite3.Connection, identifier: str) -> None:
    """Unregister a client; its refresh tokens stop working with it."""
    cursor = conn.execute("DELETE FROM oauth_clients WHERE identifier = ?", (identifier,))
    if cursor.rowcount == 0:
        raise SandboxError(f"no client {identifier!r} is registered")
    conn.execute("UPDATE oauth_refresh_tokens SET revoked = 1 WHERE client_id = ?", (identifier,))
