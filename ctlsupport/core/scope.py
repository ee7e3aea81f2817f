"""The provider's support scope, and keyword rules that flag a problem outside it.

The rules are data (`ctlsupport/data/scope.toml`, overridable by a file of the same name
in the config directory): each is a list of word groups, any one of which must appear
whole in the subject and description.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from ctlsupport.core.triage import mentions
from ctlsupport.data import load
from ctlsupport.errors import ConfigError

FILE_NAME = "scope.toml"


@dataclass(frozen=True)
class Rule:
    name: str
    reason: str
    any: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Scope:
    """What is covered, what is not, the billing note and the rules."""

    covered: tuple[str, ...]
    not_covered: tuple[str, ...]
    billable_note: str
    rules: tuple[Rule, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Finding:
    """Why a problem looks out of scope: the rule, and the words that matched."""

    rule: str
    reason: str
    matched: tuple[str, ...]


@cache
def scope() -> Scope:
    """The scope table, from the user's file when present, else the packaged one."""
    data, origin = load(FILE_NAME, overridable=True)
    try:
        rules = tuple(
            Rule(
                name=str(r["name"]),
                reason=str(r["reason"]),
                any=tuple(tuple(str(w).lower() for w in group) for group in r["any"]),
            )
            for r in data.get("rules", [])
        )
        return Scope(
            covered=tuple(data.get("covered", [])),
            not_covered=tuple(data.get("not_covered", [])),
            billable_note=" ".join(str(data.get("billable_note", "")).split()),
            rules=rules,
        )
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{origin}: invalid scope table: {exc}") from None


def check(subject: str, description: str, table: Scope | None = None) -> list[Finding]:
    """Rules the problem text matches (empty: nothing suggests it is out of scope)."""
    text = f"{subject}\n{description}".lower()
    found = []
    for rule in (table or scope()).rules:
        for group in rule.any:
            if all(mentions(text, word) for word in group):
                found.append(Finding(rule.name, rule.reason, group))
                break
    return found
