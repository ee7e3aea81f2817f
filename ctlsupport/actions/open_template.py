"""The template and customer-directory part of `open`: the first question offers the
templates, the customer is picked by fuzzy search, their servers come next, the
template's questions and its L1 checklist are asked. Everything filled this way is
shown as it is filled, and stays changeable in the preview."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from ctlsupport.actions import prefill
from ctlsupport.core import checklist
from ctlsupport.core.validate import FieldInvalid

if TYPE_CHECKING:
    from ctlsupport.core import compose
    from ctlsupport.core.templates import Template
    from ctlsupport.store.customers import Customer

Find = Callable[[str], list[tuple[str, str]]]


class TemplateAsker(Protocol):
    """The questions this flow asks: the usual ones, plus checkboxes and a search."""

    def say(self, text: str) -> None: ...
    def text(self, label: str, *, check: Callable[[str], str] | None = None) -> str: ...
    def optional(self, label: str, *, check: Callable[[str], str], help: str = "") -> str: ...
    def select(self, label: str, choices: Sequence[str | tuple[str, str]], default: str) -> str: ...
    def confirm(self, label: str, *, default: bool = False) -> bool: ...
    def checkbox(self, label: str, choices: Sequence[tuple[str, str]]) -> list[str]: ...
    def search(self, label: str, find: Find) -> str: ...


NONE = "-"


def load(name: str | None) -> Template | None:
    from ctlsupport.core import templates

    return templates.load(name) if name else None


def before_form(
    ask: TemplateAsker, values: compose.Values, template: Template | None
) -> Template | None:
    """An interactive `open` before its form: the template (the first question, unless
    --template named one or --subject says what it is about), the customer by fuzzy
    search, their server, then the template's fill, questions and checklist. Returns
    the template used, if any."""
    if template is None and not values.get("subject"):
        template = choose_template(ask)
    if template is not None:
        show_template(ask, template)
    alias = str(values.get("customer_alias") or "")
    chosen = prefill.customer(alias) if alias else pick_customer(ask, values)
    if chosen is not None:
        if not values.get("customer_name"):
            values.set("customer_name", chosen.name)
        pick_server(ask, chosen, values)
    if template is not None:
        apply_template(ask, template, values)
        ask_questions(ask, template, values)
        ask_checklist(ask, template, values)
    return template


def prefill_flags(
    fields: dict[str, object],
    template: Template | None,
    checked: list[str] | None,
    unchecked: list[str] | None,
    *,
    asking: bool,
) -> list[str]:
    """Before anything is asked or checked: the directory fills what the flags leave
    out (a known customer's name, a known server's IP and data center); without a
    person, the template and the checklist flags fill the rest. Notes to show back."""
    from ctlsupport.core import compose

    values = compose.Values(data=fields)  # shares the dict: fills the flags in place
    if asking:
        filled = prefill.from_directory(fields)
        fields.update(filled.values)
        if checked or unchecked:
            _checklist_flags_need(template)
        return []
    return scripted(template, values, checked, unchecked)


def _checklist_flags_need(template: Template | None) -> None:
    if template is None:
        from ctlsupport.errors import UsageError

        raise UsageError("--checked and --unchecked go with --template")


def _with_reasons(steps: str, pending: list[dict[str, str]], reasons: dict[str, str]) -> str:
    """The steps with each item's reason put on its "Not done" line (added at the end
    when that line was edited away)."""
    lines = steps.split("\n")
    for item in pending:
        bare, why = f"- {item['text']}", checklist.reason(reasons[item["id"]])
        if bare in lines:
            lines[lines.index(bare)] = f"{bare} (why: {why})"
        else:
            lines.append(f"{bare} (why: {why})")
    return "\n".join(lines)


def process_defaults(template: Template | None, options: object) -> None:
    """The template's kind and matrix criterion, where the flags gave none (`options`:
    the process options of `open`, with `kind` and `criterion`)."""
    if template is None:
        return
    if getattr(options, "kind", "incident") == "incident":
        options.kind = template.kind  # type: ignore[attr-defined]
    if not getattr(options, "criterion", None):
        options.criterion = template.criterion  # type: ignore[attr-defined]


def after_form(ask: TemplateAsker | None, values: compose.Values, draft: object) -> list[str]:
    """Once the draft is complete: the unexplained checklist items go with it (a later
    escalation asks about them; if the priority became urgent or high, they are asked
    now), and a value that differs from the directory is asked about. Notes to show."""
    pending = list(values.get("checklist_open") or [])  # type: ignore[call-overload]
    priority = str(getattr(draft, "priority", "normal"))
    if pending and checklist.reasons_needed(priority) and ask is not None:
        reasons = {
            p["id"]: ask.text(f"Why not: {p['text']}? (one line)", check=checklist.reason)
            for p in pending
        }
        draft.steps = _with_reasons(str(getattr(draft, "steps", "")), pending, reasons)  # type: ignore[attr-defined]
        pending = []
    elif pending and checklist.reasons_needed(priority):
        checklist.for_escalation(pending, {})  # raises: names each --unchecked ITEM=REASON
    draft.checklist_open = pending  # type: ignore[attr-defined]
    return confirm_changes(ask, values)


def choose_template(ask: TemplateAsker) -> Template | None:
    """The first question of an interactive `open`: a template, or none."""
    from ctlsupport.core import templates

    found = templates.load_all()
    choices = [(NONE, "none: a blank ticket")]
    choices += [(t.name, f"{t.name:<22}{t.title}") for t in found]
    picked = ask.select("Problem template", choices, NONE)
    return next((t for t in found if t.name == picked), None)


def show_template(ask: TemplateAsker, template: Template) -> None:
    ask.say(f"  {template.title}: {template.priority} ({template.criterion})")
    ask.say("  Read first:")
    for article in template.articles:
        ask.say(f"    - {article.title}  (ctlsupport kb search '{article.query}')")


def apply_template(ask: TemplateAsker | None, template: Template, values: compose.Values) -> None:
    """Subject, priority and description from the template (a subject or priority given
    stays; a description given follows the template's)."""
    filled = prefill.from_template(template, values.data)
    for name, value in filled.values.items():
        values.set(name, value)
        if ask is not None and name != "description":
            ask.say(f"  {name}: {value}  (template)")


def _finder(customers: list[Customer]) -> Find:
    """What the customer search offers for the text typed: (alias, "Name (ALIAS)")."""
    from ctlsupport.core.customers import search

    def find(text: str) -> list[tuple[str, str]]:
        found = search(customers, text, limit=8)
        return [(m.customer.alias, f"{m.customer.name} ({m.customer.alias})") for m in found]

    return find


def pick_customer(ask: TemplateAsker, values: compose.Values) -> Customer | None:
    """The customer, by fuzzy search over the directory's names and aliases (Enter on
    nothing: a customer not in the directory, asked for field by field)."""
    from ctlsupport.core.customers import search

    everyone = prefill.everyone()
    if not everyone:
        return None
    answer = ask.search(
        "Customer (name or alias; Tab lists matches, Enter on nothing for a new one)",
        _finder(everyone),
    )
    text = answer.strip()
    if not text:
        return None
    exact = [c for c in everyone if text.upper() == c.alias or text.lower() == c.name.lower()]
    matches = exact or [m.customer for m in search(everyone, text, limit=8)]
    if matches and not exact:  # a guess: the person confirms it (or says "new")
        choices = [(c.alias, f"{c.name} ({c.alias})") for c in matches]
        choices.append((NONE, f"a new customer: {text}"))
        picked = ask.select("Which customer?", choices, choices[0][0])
        matches = [c for c in matches if c.alias == picked]
    if not matches:
        values.set("customer_name", text)
        return None
    chosen = matches[0]
    for name, value in prefill.customer_values(chosen).items():
        values.set(name, value)
    ask.say(f"  customer: {chosen.name} ({chosen.alias})  (directory)")
    return chosen


def pick_server(ask: TemplateAsker, chosen: Customer, values: compose.Values) -> None:
    """One of the customer's servers fills name, IP and data center (or another one)."""
    if not chosen.servers or values.get("server"):
        return
    choices = [
        (s.name, f"{s.name:<16}{s.ip or '-':<18}{s.datacenter or '-'}") for s in chosen.servers
    ]
    choices.append((NONE, "another server"))
    picked = ask.select("Server", choices, choices[0][0])
    server = chosen.server(picked) if picked != NONE else None
    if server is None:
        return
    for name, value in prefill.server_values(server).items():
        values.set(name, value)
    ask.say(f"  server: {server.name}, {server.ip or '-'}, {server.datacenter or '-'}")


def ask_questions(ask: TemplateAsker, template: Template, values: compose.Values) -> None:
    """The template's own questions; the answers go into the description."""
    answers = {
        q.id: ask.optional(q.text, check=_one_line, help="(Enter to skip)")
        for q in template.questions
    }
    description = str(values.get("description") or "")
    values.set("description", prefill.with_answers(description, template, answers))


def ask_checklist(ask: TemplateAsker, template: Template, values: compose.Values) -> None:
    """The L1 checklist as checkboxes; items not done ask a reason where one is needed.
    The outcome becomes the troubleshooting steps."""
    done = ask.checkbox(
        "L1 checklist: what have you done? (Space ticks, a ticks all, Enter when done)",
        [(item.id, item.text) for item in template.checklist],
    )
    priority = str(values.get("priority") or "normal")
    reasons = {}
    if checklist.reasons_needed(priority):
        for item in template.checklist:
            if item.id not in done:
                reasons[item.id] = ask.text(
                    f"Why not: {item.text}? (one line)", check=checklist.reason
                )
    outcome = checklist.resolve(template.checklist, set(done), reasons, priority=priority)
    values.set("steps", prefill.steps(outcome, str(values.get("steps") or "")))
    values.set("checklist_open", checklist.unexplained(outcome))


def scripted(
    template: Template | None,
    values: compose.Values,
    checked: list[str] | None,
    unchecked: list[str] | None,
) -> list[str]:
    """Without a person: template, directory and checklist flags; returns notes to show."""
    notes = []
    filled = prefill.from_directory(values.data)
    for name, value in filled.values.items():
        values.set(name, value)
    notes += filled.notes
    if template is None:
        if checked or unchecked:
            _checklist_flags_need(template)
        return notes
    apply_template(None, template, values)
    notes.append(f"template {template.name}: {template.title}")
    done, reasons = checklist.parse_flags(template.checklist, checked or [], unchecked or [])
    priority = str(values.get("priority") or "normal")
    outcome = checklist.resolve(template.checklist, done, reasons, priority=priority)
    values.set("steps", prefill.steps(outcome, str(values.get("steps") or "")))
    values.set("checklist_open", checklist.unexplained(outcome))
    return notes


def confirm_changes(ask: TemplateAsker | None, values: compose.Values) -> list[str]:
    """A known server's IP (or data center, or the customer's name) that differs from the
    directory: asked about in a terminal, else reported; never written silently."""
    changes = prefill.directory_changes(
        *(str(values.get(n) or "") for n in ("customer_alias", "customer_name", "server")),
        str(values.get("ip") or ""),
        str(values.get("datacenter") or ""),
    )
    if not changes:
        return []
    if ask is None:
        return [
            f"{c.describe()}; the directory keeps {c.old} "
            f"(`ctlsupport customers edit {c.alias}` changes it)"
            for c in changes
        ]
    accepted = [
        c for c in changes if ask.confirm(f"{c.describe()}. Update the directory?", default=True)
    ]
    prefill.accept(accepted)
    return []


def _one_line(value: str) -> str:
    if "\n" in value:
        raise FieldInvalid("one line, please")
    return value.strip()
