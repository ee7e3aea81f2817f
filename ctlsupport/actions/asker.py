"""How an action asks a person: the `Asker` protocol, and the asker for runs without one.

In a terminal, `ctlsupport.cli.prompts.TerminalAsker` answers; under `--no-input` (or with
no terminal), `NoAsker` refuses every question and names the flag that gives the answer.
Tests give a scripted asker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ctlsupport.errors import MissingFields

Validator = Callable[[str], str]
Choices = Sequence[str | tuple[str, str]]


@dataclass
class PreviewRow:
    """One line of a preview: a label and the value shown (never markup)."""

    label: str
    value: str


class TypedSoFar(KeyboardInterrupt):
    """Ctrl-C in a long answer, with what was typed before it (kept as a draft)."""

    def __init__(self, typed: str) -> None:
        super().__init__()
        self.typed = typed


class Asker(Protocol):
    """Questions to a person. Every method re-asks until `check` accepts the answer and
    returns the checked value; Ctrl-C raises KeyboardInterrupt."""

    interactive: bool

    def say(self, text: str) -> None: ...
    def text(
        self, label: str, *, default: str = "", check: Validator | None = None, help: str = ""
    ) -> str: ...
    def optional(self, label: str, *, check: Validator, help: str = "") -> str: ...
    def secret(self, label: str, *, check: Validator | None = None) -> str: ...
    def select(self, label: str, choices: Choices, default: str) -> str: ...
    def autocomplete(
        self, label: str, choices: Sequence[str], *, default: str, check: Validator
    ) -> str: ...
    def confirm(self, label: str, *, default: bool = False) -> bool: ...
    def multiline(self, label: str, *, check: Validator, keep_typed: bool = False) -> str: ...
    def show_matrix(self, tier: str) -> None: ...
    def preview(self, title: str, rows: list[PreviewRow], notes: list[tuple[str, str]]) -> None: ...


class NoAsker:
    """The asker of a run without a person: every question is refused, naming the flag."""

    interactive = False

    def __init__(self, flags: dict[str, str] | None = None) -> None:
        self.flags = flags or {}  # question label -> the flag that answers it

    def _refuse(self, label: str) -> MissingFields:
        flag = self.flags.get(label)
        wanted = flag or label
        return MissingFields(
            f"missing required input: {wanted}",
            hint="Pass it as a flag, or run in a terminal without --no-input.",
            details={"missing": [wanted]},
        )

    def say(self, text: str) -> None:  # nobody to tell; results and notes go elsewhere
        pass

    def text(self, label: str, **_: object) -> str:
        raise self._refuse(label)

    optional = secret = multiline = text

    def select(self, label: str, choices: Choices, default: str) -> str:
        raise self._refuse(label)

    def autocomplete(self, label: str, choices: Sequence[str], **_: object) -> str:
        raise self._refuse(label)

    def confirm(self, label: str, *, default: bool = False) -> bool:
        raise self._refuse(label)

    def show_matrix(self, tier: str) -> None:
        pass

    def preview(self, title: str, rows: list[PreviewRow], notes: list[tuple[str, str]]) -> None:
        pass
