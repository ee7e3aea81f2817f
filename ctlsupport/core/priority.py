"""The provider's ticket prioritization matrix as data: criteria per priority, and the
service-level targets per support tier (first response, updates, restoration)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

PRIORITIES = ("urgent", "high", "normal", "low")


__all__ = ["PRIORITIES", "criteria", "target"]
TIERS = ("professional", "enterprise", "developer")

# What each priority means (the provider's matrix); urgent/high must match one.
CRITERIA: dict[str, tuple[str, ...]] = {
    "urgent": (
        "a critical platform element is unavailable",
        "all or most servers are down",
        "all or most supported managed services are down",
        "security breach",
    ),
    "high": (
        "a non-critical platform element is unavailable",
        "fewer than half of the servers are down",
        "components of managed services are down",
        "significant performance degradation",
        "security incident",
    ),
    "normal": ("a new service request that is time sensitive",),
    "low": ("any new service request",),
}


@dataclass(frozen=True)
class Target:
    """One cell row of the matrix: what the provider promises for a tier and priority."""

    first_response: timedelta
    first_response_text: str
    updates: str
    restoration: str


def _t(minutes: int, text: str, updates: str, restoration: str) -> Target:
    return Target(timedelta(minutes=minutes), text, updates, restoration)


TARGETS: dict[str, dict[str, Target]] = {
    "professional": {
        "urgent": _t(15, "15 min", "every 30 min, status page", "4 h"),
        "high": _t(30, "30 min", "hourly, status page", "8 h"),
        "normal": _t(60, "1 h", "daily", "5 business days"),
        "low": _t(60, "1 h", "every 2 days", "8 business days"),
    },
    "enterprise": {
        "urgent": _t(15, "15 min", "every 30 min", "4 h"),
        "high": _t(30, "30 min", "hourly", "8 h"),
        "normal": _t(30, "30 min (designated engineers on shift)", "daily", "1 business day"),
        "low": _t(30, "30 min (designated engineers on shift)", "daily", "1 business day"),
    },
    # Not acceptable for partners; low only.
    "developer": {"low": _t(480, "8 h", "every 2 days", "8 business days")},
}
# Service tasks: first response within 24 hours, whatever the tier.
TASK_FIRST_RESPONSE = timedelta(hours=24)


def criteria(priority: str) -> tuple[str, ...]:
    """The matrix criteria of one priority."""
    return CRITERIA[priority]


def target(tier: str, priority: str) -> Target | None:
    """The targets of a tier and priority (None where the tier does not offer it)."""
    return TARGETS.get(tier.strip().lower(), {}).get(priority)


def summary(tier: str, level: str) -> str:
    """One line: first response and restoration for this tier, or why there are none."""
    found = target(tier, level)
    if found is None:
        return f"not offered on the {tier} tier"
    return f"first response {found.first_response_text}, restoration {found.restoration}"


def matrix_rows(tier: str) -> list[dict]:
    """The matrix for one tier, as plain data."""
    out = []
    for level in PRIORITIES:
        found = target(tier, level)
        out.append(
            {
                "priority": level,
                "criteria": list(criteria(level)),
                "first_response": found.first_response_text if found else None,
                "first_response_minutes": (
                    int(found.first_response.total_seconds() // 60) if found else None
                ),
                "updates": found.updates if found else None,
                "restoration": found.restoration if found else None,
            }
        )
    return out
