"""The email route's destinations as data: one address per route name, from the
packaged defaults (data/mailroutes.toml) overridden by the profile's `routes` table.

Which route a message takes follows the provider's matrix: escalations and service
tasks have their own address; Enterprise normal/low go to the customer-specific
address; everything else goes by priority.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ctlsupport.data import load
from ctlsupport.errors import ConfigError

FILE_NAME = "mailroutes.toml"
PRIORITY_ROUTES = ("urgent", "high", "normal", "low")
ROUTE_NAMES = (*PRIORITY_ROUTES, "task", "escalation", "enterprise")


@dataclass(frozen=True)
class Route:
    """One destination: the route's name and the address mail goes to."""

    name: str
    address: str


@dataclass(frozen=True)
class Origin:
    """Where a packaged address comes from: the provider page, its year, and whether a
    provider page names it at all (False: a guess, to confirm with the provider)."""

    address: str
    source: str
    year: int
    sourced: bool


@cache
def origins() -> dict[str, Origin]:
    """Route name -> its packaged address with the source and year (data/mailroutes.toml)."""
    table = load(FILE_NAME)[0].get("routes", {})
    return {
        str(name): Origin(
            str(entry.get("address", "")).strip(),
            str(entry.get("source", "")),
            int(entry.get("year", 0)),
            bool(entry.get("sourced", False)),
        )
        for name, entry in table.items()
    }


@cache
def defaults() -> dict[str, str]:
    """Route name -> address, as packaged (an empty address means: must be configured)."""
    return {name: origin.address for name, origin in origins().items()}


def table(overrides: dict[str, str] | None = None) -> dict[str, tuple[str, str]]:
    """Every route name -> (address, "profile" | "default"), known names first."""
    overrides = {k: v.strip() for k, v in (overrides or {}).items() if v and v.strip()}
    names = list(ROUTE_NAMES) + sorted(set(overrides) - set(ROUTE_NAMES))
    found = {}
    for name in names:
        if name in overrides:
            found[name] = (overrides[name], "profile")
        else:
            found[name] = (defaults().get(name, ""), "default")
    return found


def route_name(
    *, priority: str, kind: str = "request", ticket_type: str = "", tier: str = ""
) -> str:
    """Which route a message takes (see the module docstring)."""
    if kind == "escalation":
        return "escalation"
    if ticket_type == "task":
        return "task"
    if tier.strip().lower() == "enterprise" and priority in ("normal", "low"):
        return "enterprise"
    if priority not in PRIORITY_ROUTES:
        raise ConfigError(f"no email route for priority {priority!r}")
    return priority


def resolve(
    overrides: dict[str, str] | None,
    *,
    priority: str = "normal",
    kind: str = "request",
    ticket_type: str = "",
    tier: str = "",
) -> Route:
    """The destination for one message; raises ConfigError when its address is unset."""
    name = route_name(priority=priority, kind=kind, ticket_type=ticket_type, tier=tier)
    address = table(overrides)[name][0]
    if not address:
        raise ConfigError(
            f"the email route {name!r} has no address",
            hint=f"Set it with `ctlsupport config set routes.{name} ADDRESS` "
            "(the address the provider gave you).",
        )
    return Route(name, address)


def priority_by_address(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Receiving address -> priority, as the desk's triggers set it (for the sandbox).

    Routes may share an address: low with normal (the shared queue takes it as normal),
    urgent with high (the high address makes it high; urgent is the provider's call).
    """
    found: dict[str, str] = {}
    routes = table(overrides)
    for name in ("urgent", "low", "high", "normal"):  # on a shared address, the later wins
        address = routes[name][0]
        if address:
            found[address.lower()] = name
    return found
