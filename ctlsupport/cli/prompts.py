"""Prompts on the user's terminal (questionary), never on a pipe.

When stdin is a pipe (error output coming in), prompts read from and write to
/dev/tty so the pipe stays data. Without a terminal there are no prompts at all.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import Any

from ctlsupport.errors import Cancelled, CtlError

Validator = Callable[[str], str]


def _terminal() -> tuple[Any, Any] | None:
    """Input and output streams of the controlling terminal, or None."""
    if sys.stdin.isatty() and sys.stderr.isatty():
        return sys.stdin, sys.stderr
    try:
        tty_in = open("/dev/tty")  # noqa: SIM115 - kept open for the prompts' lifetime
        tty_out = open("/dev/tty", "w")  # noqa: SIM115
    except OSError:  # errno 6 (ENXIO): no controlling terminal
        return None
    return tty_in, tty_out


def interactive(no_input: bool) -> bool:
    """Whether prompting is allowed: a terminal is there and nobody said --no-input."""
    if no_input or os.environ.get("CTLSUPPORT_NO_INPUT"):
        return False
    streams = _terminal()
    if streams is None:
        return False
    for stream in streams:
        if stream not in (sys.stdin, sys.stderr):
            stream.close()
    return True


class Prompter:
    """questionary prompts bound to the terminal; Ctrl-C raises KeyboardInterrupt."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self.tty_out: Any = sys.stderr

    def __enter__(self) -> Prompter:
        from prompt_toolkit.application import create_app_session
        from prompt_toolkit.input import create_input
        from prompt_toolkit.output import create_output

        streams = _terminal()
        if streams is None:
            raise Cancelled("no terminal to prompt on", hint="Pass every field as a flag.")
        tty_in, tty_out = streams
        for stream in (tty_in, tty_out):
            if stream not in (sys.stdin, sys.stderr):
                self._stack.callback(stream.close)
        self.tty_out = tty_out
        session = create_app_session(input=create_input(tty_in), output=create_output(tty_out))
        self._stack.enter_context(session)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def console(self):
        """A rich console writing to the prompt terminal."""
        from rich.console import Console

        return Console(file=self.tty_out, no_color="NO_COLOR" in os.environ, highlight=False)

    def say(self, text: str) -> None:
        self.tty_out.write(text + "\n")
        self.tty_out.flush()

    @staticmethod
    def validator(check: Validator | None) -> Callable[[str], bool | str] | None:
        if check is None:
            return None

        def run(value: str) -> bool | str:
            try:
                check(value)
            except (ValueError, CtlError) as exc:
                return str(exc)  # a CtlError's str() is its message
            return True

        return run

    def text(
        self, label: str, *, default: str = "", check: Validator | None = None, help: str = ""
    ) -> str:
        import questionary

        answer = questionary.text(
            label, default=default, validate=self.validator(check), instruction=help or None
        ).unsafe_ask()
        return check(answer) if check else answer

    def optional(self, label: str, *, check: Validator, help: str = "") -> str:
        """A field that may stay empty."""

        def allow_empty(value: str) -> str:
            return check(value) if value.strip() else ""

        return self.text(label, check=allow_empty, help=help or "(Enter to skip)")

    def secret(self, label: str, *, check: Validator | None = None) -> str:
        import questionary

        answer = questionary.password(label, validate=self.validator(check)).unsafe_ask()
        return check(answer) if check else answer

    def select(self, label: str, choices: Sequence[str | tuple[str, str]], default: str) -> str:
        import questionary

        items = [
            questionary.Choice(title=c[1], value=c[0])
            if isinstance(c, tuple)
            else questionary.Choice(c, value=c)
            for c in choices
        ]
        return questionary.select(label, choices=items, default=default).unsafe_ask()

    def autocomplete(
        self, label: str, choices: Sequence[str], *, default: str, check: Validator
    ) -> str:
        import questionary

        answer = questionary.autocomplete(
            label,
            choices=list(choices),
            default=default,
            validate=self.validator(check),
            ignore_case=True,
        ).unsafe_ask()
        return check(answer)

    def confirm(self, label: str, *, default: bool = False) -> bool:
        import questionary

        return bool(questionary.confirm(label, default=default).unsafe_ask())

    def multiline(self, label: str, *, check: Validator, keep_typed: bool = False) -> str:
        """Long text: $EDITOR when set and usable, else a multi-line prompt.

        `keep_typed`: Ctrl-C raises TypedSoFar with what was typed (kept as a draft)."""
        import questionary

        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        template = f"\n# {label}. Lines starting with # are ignored.\n"
        while editor and sys.stdin.isatty():
            text = _edit(editor, template)
            if text is None:  # the editor cannot be started: the prompt instead
                break
            text = "\n".join(ln for ln in text.splitlines() if not ln.startswith("#"))
            try:
                return check(text)
            except (ValueError, CtlError) as exc:
                self.say(f"  {exc}")
                if not self.confirm("Edit again?", default=True):
                    raise Cancelled("cancelled; nothing was sent") from None
        question = questionary.text(
            label,
            multiline=True,
            validate=self.validator(check),
            instruction="(finish with Esc then Enter; Ctrl-C keeps a draft)"
            if keep_typed
            else "(paste or type; finish with Esc then Enter)",
        )
        try:
            answer = question.unsafe_ask()
        except KeyboardInterrupt:
            if not keep_typed:
                raise
            from ctlsupport.actions.asker import TypedSoFar

            raise TypedSoFar(question.application.current_buffer.text) from None
        return check(answer)


