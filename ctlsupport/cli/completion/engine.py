"""Answer a shell's completion request without importing Typer.

The shell scripts in completions/ (Typer's, plus a zsh wrapper) run `ctlsupport` with
`_CTLSUPPORT_COMPLETE=complete_<shell>` and the words typed so far. This module reads
those the way Typer does, walks the command table that docgen derives from the Typer
app (cli/completion/table.py), and prints the candidates in the format of Typer's
completion classes for that shell, so the scripts cannot tell the difference.
"""

from __future__ import annotations

import os
import re
import sys

from ctlsupport.cli.completion import table as command_table
from ctlsupport.cli.completion.complete import COMPLETERS, Candidates

COMPLETE_VAR = "_CTLSUPPORT_COMPLETE"
SHELLS = ("bash", "zsh", "fish", "powershell")
_WHITESPACE = re.compile(r"\s")


def split_words(text: str) -> list[str]:
    """Split a command line like a shell, keeping an unfinished quote's word as it is."""
    import shlex

    lex = shlex.shlex(text, posix=True)
    lex.whitespace_split = True
    lex.commenters = ""
    out: list[str] = []
    try:
        out.extend(lex)
    except ValueError:
        out.append(lex.token)
    return out


def request(shell: str, env: dict[str, str]) -> tuple[list[str], str]:
    """(words before the cursor without the program name, the incomplete word)."""
    if shell == "bash":
        words = split_words(env.get("COMP_WORDS", ""))
        cword = int(env.get("COMP_CWORD", "0") or 0)
        incomplete = words[cword] if cword < len(words) else ""
        return words[1:cword], incomplete
    line = env.get("_TYPER_COMPLETE_ARGS", "")
    words = split_words(line)[1:]
    if shell == "powershell":
        incomplete = env.get("_TYPER_COMPLETE_WORD_TO_COMPLETE", "")
        return (words[:-1] if incomplete else words), incomplete
    if words and not line.endswith(" "):
        return words[:-1], words[-1]
    return words, ""


class Position:
    """Where the cursor is in the command tree (a plain class: dataclasses cost a TAB 4 ms)."""

    def __init__(self, path: str = "") -> None:
        self.path = path
        self.used: set[str] = set()  # options given to the current command
        self.positional = 0  # arguments given to the current command
        self.after_dashes = False


def _option(spec: dict, name: str) -> tuple | None:
    for option in spec["options"]:
        if name in option[0]:
            return option
    return None


def locate(args: list[str]) -> Position:
    """Follow the words typed through groups and options to the command being completed."""
    where = Position()
    index = 0
    while index < len(args):
        word = args[index]
        spec = command_table.COMMANDS[where.path]
        index += 1
        if word == "--" and not where.after_dashes:
            where.after_dashes = True
        elif word.startswith("-") and word != "-" and not where.after_dashes:
            option = _option(spec, word.partition("=")[0])
            if option is not None:
                where.used.add(option[0][0])
                if option[1] and "=" not in word:
                    index += 1  # its value
        elif spec["group"] and word in dict(spec["commands"]):
            where = Position(path=f"{where.path} {word}".strip())
        else:
            where.positional += 1
    return where


def _starts_option(word: str) -> bool:
    return bool(word) and not word[0].isalnum()


def candidates(args: list[str], incomplete: str) -> Candidates:
    """What may come next, as Click would resolve it: option names, values, commands."""
    where = locate(args)
    spec = command_table.COMMANDS[where.path]
    if incomplete == "=":
        incomplete = ""
    elif "=" in incomplete and _starts_option(incomplete):
        name, _, incomplete = incomplete.partition("=")
        args = [*args, name]
    if "--" not in args and _starts_option(incomplete):
        return [
            (name, help_)
            for names, _value, multiple, help_, _completer in spec["options"]
            if multiple or names[0] not in where.used
            for name in names
            if name.startswith(incomplete)
        ]
    if args and _starts_option(args[-1]) and "--" not in args:
        option = _option(spec, args[-1])
        if option is not None and option[1]:
            return _run(option[4], args, incomplete)
    arguments = spec["arguments"]
    for position, (_name, nargs, completer) in enumerate(arguments):
        if nargs == -1 or position >= where.positional:
            return _run(completer, args, incomplete)
    if spec["group"]:
        return [(name, help_) for name, help_ in spec["commands"] if name.startswith(incomplete)]
    return []


def _run(completer: str, args: list[str], incomplete: str) -> Candidates:
    func = COMPLETERS.get(completer)
    return func(args, incomplete) if func else []


def _zsh_escape(text: str) -> str:
    return (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )


def render(shell: str, found: Candidates) -> str:
    """The candidates in the text format of Typer's completion class for `shell`."""
    if shell == "bash":
        return "\n".join(value for value, _ in found)
    if shell == "zsh":
        if not found:
            return "_files"
        items = "\n".join(
            f'"{_zsh_escape(v)}":"{_zsh_escape(h)}"' if h else f'"{_zsh_escape(v)}"'
            for v, h in found
        )
        return f"_arguments '*: :(({items}))'"
    if shell == "fish":
        return "\n".join(f"{v}\t{_WHITESPACE.sub(' ', h)}" if h else v for v, h in found)
    return "\n".join(f"{v}:::{h or ' '}" for v, h in found)


def respond(instruction: str, env: dict[str, str] | None = None) -> int:
    """Handle `_CTLSUPPORT_COMPLETE=<instruction>`: print a script, or the candidates."""
    env = dict(os.environ if env is None else env)
    action, _, shell = instruction.partition("_")
    shell = "powershell" if shell == "pwsh" else shell
    if shell not in SHELLS or action not in ("source", "complete"):
        sys.stderr.write(f"ctlsupport: completion: {instruction!r} is not supported\n")
        return 1
    if action == "source":
        from ctlsupport.cli.completion.scripts import script

        sys.stdout.write(script(shell) + "\n")
        return 0
    args, incomplete = request(shell, env)
    try:
        found = candidates(args, incomplete)
    except Exception:  # a broken table or history must not turn a TAB into a traceback
        found = []
    if shell == "fish":
        action = env.get("_TYPER_COMPLETE_FISH_ACTION", "")
        if action == "is-args":
            return 0 if found else 1
    sys.stdout.write(render(shell, found) + "\n")
    return 0
