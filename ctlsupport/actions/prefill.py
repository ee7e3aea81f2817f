"""What a problem template and the customer directory fill in on a new ticket, and what
a ticket would change in the directory. No terminal here: `open` shows and asks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ctlsupport.core import customers as rules
from ctlsupport.core.checklist import Outcome, merge_steps
from ctlsupport.core.templates import PLACEHOLDERS, Template
from ctlsupport.store.customers import Customer, Directory, Server

# Told in the preview: the provider answers in English only.
ENGLISH_ONLY = "The provider gives support in English only: write the ticket in English."


def _directory() -> Directory:
    from ctlsupport.store import db

    return Directory(db.connect())


def everyone() -> list[Customer]:
    """The whole directory, most recently used first."""
    return _directory().all()


def customer(alias: str) -> Customer | None:
    """The directory's customer with this alias, if any."""
    try:
        return _directory().get(rules.clean_alias(alias))
    except ValueError:
        return None


def customer_values(found: Customer) -> dict[str, str]:
    return {"customer_name": found.name, "customer_alias": found.alias}


def server_values(found: Server) -> dict[str, str]:
    """The server's name, and its IP and data center where the directory knows them."""
    values = {"server": found.name, "ip": found.ip, "datacenter": found.datacenter}
    return {k: v for k, v in values.items() if v}


@dataclass
class Filled:
    """Values filled in for missing fields, with a line for each source (to show)."""

    values: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def from_directory(given: Mapping[str, object]) -> Filled:
    """For flags: the customer's name from --customer-alias, and the server's IP and data
    center from --server, where not given."""
    filled = Filled()
    alias = str(given.get("customer_alias") or "")
    found = customer(alias) if alias else None
    if found is None:
        return filled
    if not given.get("customer_name"):
        filled.values["customer_name"] = found.name
        filled.notes.append(f"customer {found.alias}: {found.name} (from the directory)")
    server = found.server(str(given.get("server") or ""))
    if server is not None:
        for name, value in server_values(server).items():
            if not given.get(name):
                filled.values[name] = value
        filled.notes.append(
            f"server {server.name}: {server.ip or '-'}, {server.datacenter or '-'} "
            "(from the directory)"
        )
    return filled


def from_template(template: Template, given: Mapping[str, object]) -> Filled:
    """Subject, priority and description from the template, with what is known so far
    put into the patterns; fields already given stay."""
    known = {name: str(given.get(name) or "") for name in PLACEHOLDERS}
    subject, description = template.fill(known)
    filled = Filled(notes=[f"template {template.name}: {template.title}"])
    for name, value in (("subject", subject), ("priority", template.priority)):
        if not given.get(name):
            filled.values[name] = value
    # The skeleton first, then what was written (a --description adds to it).
    typed = str(given.get("description") or "").strip()
    filled.values["description"] = f"{description}\n\n{typed}" if typed else description
    return filled


def with_answers(description: str, template: Template, answers: Mapping[str, str]) -> str:
    """The description, then each question answered, as `question answer` lines."""
    lines = [
        f"{q.text} {answers[q.id].strip()}"
        for q in template.questions
        if answers.get(q.id, "").strip()
    ]
    return "\n\n".join(part for part in (description.strip(), "\n".join(lines)) if part)


def steps(outcome: Outcome, typed: str) -> str:
    """The troubleshooting steps: the checklist as a list, then anything typed."""
    return merge_steps(outcome, typed)


def directory_changes(
    alias: str, name: str, server: str, ip: str, datacenter: str
) -> list[rules.Change]:
    """What a ticket says that differs from the directory (a known server's IP, most of
    all): each is asked about, never written on its own."""
    found = customer(alias)
    if found is None:
        return []
    changes = [rules.name_change(found, name)]
    known = found.server(server) if server else None
    given = Server(server.upper(), ip, datacenter.upper())
    changes += rules.server_changes(found.alias, known, given)
    return [c for c in changes if c is not None]


def accept(changes: Iterable[rules.Change]) -> None:
    """Write changes the person confirmed into the directory."""
    book = _directory()
    for change in changes:
        if not change.server:
            book.put_customer(change.alias, change.new)
            continue
        found = book.get(change.alias)
        server = found.server(change.server) if found else None
        if server is not None:
            setattr(server, change.what, change.new)
            book.put_server(change.alias, server)


def escalation_checklist(profile: str, request_id: int) -> list[dict[str, str]]:
    """The checklist items a ticket opened from here went without, unexplained (an
    escalation asks the reason for each)."""
    from ctlsupport.store import db
    from ctlsupport.store.history import History

    return History(db.connect()).checklist_open(profile, request_id)


def escalation_reasons(
    ask: object | None, profile: str, request_id: int, unchecked: list[str]
) -> str:
    """Before an escalation: the reason for each checklist item the ticket went without
    (`--unchecked ITEM=REASON`, or asked when `ask` is a person). The paragraph for the
    escalation's text ("" when the ticket left nothing unexplained); MissingFields names
    every item still without a reason."""
    from ctlsupport.core import checklist

    pending = escalation_checklist(profile, request_id)
    reasons: dict[str, str] = {}
    for value in unchecked:
        ident, _, text = value.partition("=")
        try:
            reasons[ident.strip()] = checklist.reason(text)
        except ValueError as exc:
            from ctlsupport.errors import InvalidInput

            raise InvalidInput(f"--unchecked {ident.strip()}: {exc}") from None
    if ask is not None and getattr(ask, "interactive", False):
        for item in pending:
            if item["id"] not in reasons:
                reasons[item["id"]] = ask.text(  # type: ignore[attr-defined]
                    f"#{request_id} went without: {item['text']}. Why? (one line)",
                    check=checklist.reason,
                )
    return checklist.for_escalation(pending, reasons)
