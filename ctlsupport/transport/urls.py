"""Desk addresses: a usable base URL, and whether a link stays on the desk's host."""

from __future__ import annotations

from urllib.parse import urlsplit

from ctlsupport.errors import ConfigError


def check_base_url(url: str) -> str:
    """The desk's base address, or ConfigError (see ctlsupport/addresses.py)."""
    from ctlsupport import addresses

    why = addresses.problem(url)
    if why:
        raise ConfigError(
            f"the desk URL is not valid: it {why}",
            hint="Fix it with `ctlsupport config set desk_url https://HOST`.",
        )
    return addresses.normal(url)


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
