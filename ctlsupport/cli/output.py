"""Results on stdout (a rich view, or one JSON envelope), people-facing text on stderr."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from typing import Any

from ctlsupport.errors import CtlError
from ctlsupport.secret import SCRUBBER


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class Output:
    """The one place that writes: commands hand it results, errors and notes."""

    def __init__(self, *, json_mode: bool = False, debug: bool = False) -> None:
        self.json_mode = json_mode
        self.debug = debug
        self._stdout = None
        self._stderr = None
        self.wrote_json = False  # --json promises one document: a later error goes to stderr

    @property
    def color(self) -> bool:
        return "NO_COLOR" not in os.environ

    def console(self):
        """A rich console on stdout, created on first use (rich is slow to import)."""
        if self._stdout is None:
            from rich.console import Console

            self._stdout = Console(no_color=not self.color, highlight=False, soft_wrap=False)
        return self._stdout

    def err_console(self):
        if self._stderr is None:
            from rich.console import Console

            self._stderr = Console(stderr=True, no_color=not self.color, highlight=False)
        return self._stderr

    def result(self, data: Any, human: Callable[[], None] | None = None) -> None:
        """Print a command's result: the JSON envelope, or the human view."""
        if self.json_mode:
            self.write_json({"ok": True, "data": data})
        elif human is not None:
            human()

    def done(self, done: Any) -> None:
        """An action's result (`actions.results.Done`): its data, or its lines."""
        self.result(done.data, lambda: sys.stdout.write(done.text))

    def write_json(self, document: dict[str, Any]) -> None:
        text = json.dumps(document, default=_plain, ensure_ascii=False, indent=2)
        self.wrote_json = True
        try:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
        except BrokenPipeError:  # `--json show 1 | true`: the reader has gone
            quiet_stdout()

    def note(self, message: str) -> None:
        """A line for the person at the terminal (stderr), never in the JSON."""
        sys.stderr.write(SCRUBBER.scrub(message) + "\n")

    def warn(self, message: str) -> None:
        self.note(f"ctlsupport: warning: {message}")

    def debug_line(self, message: str) -> None:
        if self.debug:
            sys.stderr.write(f"debug: {SCRUBBER.scrub(message)}\n")

    def error(self, exc: CtlError) -> None:
        """One line (and a hint) on stderr, or the JSON error envelope on stdout."""
        message = SCRUBBER.scrub(exc.message)
        hint = SCRUBBER.scrub(exc.hint) if exc.hint else None
        if self.json_mode and not self.wrote_json:
            error: dict[str, Any] = {"code": exc.code, "message": message, "hint": hint}
            if exc.details is not None:
                error["details"] = json.loads(SCRUBBER.scrub(json.dumps(exc.details)))
            self.write_json({"ok": False, "error": error})
            return
        sys.stderr.write(f"ctlsupport: error: {message}\n")
        if hint:
            sys.stderr.write(f"hint: {hint}\n")


def quiet_stdout() -> None:
    """Point stdout at /dev/null, so the final flush of a closed pipe says nothing."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (tests capture it)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
