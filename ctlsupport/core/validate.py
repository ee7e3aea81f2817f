"""Pure validators for ticket fields. Each returns the cleaned value or raises FieldInvalid.

Warnings (a private IP, a server name that breaks the naming hint) do not refuse the
value; they are returned by the `*_warning` helpers for the caller to show.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

from ctlsupport.core.priority import PRIORITIES

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ALIAS = re.compile(r"[A-Za-z0-9]{2,6}")
_PIN = re.compile(r"[0-9]{1,10}")
# Data-center code, account alias, role, two-digit sequence: VA1ACMEWEB01.
_SERVER_HINT = re.compile(r"(?P<dc>[A-Z]{2}\d)(?P<rest>[A-Z0-9]+)(?P<seq>\d{2})")


class FieldInvalid(ValueError):
    """A value the desk must not receive; the message says what is expected."""


def clean_text(value: str, *, what: str, multiline: bool = True, max_len: int = 0) -> str:
    """Strip, drop control characters (keeping newlines and tabs), and require content."""
    text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        raise FieldInvalid(f"{what} must not be empty")
    if not multiline and "\n" in text:
        raise FieldInvalid(f"{what} must be a single line")
    if max_len and len(text) > max_len:
        raise FieldInvalid(f"{what} must be at most {max_len} characters (got {len(text)})")
    return text


def subject(value: str) -> str:
    return clean_text(value, what="subject", multiline=False, max_len=150)


def required(what: str):
    """A check that refuses an empty answer, naming `what`; the answer, stripped."""

    def check(value: str) -> str:
        if not value.strip():
            raise FieldInvalid(f"{what} must not be empty")
        return value.strip()

    return check


def line(what: str, max_len: int = 120):
    """A validator for a required single line of text."""

    def check(value: str) -> str:
        return clean_text(value, what=what, multiline=False, max_len=max_len)

    return check


def url(value: str) -> str:
    """An http(s) address, without a trailing slash (see check_desk_url)."""
    return check_desk_url(value)


def check_desk_url(value: str) -> str:
    """A desk (or status page, or sign-in) address, without a trailing slash (see
    ctlsupport/addresses.py for what makes one usable)."""
    from ctlsupport import addresses

    why = addresses.problem(value)
    if why:
        raise FieldInvalid(why)
    return addresses.normal(value)


def plain_http_warning(address: str) -> str | None:
    """Why a valid address is risky: plain http:// to a desk not on this machine."""
    from ctlsupport import addresses

    return addresses.plain_http_warning(address)


def seconds(value: str) -> str:
    """A number of seconds, more than 0 and at most a day."""
    try:
        number = float(value.strip())
    except ValueError:
        raise FieldInvalid("must be a number of seconds, e.g. 60") from None
    if not 0 < number <= 86400:
        raise FieldInvalid("must be more than 0 and at most 86400 seconds")
    return f"{number:g}"


def port(value: str) -> str:
    """A TCP port number, 1-65535."""
    if not value.strip().isdigit() or not 0 < int(value) < 65536:
        raise FieldInvalid("must be a port number, 1-65535")
    return str(int(value))


def optional(check):
    """The validator `check`, but an empty value is allowed (and cleared)."""

    def run(value: str) -> str:
        return check(value) if value.strip() else ""

    return run


def one_of(*allowed: str, fold_case: bool = False):
    """A validator for one of the allowed words (`fold_case`: stripped and lowercased first)."""

    def check(value: str) -> str:
        if fold_case:
            value = value.strip().lower()
        if value not in allowed:
            raise FieldInvalid(f"must be one of {', '.join(allowed)}")
        return value

    return check


def customer_alias(value: str) -> str:
    alias = value.strip().upper()
    if not _ALIAS.fullmatch(alias):
        raise FieldInvalid("account alias must be 2-6 letters or digits, e.g. ACME")
    return alias


def pin(value: str) -> str:
    digits = value.strip()
    if not _PIN.fullmatch(digits):
        raise FieldInvalid("PIN must be 1-10 digits (numbers only)")
    return digits


def public_ip(value: str) -> str:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        raise FieldInvalid(f"{value.strip()!r} is not an IPv4 or IPv6 address") from None
    return str(address)


def ip_warning(value: str) -> str | None:
    """Why an address is probably not the server's external IP, or None."""
    address = ipaddress.ip_address(value)
    if address.is_loopback:
        kind = "a loopback"
    elif address.is_private:
        kind = "a private or reserved"
    elif address.is_link_local:
        kind = "a link-local"
    elif address.is_multicast:
        kind = "a multicast"
    elif address.is_reserved or address.is_unspecified:
        kind = "a reserved"
    else:
        return None
    return f"{value} is {kind} address; the provider needs the server's external (public) IP"


def email(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise FieldInvalid(f"{value.strip()!r} is not a valid email address: {exc}") from None


def priority(value: str) -> str:
    chosen = value.strip().lower()
    if chosen not in PRIORITIES:
        raise FieldInvalid(f"priority must be one of {', '.join(PRIORITIES)}")
    return chosen


def datacenter(value: str) -> str:
    from ctlsupport.core.datacenters import datacenters

    code = value.strip().upper()
    known = datacenters()
    if code not in known:
        raise FieldInvalid(f"unknown data center {value.strip()!r}; known: {', '.join(known)}")
    return code


def server_name(value: str) -> str:
    name = clean_text(value, what="server name", multiline=False, max_len=64)
    if re.search(r"\s", name):
        raise FieldInvalid("server name must not contain spaces")
    return name


def server_warning(name: str, datacenter: str = "", alias: str = "") -> str | None:
    """How a server name departs from the provider's naming hint, or None."""
    upper = name.upper()
    match = _SERVER_HINT.fullmatch(upper)
    if not match:
        return (
            f"{name} does not look like a provider server name "
            "(data center, account alias, role, two digits: VA1ACMEWEB01)"
        )
    if datacenter and match["dc"] != datacenter.upper():
        return f"{name} starts with {match['dc']}, but the data center given is {datacenter}"
    if alias and not match["rest"].startswith(alias.upper()):
        return f"{name} does not contain the account alias {alias.upper()} after the data center"
    return None


def attachment(value: str) -> str:
    path = Path(value.strip()).expanduser()
    if not path.exists():
        raise FieldInvalid(f"attachment {value.strip()!r} does not exist")
    if not path.is_file():
        raise FieldInvalid(f"attachment {value.strip()!r} is not a regular file")
    size = path.stat().st_size
    if size > MAX_ATTACHMENT_BYTES:
        raise FieldInvalid(
            f"attachment {path.name} is {size / 1048576:.1f} MB; the desk accepts at most 50 MB"
        )
    if size == 0:
        raise FieldInvalid(f"attachment {path.name} is empty")
    return str(path.resolve())


def partner_ticket(value: str) -> str:
    return clean_text(value, what="partner ticket number", multiline=False, max_len=64)
