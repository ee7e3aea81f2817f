"""The light path: answers that need neither Typer nor the command modules.

Every command's own `--help` is printed from texts generated from the Typer app, and
the commands that read only local files (`list --offline`, `outbox list`, `drafts list`,
`config show`) run straight from `cli/local_views.py` and the actions. A command line
is taken here only when every word of it is understood from the generated table of
commands and options; anything else (a typo, a value to check, another command) goes to
Typer, so errors and help are always Typer's own.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

# Command path -> the options it must carry to stay local (list talks to the desk
# unless it is told --offline).
LOCAL = {"list": "--offline", "outbox list": "", "drafts list": "", "config show": ""}
HELP_FLAGS = ("-h", "--help")


@dataclass
class Parsed:
    """A command line as the table understands it."""

    path: str
    root: dict[str, object] = field(default_factory=dict)  # --json, --profile, ...
    options: dict[str, object] = field(default_factory=dict)  # by long option name
    help: bool = False


def _options_by_name(spec: dict) -> dict[str, tuple[str, bool]]:
    """Every spelling of an option -> (its long name, whether it takes a value)."""
    names: dict[str, tuple[str, bool]] = {}
    for spellings, takes_value in spec["options"]:
        long = next((n for n in spellings if n.startswith("--")), spellings[0])
        for name in spellings:
            names[name] = (long, takes_value)
    return names


def parse(argv: list[str]) -> Parsed | None:
    """The command line, or None when any word of it is not plainly understood."""
    from ctlsupport.cli.light_table import COMMANDS

    root_options = _options_by_name(COMMANDS[""])
    path: list[str] = []
    parsed = Parsed(path="")
    words = iter(argv)
    for word in words:
        name, _, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        spec = COMMANDS[" ".join(path)]
        here = _options_by_name(spec)
        if word in HELP_FLAGS:
            parsed.help = True
        elif name in here and name not in HELP_FLAGS:
            long, takes_value = here[name]
            value = inline or (next(words, None) if takes_value else True)
            if value is None or (inline and not takes_value):
                return None
            target = parsed.root if not path else parsed.options
            target[long] = value
        elif name in root_options and path:  # a global flag after the command
            long, takes_value = root_options[name]
            value = inline or (next(words, None) if takes_value else True)
            if value is None or (inline and not takes_value):
                return None
            parsed.root[long] = value
        elif not word.startswith("-") and spec["group"] and word in spec["commands"]:
            path.append(word)
        else:
            return None
    parsed.path = " ".join(path)
    return parsed


def help_text(parsed: Parsed) -> str | None:
    """The generated `--help` of the command, when the terminal is wide enough for it."""
    import shutil

    if not parsed.help or shutil.get_terminal_size().columns < 80:
        return None  # Click wraps narrower terminals: Typer prints those
    from ctlsupport.cli.help_texts import HELP

    return HELP.get(parsed.path)


def _checked(parsed: Parsed) -> bool:
    """Whether the values are ones the light path can take as they are (Typer checks
    and explains the others)."""
    if "--version" in parsed.root:
        return False
    if any(isinstance(v, str) and v.startswith("-") for v in parsed.options.values()):
        return False  # `--status --mine`: Typer says what is wrong
    limit = str(parsed.options.get("--limit", "30"))
    return limit.isdigit() and int(limit) >= 1


def _list(state, options: dict) -> None:
    from ctlsupport.actions.tracking import ListOptions, list_rows
    from ctlsupport.cli.ticket_views import render_rows

    limit = options.get("--limit", "30")
    opts = ListOptions(
        status=options.get("--status"),
        priority=options.get("--priority"),
        customer=options.get("--customer"),
        mine=bool(options.get("--mine")),
        limit=None if options.get("--all") else int(limit),
        sort=str(options.get("--sort", "updated")),
        offline=True,
    )
    render_rows(state, list_rows(opts, state), offline=True)


def _handlers() -> dict[str, Callable]:
    from ctlsupport.cli import local_views

    return {
        "list": _list,
        "outbox list": lambda state, o: local_views.outbox_list(
            state, include_sent=bool(o.get("--sent"))
        ),
        "drafts list": lambda state, o: local_views.drafts_list(state),
        "config show": lambda state, o: local_views.config_show(state),
    }


def run(argv: list[str]) -> int | None:
    """Answer the command line here, or None to hand it to Typer."""
    parsed = parse(argv)
    if parsed is None:
        return None
    if parsed.help:
        if "--version" in parsed.root:
            return None
        text = help_text(parsed)
        if text is None:
            return None
        sys.stdout.write(text)
        return 0
    needed = LOCAL.get(parsed.path)
    if needed is None or (needed and needed not in parsed.options):
        return None
    if not _checked(parsed):
        return None
    return _run_local(parsed, argv)


def _run_local(parsed: Parsed, argv: list[str]) -> int | None:
    from ctlsupport.cli.context import AppState

    root = parsed.root
    state = AppState(
        profile_name=str(root["--profile"]) if "--profile" in root else None,
        sandbox=bool(root.get("--sandbox")),
        json=bool(root.get("--json")),
        no_input=bool(root.get("--no-input")),
        debug=bool(root.get("--debug")),
    )
    try:
        _handlers()[parsed.path](state, parsed.options)
    except (Exception, KeyboardInterrupt):
        from ctlsupport.cli.app import fail  # the error boundary (Typer loads only now)

        return fail(argv, state)
    finally:
        state.close()
    return 0
