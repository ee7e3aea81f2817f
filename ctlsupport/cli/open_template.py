"""The template and customer-directory part of `open`: the first question offers the
templates, the customer is picked by fuzzy search, their servers come next, the
template's questions and its L1 checklist are asked. Everything filled this way is
shown as it is filled, and stays changeable in the preview."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ctlsupport.actions import prefill
from ctlsupport.cli import complete
from ctlsupport.core import checklist
from ctlsupport.core.validate import FieldInvalid

if TYPE_CHECKING:
    from ctlsupport.cli.prompts import Prompter
    from ctlsupport.core import compose
    from ctlsupport.core.templates import Template
    from ctlsupport.store.customers import Customer

TemplateOption = Annotated[
    str | None,
    typer.Option(
        "--template",
        metavar="NAME",
        help="Fill the ticket from a problem template (`ctlsupport templates list`).",
        autocompletion=complete.templates,
    ),
]
CheckedOption = Annotated[
    list[str] | None,
    typer.Option(
        "--checked",
        metavar="ITEM",
        help="With --template: a checklist item done (repeatable).",
    ),
]
UncheckedOption = Annotated[
    list[str] | None,
    typer.Option(
        "--unchecked",
        metavar="ITEM=REASON",
        help="With --template: a checklist item not done, and why in one line (repeatable; "
        "urgent and high need one for every item not --checked).",
    ),
]

NONE = "-"


def load(name: str | None) -> Template | None:
    from ctlsupport.core import templates

    return templates.load(name) if name else None


def choose_template(prompter: Prompter) -> Template | None:
    """The first question of an interactive `open`: a template, or none."""
    from ctlsupport.core import templates

    found = templates.load_all()
    choices = [(NONE, "none: a blank ticket")]
    choices += [(t.name, f"{t.name:<22}{t.title}") for t in found]
    picked = prompter.select("Problem template", choices, NONE)
    return next((t for t in found if t.name == picked), None)


def show_template(prompter: Prompter, template: Template) -> None:
    prompter.say(f"  {template.title}: {template.priority} ({template.criterion})")
    prompter.say("  Read first:")
    for article in template.articles:
        prompter.say(f"    - {article.title}  (ctlsupport kb search '{article.query}')")


def apply_template(prompter: Prompter | None, template: Template, values: compose.Values) -> None:
    """Subject, priority and description from the template (flags given stay)."""
    filled = prefill.from_template(template, values.data)
    for name, value in filled.values.items():
        values.set(name, value)
        if prompter is not None and name != "description":
            prompter.say(f"  {name}: {value}  (template)")


def _fuzzy(customers: list[Customer]):  # type: ignore[no-untyped-def]
    """A prompt_toolkit completer offering the customers that resemble the text typed."""
    from prompt_toolkit.completion import Completer, Completion

    from ctlsupport.core.customers import search

    class Fuzzy(Completer):
        def get_completions(self, document, complete_event):  # type: ignore[no-untyped-def]
            text = document.text_before_cursor
            for match in search(customers, text, limit=8):
                c = match.customer
                yield Completion(
                    c.alias, start_position=-len(text), display=f"{c.name} ({c.alias})"
                )

    return Fuzzy()


def pick_customer(prompter: Prompter, values: compose.Values) -> Customer | None:
    """The customer, by fuzzy search over the directory's names and aliases (Enter on
    nothing: a customer not in the directory, asked for field by field)."""
    import questionary

    from ctlsupport.core.customers import search

    everyone = prefill.everyone()
    if not everyone:
        return None
    answer = questionary.autocomplete(
        "Customer (name or alias; Tab lists matches, Enter on nothing for a new one)",
        choices=[],
        completer=_fuzzy(everyone),
    ).unsafe_ask()
    text = answer.strip()
    if not text:
        return None
    exact = [c for c in everyone if text.upper() == c.alias or text.lower() == c.name.lower()]
    matches = exact or [m.customer for m in search(everyone, text, limit=8)]
    if matches and not exact:  # a guess: the person confirms it (or says "new")
        choices = [(c.alias, f"{c.name} ({c.alias})") for c in matches]
        choices.append((NONE, f"a new customer: {text}"))
        picked = prompter.select("Which customer?", choices, choices[0][0])
        matches = [c for c in matches if c.alias == picked]
    if not matches:
        values.set("customer_name", text)
        return None
    chosen = matches[0]
    for name, value in prefill.customer_values(chosen).items():
        values.set(name, value)
    prompter.say(f"  customer: {chosen.name} ({chosen.alias})  (directory)")
    return chosen


def pick_server(prompter: Prompter, chosen: Customer, values: compose.Values) -> None:
    """One of the customer's servers fills name, IP and data center (or another one)."""
    if not chosen.servers or values.get("server"):
        return
    choices = [
        (s.name, f"{s.name:<16}{s.ip or '-':<18}{s.datacenter or '-'}") for s in chosen.servers
    ]
    choices.append((NONE, "another server"))
    picked = prompter.select("Server", choices, choices[0][0])
    server = chosen.server(picked) if picked != NONE else None
    if server is None:
        return
    for name, value in prefill.server_values(server).items():
        values.set(name, value)
    prompter.say(f"  server: {server.name}, {server.ip or '-'}, {server.datacenter or '-'}")


