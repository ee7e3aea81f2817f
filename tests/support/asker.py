"""A scripted asker: the actions' questions answered from a list, with no terminal."""

from __future__ import annotations

from collections.abc import Sequence

from ctlsupport.actions.session import Session


class ScriptedAsker:
    """Answers each question with the next answer whose key starts the question's label;
    `asked` records every label, `said` every line shown. A question with no answer left
    fails the test, naming the question."""

    interactive = True

    def __init__(self, answers: Sequence[tuple[str, object]]) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []
        self.said: list[str] = []
        self.previews: list[tuple[str, dict[str, str]]] = []
        self.notes: list[list[tuple[str, str]]] = []  # each preview's notes (style, text)
        self.matrices: list[str] = []

    def _answer(self, label: str, check=None, default: object = None):
        self.asked.append(label)
        for index, (key, value) in enumerate(self.answers):
            if label.startswith(key):
                del self.answers[index]
                if isinstance(value, BaseException):
                    raise value
                return check(value) if check and isinstance(value, str) else value
        if default is not None:
            return default
        raise AssertionError(f"unexpected question: {label!r}")

    def say(self, text: str) -> None:
        self.said.append(text)

    def text(
        self, label: str, *, default: str = "", check=None, help: str = "", edit: bool = False
    ) -> str:
        return self._answer(label, check, default or None)

    def optional(self, label: str, *, check, help: str = "") -> str:
        return self._answer(label, lambda v: check(v) if v else "", "")

    def secret(self, label: str, *, check=None) -> str:
        return self._answer(label, check)

    def select(self, label: str, choices, default: str) -> str:
        return self._answer(label, None, default)

    def autocomplete(self, label: str, choices, *, default: str, check) -> str:
        return self._answer(label, check, default or None)

    def confirm(self, label: str, *, default: bool = False) -> bool:
        return bool(self._answer(label, None, default))

    def multiline(self, label: str, *, check, keep_typed: bool = False, default: str = "") -> str:
        return self._answer(label, check)

    def checkbox(self, label: str, choices) -> list[str]:
        return list(self._answer(label, None, []))

    def search(self, label: str, find) -> str:
        return self._answer(label)

    def show_matrix(self, tier: str, *, whole: bool = False) -> None:
        self.matrices.append(f"{tier} (whole)" if whole else tier)

    def preview(self, title: str, rows, notes) -> None:
        self.previews.append((title, {row.label: row.value for row in rows}))
        self.notes.append(list(notes))


class AskingSession(Session):
    """A session on the embedded desk whose questions go to a scripted asker."""

    def __init__(self, ask, **kwargs) -> None:
        super().__init__(sandbox=True, **kwargs)
        self.ask = ask

    def asker(self):
        return self.ask
