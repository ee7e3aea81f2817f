"""User rows: lookup, creation on the fly (CCs), password checks."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3

from . import db
from .clock import iso, utcnow

# One organization for the seeded partner users, so `organization_id` is realistic.
PARTNER_ORGANIZATION_ID = 7300000000001
PROVIDER_ORGANIZATION_ID = 7300000000002

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def valid_email(value: object) -> bool:
    """A loose syntactic check, enough to refuse obvious garbage in CC lists."""
    return isinstance(value, str) and bool(_EMAIL.match(value.strip()))


def hash_password(password: str, salt: str | None = None) -> tuple[str, str]:
    """Salted SHA-256: a local test desk needs cheap checks on every request, not a KDF."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.sha256((salt + password).encode("utf-8")).hexdigest()
    return salt, digest


def password_matches(row: sqlite3.Row, password: str) -> bool:
    """Compare in constant time; users created as CCs have no password at all."""
    if not row["password_hash"] or not row["password_salt"]:
        return False
    _salt, digest = hash_password(password, row["password_salt"])
    return hmac.compare_digest(digest, row["password_hash"])


def by_email(conn: sqlite3.Connection, email: str) -> sqlite3.Row | None:
    """Find a user by email, ignoring case."""
    return conn.execute("SELECT * FROM users WHERE email = ?", (email.strip(),)).fetchone()


def by_id(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row | None:
    """Find a user by id."""
    return conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()


def create(
    conn: sqlite3.Connection,
    *,
    email: str,
    name: str,
    role: str,
    verified: bool,
    organization_id: int | None,
    password: str | None = None,
) -> int:
    """Insert a user and return its new id."""
    user_id = db.next_id(conn, "users")
    salt, digest = hash_password(password) if password is not None else (None, None)
    now = iso(utcnow())
    conn.execute(
        """INSERT INTO users (id, email, name, role, verified, password_salt, password_hash,
                              organization_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            user_id,
            email.strip(),
            name,
            role,
            int(verified),
            salt,
            digest,
            organization_id,
            now,
            now,
        ),
    )
    return user_id


def find_or_create_end_user(conn: sqlite3.Connection, email: str, name: str | None) -> int:
    """Resolve an email CC or collaborator; unknown addresses become unverified end users."""
    row = by_email(conn, email)
    if row is not None:
        return int(row["id"])
    display = name.strip() if isinstance(name, str) and name.strip() else email.split("@")[0]
    return create(
        conn, email=email, name=display, role="end-user", verified=False, organization_id=None
    )


def upsert(
    conn: sqlite3.Connection,
    *,
    email: str,
    name: str,
    role: str,
    verified: bool,
    organization_id: int | None,
    password: str | None,
) -> int:
    """Create the user or bring name, role, verification and password up to date."""
    row = by_email(conn, email)
    if row is None:
        return create(
            conn,
            email=email,
            name=name,
            role=role,
            verified=verified,
            organization_id=organization_id,
            password=password,
        )
    salt, digest = row["password_salt"], row["password_hash"]
    if password is not None and not password_matches(row, password):
        salt, digest = hash_password(password)
    changed = (
        row["name"] != name
        or row["role"] != role
        or bool(row["verified"]) != verified
        or row["organization_id"] != organization_id
        or digest != row["password_hash"]
    )
    if changed:
        conn.execute(
            """UPDATE users SET name = ?, role = ?, verified = ?, organization_id = ?,
                   password_salt = ?, password_hash = ?, updated_at = ? WHERE id = ?""",
            (name, role, int(verified), organization_id, salt, digest, iso(utcnow()), row["id"]),
        )
    return int(row["id"])
