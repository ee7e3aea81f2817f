"""Accessible prompts: plain lines, one question after another, for screen readers.

No cursor movement, no redrawn lists, no colour, no spinner: a question is printed
once, the answer is one line typed after it (a choice by its number), and a mistake is
said on its own line before the question is asked again. `--accessible` or
CTLSUPPORT_ACCESSIBLE=1 turn it on, as GitHub's CLI does for its prompts."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from ctlsupport.errors import Cancelled, CtlError

Validator = Callable[[str], str]
END_OF_TEXT = "."  # the line that ends a multi-line answer


def wanted(flag: bool) -> bool:
    """Whether this run asks in the accessible way."""
    value = os.environ.get("CTLSUPPORT_ACCESSIBLE", "").strip().lower()
    return flag or value not in ("", "0", "false", "no")


class PlainAsker:
    """The actions' `Asker`, line by line on the terminal."""

    interactive = True

    def __init__(self, streams: tuple[Any, Any] | None) -> None:
        """`streams`: the terminal's input and output (see prompts._terminal)."""
        if streams is None:
            raise Cancelled("no terminal to prompt on", hint="Pass every field as a flag.")
        self.tty_in, self.tty_out = streams

    def close(self) -> None:
        import sys

        for stream in (self.tty_in, self.tty_out):
            if stream not in (sys.stdin, sys.stderr):
                stream.close()

    def say(self, text: str) -> None:
        self.tty_out.write(text + "\n")
        self.tty_out.flush()

    def _line(self, prompt: str) -> str:
        self.tty_out.write(prompt)
        self.tty_out.flush()
        line = self.tty_in.readline()
        if not line:  # Ctrl-D, or the terminal went away
            raise EOFError
        return line.rstrip("\r\n")

    def _checked(self, prompt: str, check: Validator | None, empty: str = "") -> str:
        while True:
            answer = self._line(prompt) or empty
            try:
                return check(answer) if check else answer
            except (ValueError, CtlError) as exc:
                self.say(f"Not accepted: {exc}")

    def text(
        self,
        label: str,
        *,
        default: str = "",
        check: Validator | None = None,
        help: str = "",
        edit: bool = False,
    ) -> str:
        if default:
            self.say(f"{label}. Now: {default}. Press Enter to keep it, or type a new value.")
        elif help:
            self.say(f"{label} {help}")
        return self._checked(f"{label}: ", check, default)

    def optional(self, label: str, *, check: Validator, help: str = "") -> str:
        def allow_empty(value: str) -> str:
            return check(value) if value.strip() else ""

        return self.text(label, check=allow_empty, help=help or "(Enter to skip)")

    def secret(self, label: str, *, check: Validator | None = None) -> str:
        import getpass

        while True:
            answer = getpass.getpass(f"{label} (not shown as you type): ", stream=self.tty_out)
            try:
                return check(answer) if check else answer
            except (ValueError, CtlError) as exc:
                self.say(f"Not accepted: {exc}")

    def select(self, label: str, choices: Sequence[str | tuple[str, str]], default: str) -> str:
        items = [c if isinstance(c, tuple) else (c, c) for c in choices]
        values = [value for value, _ in items]
        start = values.index(default) + 1 if default in values else 1
        self.say(f"{label}")
        for number, (_, title) in enumerate(items, 1):
            self.say(f"  {number}. {' '.join(title.split())}")

        def pick(answer: str) -> str:
            if not answer.strip().isdigit() or not 1 <= int(answer) <= len(items):
                raise ValueError(f"enter a number from 1 to {len(items)}")
            return values[int(answer) - 1]

        prompt = f"Number, 1 to {len(items)} (Enter for {start}): "
        return self._checked(prompt, pick, str(start))

    def autocomplete(
        self, label: str, choices: Sequence[str], *, default: str, check: Validator
    ) -> str:
        return self.text(label, default=default, check=check)

    def confirm(self, label: str, *, default: bool = False) -> bool:
        def yes_no(answer: str) -> str:
            word = answer.strip().lower()
            if word not in ("y", "yes", "n", "no"):
                raise ValueError("answer yes or no")
            return word[0]

        hint = "yes or no, Enter for " + ("yes" if default else "no")
        return self._checked(f"{label} ({hint}): ", yes_no, "y" if default else "n") == "y"

    def multiline(
        self, label: str, *, check: Validator, keep_typed: bool = False, default: str = ""
    ) -> str:
        self.say(f"{label}: type or paste the text, then a line with only a dot to end it.")
        if default:
            self.say("Now: (a line with only a dot right away keeps it)")
            self.say(default)
        while True:
            lines: list[str] = []
            try:
                while (line := self._line("")) != END_OF_TEXT:
                    lines.append(line)
            except EOFError:
                pass  # Ctrl-D ends the text too
            except KeyboardInterrupt:
                if not keep_typed:
                    raise
                from ctlsupport.actions.asker import TypedSoFar

                raise TypedSoFar("\n".join(lines)) from None
            text = "\n".join(lines) if lines else default
            try:
                return check(text)
            except (ValueError, CtlError) as exc:
                self.say(f"Not accepted: {exc}. Type it again.")

    def checkbox(self, label: str, choices: Sequence[tuple[str, str]]) -> list[str]:
        """Numbered items; the numbers of those ticked, on one line."""
        self.say(label)
        for number, (_, title) in enumerate(choices, 1):
            self.say(f"  {number}. {' '.join(title.split())}")

        def numbers(answer: str) -> str:
            for word in answer.replace(",", " ").split():
                if not word.isdigit() or not 1 <= int(word) <= len(choices):
                    raise ValueError(f"enter numbers from 1 to {len(choices)}, or nothing")
            return answer

        answer = self._checked("Numbers of those that apply, with spaces (Enter for none): ",
                               numbers)  # fmt: skip
        picked = {int(word) for word in answer.replace(",", " ").split()}
        return [value for number, (value, _) in enumerate(choices, 1) if number in picked]

    def search(self, label: str, find: Any) -> str:
        """A line of text; then its matches, numbered, to take one of them instead."""
        typed = self._checked(f"{label}: ", None)
        matches = find(typed)[:9]
        if not matches:
            return typed
        for number, (_, shown) in enumerate(matches, 1):
            self.say(f"  {number}. {shown}")

        def pick(answer: str) -> str:
            if answer and not (answer.isdigit() and 1 <= int(answer) <= len(matches)):
                raise ValueError(f"enter a number from 1 to {len(matches)}, or nothing")
            return answer

        answer = self._checked("Number of a match (Enter keeps what you typed): ", pick)
        return matches[int(answer) - 1][0] if answer else typed

    def show_matrix(self, tier: str, *, whole: bool = False) -> None:
        from ctlsupport.core import priority

        self.say(f"Priority matrix, {tier} tier:")
        for row in priority.matrix_rows(tier):
            times = (
                f"first response {row['first_response'] or 'none'}, "
                f"updates {row['updates'] or 'none'}, restoration {row['restoration'] or 'none'}"
            )
            self.say(f"  {row['priority']}: {times}.")
            if whole:
                for criterion in row["criteria"]:
                    self.say(f"    - {criterion}")

    def preview(self, title: str, rows: list[Any], notes: list[tuple[str, str]]) -> None:
        self.say(title)
        for row in rows:
            self.say(f"  {row.label}: {row.value}")
        for _, note in notes:
            self.say(note)
