"""The terminal side of templates in `open`: the flags, and the two kinds of question
the template flow adds (checkboxes, and a search that offers matches as you type)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from ctlsupport.cli.completion import complete

if TYPE_CHECKING:
    from ctlsupport.actions.open_template import Find

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
        "--checked", metavar="ITEM", help="With --template: a checklist item done (repeatable)."
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


def checkbox(label: str, choices: Sequence[tuple[str, str]]) -> list[str]:
    """Tick any of `choices` ((value, title) pairs); the values ticked."""
    import questionary

    items = [questionary.Choice(title, value=value) for value, title in choices]
    return list(questionary.checkbox(label, choices=items).unsafe_ask())


def search(label: str, find: Find) -> str:
    """A line of text, with `find`'s matches offered as you type (Tab takes the first)."""
    import questionary
    from prompt_toolkit.completion import Completer, Completion

    class Matches(Completer):
        def get_completions(self, document, complete_event):  # type: ignore[no-untyped-def]
            text = document.text_before_cursor
            for value, shown in find(text):
                yield Completion(value, start_position=-len(text), display=shown)

    return questionary.autocomplete(label, choices=[], completer=Matches()).unsafe_ask()
