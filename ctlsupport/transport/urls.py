"""Desk addresses: a usable base URL, and whether a link stays on the desk's host."""

from __future__ import annotations

from urllib.parse import urlsplit

from ctlsupport.errors import ConfigError


def check_base_url(url: str) -> str:
    """The desk's base address, or ConfigError: http(s), a host, a valid port, no
    user-info (a password in a URL ends up in logs), no spaces."""
    address = url.strip().rstrip("/")
    try:
        parts = urlsplit(address)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"the desk URL is not valid: {exc}") from None
    problem = None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problem = "it must start with https:// and name a host"
    elif parts.username is not None or parts.password is not None:
        problem = "it must not carry a user name or password (user@host)"
    elif any(c.isspace() for c in address):
        problem = "it must not contain spaces"
    elif port == 0:
        problem = "its port must be 1-65535"
    if problem:
        shown = address if "@" not in address else "(hidden: it carries user-info)"
        raise ConfigError(
            f"the desk URL {shown} is not valid: {problem}",
            hint="Fix it with `ctlsupport config set desk_url https://HOST`.",
        )
    return address


def origin(url: str) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    except ValueError:
        return "an invalid address"
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def same_origin(url: str, base: str) -> bool:
    """Whether `url` is on the same scheme, host and port as `base`."""
    return origin(url) == origin(base)


def short(path: str) -> str:
    """A path for a message: no query string, no host."""
    return urlsplit(path).path or path
