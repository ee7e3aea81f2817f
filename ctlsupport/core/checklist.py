"""The L1 checklist of a problem template: what was done, what was not and why.

What was done goes into the ticket's troubleshooting steps as a list. For urgent and
high, and before an escalation, every item not done needs a one-line reason; without a
person to ask, `--checked ITEM` and `--unchecked ITEM=REASON` say it, and an item
neither names is reported like any missing flag.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ctlsupport.core.templates import Item
from ctlsupport.errors import InvalidInput, MissingFields

NEEDS_REASONS = ("urgent", "high")
REASON_MAX = 200


@dataclass
class Outcome:
    """The checklist answered: items done, and items not done with their reason."""

    done: list[Item] = field(default_factory=list)
    not_done: list[tuple[Item, str]] = field(default_factory=list)

    def as_steps(self) -> str:
        """The troubleshooting steps the checklist gives, as a list."""
        lines = []
        if self.done:
            lines += ["Checked before opening this ticket:"]
            lines += [f"- {item.text}" for item in self.done]
        if self.not_done:
            lines += ["Not done:"]
            lines += [
                f"- {item.text}" + (f" (why: {reason})" if reason else "")
                for item, reason in self.not_done
            ]
        return "\n".join(lines)


def reasons_needed(priority: str, *, escalating: bool = False) -> bool:
    """Whether an item not done must say why (urgent and high, and escalations)."""
    return escalating or priority in NEEDS_REASONS


def reason(text: str) -> str:
    """A reason as the ticket keeps it: one non-empty line; ValueError otherwise."""
    cleaned = text.strip()
    if not cleaned:
        raise ValueError("the reason must not be empty")
    if "\n" in cleaned or "\r" in cleaned:
        raise ValueError("the reason must be one line")
    if len(cleaned) > REASON_MAX:
        raise ValueError(f"the reason must be at most {REASON_MAX} characters")
    return cleaned


def parse_flags(
    items: Iterable[Item], checked: Iterable[str], unchecked: Iterable[str]
) -> tuple[set[str], dict[str, str]]:
    """`--checked ITEM` and `--unchecked ITEM=REASON` values, checked against the items."""
    known = {item.id for item in items}
    problems = []
    done: set[str] = set()
    for value in checked:
        ident = value.strip()
        if ident not in known:
            problems.append(f"--checked: no item {ident!r} (items: {', '.join(sorted(known))})")
        done.add(ident)
    reasons: dict[str, str] = {}
    for value in unchecked:
        ident, eq, text = value.partition("=")
        ident = ident.strip()
        if ident not in known:
            problems.append(f"--unchecked: no item {ident!r} (items: {', '.join(sorted(known))})")
        elif ident in done:
            problems.append(f"--unchecked: {ident} is also given as --checked")
        elif eq:
            try:
                reasons[ident] = reason(text)
            except ValueError as exc:
                problems.append(f"--unchecked {ident}: {exc}")
        else:
            reasons[ident] = ""  # not done, no reason given (fine for normal and low)
    if problems:
        raise InvalidInput(f"invalid input: {'; '.join(problems)}")
    return done, reasons


def resolve(
    items: Iterable[Item],
    done: set[str],
    reasons: dict[str, str],
    *,
    priority: str,
    escalating: bool = False,
) -> Outcome:
    """The outcome, or MissingFields naming each item that still needs a flag."""
    outcome = Outcome()
    missing = []
    strict = reasons_needed(priority, escalating=escalating)
    for item in items:
        if item.id in done:
            outcome.done.append(item)
            continue
        why = reasons.get(item.id, "")
        if strict and not why:
            missing.append(f"--checked {item.id} or --unchecked {item.id}=REASON")
        outcome.not_done.append((item, why))
    if missing:
        occasion = "an escalation" if escalating else f"priority {priority}"
        raise MissingFields(
            f"missing required input: {', '.join(missing)}",
            hint=f"For {occasion}, each checklist item not done needs a one-line reason.",
            details={"missing": missing},
        )
    return outcome


def unexplained(outcome: Outcome) -> list[dict[str, str]]:
    """Items not done and not explained, as a ticket keeps them for a later escalation."""
    return [{"id": item.id, "text": item.text} for item, why in outcome.not_done if not why]


def for_escalation(pending: list[dict[str, str]], reasons: dict[str, str]) -> str:
    """The escalation's paragraph on the ticket's checklist items not done, each with its
    reason; MissingFields names every item still without one."""
    items = [Item(p["id"], p["text"]) for p in pending]
    unknown = sorted(set(reasons) - {item.id for item in items})
    if unknown:
        raise InvalidInput(
            f"--unchecked: the ticket's checklist has no open item {unknown[0]!r} "
            f"(open: {', '.join(item.id for item in items) or 'none'})"
        )
    missing = [f"--unchecked {item.id}=REASON" for item in items if not reasons.get(item.id)]
    if missing:  # `escalate` has no --checked: what was not done then stays not done
        raise MissingFields(
            f"missing required input: {', '.join(missing)}",
            hint="Before an escalation, each checklist item the ticket went without needs "
            "a one-line reason.",
            details={"missing": missing},
        )
    if not items:
        return ""
    lines = [f"- {item.text} (why: {reasons[item.id]})" for item in items]
    return "\n".join(["L1 checklist items not done:", *lines])


def merge_steps(outcome: Outcome, steps: str) -> str:
    """The checklist's list first, then what the person wrote themselves."""
    listed = outcome.as_steps()
    extra = steps.strip()
    if listed and extra:
        return f"{listed}\n\nAlso:\n{extra}"
    return listed or extra
