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


@cache
def defaults() -> dict[str, str]:
    """Route name -> address, as packaged (an empty address means: must be configured)."""
    table = load(FILE_NAME)[0].get("routes", {})
    return {str(name): str(address).strip() for name, address in table.items()}


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

    normal and low share one address by default: the shared queue takes it as normal.
    """
    found: dict[str, str] = {}
    routes = table(overrides)
    for name in ("low", "normal", "high", "urgent"):  # the later (higher) name wins
        address = routes[name][0]
        if address:
            found[address.lower()] = name
    return found
