"""Desk addresses, checked the same way wherever one is read: in a prompt or a flag, in
the settings file, and by the HTTP client before it sends anything."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")


def problem(value: str) -> str | None:
    """What is wrong with a desk (or status page, or sign-in) address, or None: it must be
    http(s), name a host, have a valid port, hold no spaces, and no user name or password
    (they would be shown in errors and --debug, and sent to every page the desk links
    to). The text never echoes the value back: it may hold a password."""
    address = value.strip().rstrip("/")
    if not address.startswith(("https://", "http://")):
        return "must be an address starting with https://"
    if any(ch.isspace() for ch in address) or _CONTROL.search(address):
        return "must not contain spaces or control characters"
    parts = urlsplit(address)
    if "@" in parts.netloc:
        return (
            "must not hold a user name or password (user:password@host): sign in with "
            "`ctlsupport auth login`, which keeps them in the keyring"
        )
    try:
        port = parts.port
    except ValueError:
        return "has a port that is not a number from 1 to 65535"
    if port is not None and not 0 < port < 65536:
        return "has a port that is not a number from 1 to 65535"
    if not parts.hostname:
        return "must name a host, as in https://support.example.com"
    return None


def normal(value: str) -> str:
    """The address as it is kept: no surrounding spaces, no trailing slash."""
    return value.strip().rstrip("/")


def plain_http_warning(address: str) -> str | None:
    """A warning for a plain-http address of a desk that is not on this machine: the
    sign-in and the tickets (with the PIN) would cross the network unencrypted."""
    parts = urlsplit(address)
    host = (parts.hostname or "").lower()
    local = host in _LOCAL_HOSTS or host.startswith("127.") or host.endswith(".localhost")
    if parts.scheme == "http" and not local:
        return (
            f"{parts.scheme}://{host} uses plain http://: the sign-in and the tickets (with "
            "the PIN) cross the network unencrypted; use https://"
        )
    return None
