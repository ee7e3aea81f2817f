"""One style for every help text: UPPERCASE placeholders (TEXT, N, FILE, REQUEST_ID),
examples printed as written (long ones broken with a `\\` at an option, never wrapped in
the middle of a command), and type names a person knows in errors ("a number").

Applied to the command tree once it is built, for the run and for the generated help."""

from __future__ import annotations

import re
from typing import Any

WIDTH = 76  # an example line, with its indent, fits an 80-column terminal
COMMENT = re.compile(r"^(?P<cmd>.*?\S)\s{2,}\((?P<note>[^()]*)\)$", re.S)


def apply(command: Any) -> Any:
    """Tidy a click command and all its subcommands in place; the command."""
    for param in getattr(command, "params", []):
        _placeholder(param)
    if getattr(command, "epilog", None):
        command.epilog = examples(command.epilog)
    for name in getattr(command, "commands", {}) or {}:
        apply(command.commands[name])
    return command


NUMBERS = ("IntRange", "FloatRange", "IntParamType", "FloatParamType")


def _placeholder(param: Any) -> None:
    kind = param.type
    kind_name = type(kind).__name__  # by name: the click inside Typer is its own copy
    if kind_name in NUMBERS:
        kind.name = "number"  # "'x' is not a valid number", not "... int range"
    if param.param_type_name == "argument":
        name = (param.metavar or param.name or "").strip("[]{}").upper()
        many = "..." if param.nargs != 1 else ""
        shown = f"{name}{many}" if param.required else f"[{name}{many}]"
        param.make_metavar = lambda *args, **kwargs: shown
        return
    if param.metavar is not None or getattr(param, "is_flag", False):
        return
    if kind_name in NUMBERS:
        param.metavar = "N"
    elif "Path" in kind_name:
        param.metavar = "FILE"
    elif "Choice" in kind_name:
        param.metavar = "[" + "|".join(str(c) for c in kind.choices) + "]"
    else:
        param.metavar = "TEXT"


def examples(epilog: str) -> str:
    """The epilog with each example (an indented paragraph) kept as written: click
    leaves a paragraph alone when it starts with a \\b line."""
    out = []
    for paragraph in epilog.split("\n\n"):
        if paragraph.startswith("  ") and not paragraph.startswith("\b"):
            paragraph = "\b\n" + "\n".join(_lines(paragraph.strip()))
        out.append(paragraph)
    return "\n\n".join(out)


def _lines(example: str) -> list[str]:
    """One example as lines of at most WIDTH: a trailing (note) goes above it as a
    comment; a long command breaks before a word, with a `\\`, outside quotes."""
    lines = []
    found = COMMENT.match(example)
    if found and len(example) + 2 > WIDTH:
        lines.append(f"  # {found.group('note')}")
        example = found.group("cmd")
    words = _chunks(_words(example))
    current = "  " + words[0]
    for word in words[1:]:
        if len(current) + 1 + len(word) + 2 > WIDTH:
            lines.append(current + " \\")
            current = "      " + word
        else:
            current += " " + word
    lines.append(current)
    return lines


def _chunks(words: list[str]) -> list[str]:
    """Words grouped so that an option stays with its value (a break goes before an
    option or a pipe, when it can)."""
    chunks: list[str] = []
    for word in words:
        after_option = chunks and chunks[-1].startswith("-") and " " not in chunks[-1]
        if after_option and not word.startswith("-") and word != "|":
            chunks[-1] += " " + word
            continue
        chunks.append(word)
    return chunks


def _words(text: str) -> list[str]:
    """Split at spaces outside quotes (a quoted value stays one word)."""
    words, current, quote = [], "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == " ":
            if current:
                words.append(current)
            current = ""
            continue
        current += char
    if current:
        words.append(current)
    return words
