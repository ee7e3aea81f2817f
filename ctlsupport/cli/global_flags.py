"""Global flags may come after the subcommand (`ctlsupport list --json`), as in `gh`.

Click only accepts an option on the command that declares it, so before parsing, a
global flag found after the subcommand is moved to the front, unless that subcommand
declares an option of the same name itself (`config import --profile NAME`).
"""

from __future__ import annotations

from typing import Any

# Root options that are never moved: they act on their own, before any subcommand.
NOT_GLOBAL = frozenset({"--version", "-h", "--help"})


def hoist(argv: list[str], root: Any) -> list[str]:
    """argv with the global flags given after the subcommand moved before it."""
    # The root's options: those that take a value, and plain flags.
    with_value = _value_options(root) - NOT_GLOBAL
    flags = _option_names(root) - with_value - NOT_GLOBAL
    index = 0
    command = root
    # Walk the root's own options and the chain of groups down to the leaf command.
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            return argv
        if arg.startswith("-"):
            index += 2 if arg in with_value and command is root else 1
            continue
        sub = getattr(command, "commands", {}).get(arg)
        if sub is None:
            break
        command, index = sub, index + 1
        if not getattr(command, "commands", None):
            break
    if command is root:
        return argv
    own = _option_names(command)
    takes_value = _value_options(command)
    kept, moved = argv[:index], []
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            kept.extend(argv[index:])
            break
        if arg not in own and arg in flags:
            moved.append(arg)
        elif arg not in own and arg in with_value and index + 1 < len(argv):
            moved.extend(argv[index : index + 2])
            index += 1
        elif arg in takes_value and index + 1 < len(argv):
            kept.extend(argv[index : index + 2])  # its value is never a global flag
            index += 1
        else:
            kept.append(arg)
        index += 1
    return moved + kept


def _option_names(command: Any) -> set[str]:
    return {name for param in command.params for name in getattr(param, "opts", ())}


def _value_options(command: Any) -> set[str]:
    return {
        name
        for param in command.params
        if not getattr(param, "is_flag", True) and param.param_type_name == "option"
        for name in param.opts
    }
