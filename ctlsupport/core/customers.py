"""The customer directory's rules: what a valid entry is, fuzzy search over names and
aliases, and how a changed value is noticed rather than written over."""

from __future__ import annotations

from dataclasses import dataclass

from ctlsupport.core import validate
from ctlsupport.store.customers import Customer, Server

# Below this score (0-100) a customer is not offered for a query.
SEARCH_CUTOFF = 65


@dataclass(frozen=True)
class Change:
    """A value the directory holds that something else (a ticket, a file) says differs."""

    alias: str
    server: str  # "" for the customer's own name
    what: str  # "ip" | "datacenter" | "name"
    old: str
    new: str

    def describe(self) -> str:
        """One line: whose value, from what, to what."""
        who = f"{self.alias} {self.server}" if self.server else self.alias
        return f"{who}: {self.what} {self.old} in the directory, {self.new} now"


def clean_alias(value: str) -> str:
    return validate.customer_alias(value)


def clean_name(value: str) -> str:
    return validate.line("customer name")(value)


def clean_server(name: str, ip: str = "", datacenter: str = "") -> Server:
    """A server entry, validated; the IP and data center may still be unknown."""
    return Server(
        name=validate.server_name(name).upper(),
        ip=validate.public_ip(ip) if ip.strip() else "",
        datacenter=validate.datacenter(datacenter) if datacenter.strip() else "",
    )


def server_changes(alias: str, known: Server | None, given: Server) -> list[Change]:
    """What `given` would change in a server the directory already has (a blank is no
    change: it says nothing)."""
    if known is None:
        return []
    changes = []
    for what in ("ip", "datacenter"):
        old, new = getattr(known, what), getattr(given, what)
        if old and new and old != new:
            changes.append(Change(alias, known.name, what, old, new))
    return changes


def name_change(known: Customer | None, name: str) -> Change | None:
    """The customer's name, when `name` differs from the directory's."""
    if known is None or not name or known.name == name:
        return None
    return Change(known.alias, "", "name", known.name, name)


@dataclass(frozen=True)
class Match:
    """A customer found for a query, with how well it matched (0-100)."""

    customer: Customer
    score: float


def search(customers: list[Customer], query: str, limit: int = 10) -> list[Match]:
    """Customers whose name or alias resembles `query`, best first; an exact alias first
    of all. An empty query lists them in directory order (most recently used first)."""
    query = query.strip()
    if not query:
        return [Match(c, 100.0) for c in customers[:limit]]
    # rapidfuzz: a maintained C++ matcher; imported here, as only a search needs it.
    from rapidfuzz import fuzz, process, utils

    by_key = {index: f"{c.name} {c.alias}" for index, c in enumerate(customers)}
    found = process.extract(
        query,
        by_key,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=None,
        score_cutoff=SEARCH_CUTOFF,
    )
    upper = query.upper()
    scored = []
    for _text, score, index in found:
        customer = customers[index]
        if customer.alias == upper:
            score = 101.0  # the alias typed in full: nothing beats it
        elif customer.alias.startswith(upper):
            score = max(score, 99.0)
        scored.append(Match(customer, float(score)))
    scored.sort(key=lambda m: -m.score)
    return scored[:limit]