def ask_questions(prompter: Prompter, template: Template, values: compose.Values) -> None:
    """The template's own questions; the answers go into the description."""
    answers = {
        q.id: prompter.optional(q.text, check=_one_line, help="(Enter to skip)")
        for q in template.questions
    }
    description = str(values.get("description") or "")
    values.set("description", prefill.with_answers(description, template, answers))


def ask_checklist(prompter: Prompter, template: Template, values: compose.Values) -> None:
    """The L1 checklist as checkboxes; items not done ask a reason where one is needed.
    The outcome becomes the troubleshooting steps."""
    import questionary

    done = questionary.checkbox(
        "L1 checklist: what have you done? (Space ticks, a ticks all, Enter when done)",
        choices=[questionary.Choice(item.text, value=item.id) for item in template.checklist],
    ).unsafe_ask()
    priority = str(values.get("priority") or "normal")
    reasons = {}
    if checklist.reasons_needed(priority):
        for item in template.checklist:
            if item.id not in done:
                reasons[item.id] = prompter.text(
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
            from ctlsupport.errors import UsageError

            raise UsageError("--checked and --unchecked go with --template")
        return notes
    apply_template(None, template, values)
    notes.append(f"template {template.name}: {template.title}")
    done, reasons = checklist.parse_flags(template.checklist, checked or [], unchecked or [])
    priority = str(values.get("priority") or "normal")
    outcome = checklist.resolve(template.checklist, done, reasons, priority=priority)
    values.set("steps", prefill.steps(outcome, str(values.get("steps") or "")))
    values.set("checklist_open", checklist.unexplained(outcome))
    return notes


def confirm_changes(prompter: Prompter | None, values: compose.Values) -> list[str]:
    """A known server's IP (or data center, or the customer's name) that differs from the
    directory: asked about in a terminal, else reported; never written silently."""
    changes = prefill.directory_changes(
        *(str(values.get(n) or "") for n in ("customer_alias", "customer_name", "server")),
        str(values.get("ip") or ""),
        str(values.get("datacenter") or ""),
    )
    if not changes:
        return []
    if prompter is None:
        return [
            f"{c.describe()}; the directory keeps {c.old} "
            f"(`ctlsupport customers edit {c.alias}` changes it)"
            for c in changes
        ]
    accepted = [
        c
        for c in changes
        if prompter.confirm(f"{c.describe()}. Update the directory?", default=True)
    ]
    prefill.accept(accepted)
    return []


def _one_line(value: str) -> str:
    if "\n" in value:
        raise FieldInvalid("one line, please")
    return value.strip()