def _edit(editor: str, text: str) -> str | None:
    """`text` in the user's editor (Typer has no `edit`): what the file holds when the
    editor exits, or None when the editor cannot be started. The file lives in a
    private temporary folder and is gone afterwards."""
    import shlex
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="ctlsupport-") as folder:
        path = Path(folder) / "text.txt"
        path.write_text(text, encoding="utf-8")
        try:
            subprocess.run([*shlex.split(editor), str(path)], check=False)
        except (OSError, ValueError):  # not found, not executable, unbalanced quotes
            return None
        return path.read_text(encoding="utf-8", errors="replace")


class TerminalAsker:
    """The actions' `Asker` on the user's terminal: one prompt session, opened at the
    first question and kept until the run ends."""

    interactive = True

    def __init__(self) -> None:
        self._prompter: Prompter | None = None

    @property
    def prompter(self) -> Prompter:
        if self._prompter is None:
            self._prompter = Prompter().__enter__()
        return self._prompter

    def close(self) -> None:
        if self._prompter is not None:
            self._prompter.__exit__(None, None, None)
            self._prompter = None

    def say(self, text: str) -> None:
        self.prompter.say(text)

    def text(self, label: str, **kwargs: Any) -> str:
        return self.prompter.text(label, **kwargs)

    def optional(self, label: str, **kwargs: Any) -> str:
        return self.prompter.optional(label, **kwargs)

    def secret(self, label: str, **kwargs: Any) -> str:
        return self.prompter.secret(label, **kwargs)

    def select(self, label: str, choices: Sequence[str | tuple[str, str]], default: str) -> str:
        return self.prompter.select(label, choices, default)

    def autocomplete(self, label: str, choices: Sequence[str], **kwargs: Any) -> str:
        return self.prompter.autocomplete(label, choices, **kwargs)

    def confirm(self, label: str, *, default: bool = False) -> bool:
        return self.prompter.confirm(label, default=default)

    def multiline(self, label: str, *, check: Validator, keep_typed: bool = False) -> str:
        return self.prompter.multiline(label, check=check, keep_typed=keep_typed)

    def show_matrix(self, tier: str) -> None:
        from ctlsupport.cli.matrix_view import table

        self.prompter.console().print(table(tier))

    def preview(self, title: str, rows: list, notes: list[tuple[str, str]]) -> None:
        from rich.panel import Panel
        from rich.table import Table
        from rich.text import Text

        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for row in rows:
            table.add_row(row.label, Text(row.value))  # Text: user input is never markup
        console = self.prompter.console()
        console.print(Panel(table, title=title, expand=False))
        for style, note in notes:
            console.print(Text(note, style=style))


def asker(no_input: bool):
    """The asker for this run: the terminal's, or one that refuses and names the flag."""
    if interactive(no_input):
        return TerminalAsker()
    from ctlsupport.actions.asker import NoAsker

    return NoAsker()
