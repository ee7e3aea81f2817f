"""Generate docs/reference/ from the CLI itself: `python -m ctlsupport.cli.docgen`."""

from __future__ import annotations

import sys
from pathlib import Path

from ctlsupport.exitcodes import DESCRIPTIONS

ROOT = Path(__file__).resolve().parents[2]


def _commands():
    import typer

    from ctlsupport.cli.app import app

    return typer.main.get_command(app)


def _walk(command, path: list[str]):
    yield path, command
    for name in getattr(command, "list_commands", lambda ctx: [])(None):
        yield from _walk(command.get_command(None, name), [*path, name])


def _option_row(param) -> str:
    names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
    help_text = (getattr(param, "help", None) or "").replace("|", "\\|").replace("\n", " ")
    if param.param_type_name == "argument":
        names = f"`{param.human_readable_name.upper()}`"
        help_text = help_text or "(argument)"
    extras = []
    if param.required:
        extras.append("required")
    suffix = f" ({', '.join(extras)})" if extras else ""
    return f"| {names} | {help_text}{suffix} |"


def commands_markdown() -> str:
    """The command reference, one section per command, from the Typer app."""
    lines = [
        "# Command reference",
        "",
        "Generated from the CLI by `python -m ctlsupport.cli.docgen`; do not edit by hand.",
        "",
    ]
    for path, command in _walk(_commands(), ["ctlsupport"]):
        title = " ".join(path)
        lines += [f"## `{title}`", "", (command.help or "").strip().split("\n")[0], ""]
        usage = " ".join([*path, "[OPTIONS]"])
        if hasattr(command, "list_commands"):
            usage += " COMMAND [ARGS]..."
        else:
            for param in command.params:
                if param.param_type_name == "argument":
                    usage += f" {param.human_readable_name.upper()}"
        lines += ["```text", usage, "```", ""]
        params = [p for p in command.params if not getattr(p, "hidden", False)]
        if params:
            lines += ["| option | meaning |", "|---|---|"]
            lines += [_option_row(p) for p in params]
            lines.append("")
        if command.epilog:
            lines += ["```text", *command.epilog.strip().split("\n"), "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def exit_codes_markdown() -> str:
    lines = [
        "# Exit codes",
        "",
        "Generated from `ctlsupport/exitcodes.py`; do not edit by hand. Scripts can rely",
        "on these numbers. With `--json`, the error's `code` names the kind of failure.",
        "",
        "| code | name | meaning |",
        "|---|---|---|",
    ]
    for code, text in DESCRIPTIONS.items():
        lines.append(f"| {int(code)} | `{code.name}` | {text} |")
    return "\n".join(lines) + "\n"


def _completer(param, ctx) -> str:
    """The name of the completer attached to a parameter (it answers complete.PROBE)."""
    from ctlsupport.cli.completion.complete import PROBE

    for item in param.shell_complete(ctx, PROBE):
        if isinstance(item.value, str) and item.value.startswith(PROBE):
            return item.value[len(PROBE) :]
    return ""


def _table(command, path: list[str], parent=None) -> dict[str, dict]:
    """One entry per command path ("" for the root), its subcommands after it."""
    import typer

    ctx = typer.Context(
        command, parent=parent, info_name=path[-1] if path else "ctlsupport",
        resilient_parsing=True, **(command.context_settings or {}),
    )  # fmt: skip
    table = {" ".join(path): _table_entry(command, ctx)}
    for name, _help in table[" ".join(path)]["commands"]:
        table.update(_table(command.get_command(ctx, name), [*path, name], ctx))
    return table


def _table_entry(command, ctx) -> dict:
    options, arguments = [], []
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        if param.param_type_name == "argument":
            arguments.append((param.name, param.nargs, _completer(param, ctx)))
            continue
        takes_value = not (param.is_flag or param.count)
        help_text = " ".join((param.help or "").split())
        # Sorted: Click builds the help option's names from a set (hash-seed order).
        names = tuple(sorted((*param.opts, *param.secondary_opts), key=lambda n: (len(n), n)))
        completer = _completer(param, ctx) if takes_value else ""
        options.append((names, takes_value, bool(param.multiple), help_text, completer))
    group = hasattr(command, "list_commands")
    commands = []
    if group:
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if not getattr(sub, "hidden", False):
                commands.append((name, sub.get_short_help_str()))
    return {"group": group, "commands": commands, "options": options, "arguments": arguments}


def command_table_module() -> str:
    """cli/completion/table.py: commands, options and completers, for the TAB fast path."""
    import pprint
    from dataclasses import fields

    from ctlsupport.config.settings import Profile
    from ctlsupport.core.mailroutes import ROUTE_NAMES

    table = _table(_commands(), [])
    # What `config set` takes (a TAB must not import the settings to learn it).
    setting_keys = [f.name for f in fields(Profile) if f.name not in ("name", "routes")]
    setting_keys += [f"routes.{name}" for name in ROUTE_NAMES]
    root_flags = sorted(
        name for names, takes_value, *_ in table[""]["options"] if not takes_value
        for name in names if name not in ("-h", "--help")
    )  # fmt: skip
    return (
        '"""Commands, options and completers of the CLI, for TAB completion without Typer.\n\n'
        "Generated from the Typer app by `python -m ctlsupport.cli.docgen`; do not edit.\n"
        '"""\n\n'
        "# ruff: noqa: E501, RUF100 - generated data: help texts stay whole\n"
        "# fmt: off\n"
        f"ROOT_FLAGS = frozenset({pprint.pformat(root_flags, width=100)})\n\n"
        f"COMMANDS = {pprint.pformat(table, width=100, sort_dicts=False)}\n\n"
        f"SETTING_KEYS = {pprint.pformat(tuple(setting_keys), width=100)}\n\n"
        "# `ctlsupport --help` at 80 columns or more, for the fast path in entry.py\n"
        f"ROOT_HELP = {root_help()!r}\n"
        "# fmt: on\n"
    )


def root_help() -> str:
    """What `ctlsupport --help` prints on a terminal at least 80 columns wide."""
    return command_help([])


def command_help(path: list[str]) -> str:
    """What `ctlsupport PATH --help` prints on a terminal at least 80 columns wide."""
    import contextlib
    import io
    import os

    from ctlsupport.cli.app import main

    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"  # Click wraps at min(width, 80): one text for >= 80
    try:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            main([*path, "--help"])
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    return buffer.getvalue()


def help_texts_module() -> str:
    """cli/help_texts.py: every command's `--help` at 80 columns, for the light path."""
    import pprint

    texts = {path: command_help(path.split()) for path in _table(_commands(), [])}
    return (
        '"""The `--help` of every command, as Typer prints it at 80 columns or more.\n\n'
        "Generated from the Typer app by `python -m ctlsupport.cli.docgen`; do not edit.\n"
        '"""\n\n'
        "# ruff: noqa: E501, RUF100 - generated data: help texts stay whole\n"
        "# fmt: off\n"
        f"HELP = {pprint.pformat(texts, width=100, sort_dicts=False)}\n"
        "# fmt: on\n"
    )


def light_table_module() -> str:
    """cli/light_table.py: each command's words and options, no help texts: the light
    path reads it on every run, so it stays small."""
    import pprint

    table = {
        path: {
            "group": spec["group"],
            "commands": [name for name, _ in spec["commands"]],
            "options": [(names, takes_value) for names, takes_value, *_ in spec["options"]],
        }
        for path, spec in _table(_commands(), []).items()
    }
    return (
        '"""Each command\'s words and options, for the light path of cli/entry.py.\n\n'
        "Generated from the Typer app by `python -m ctlsupport.cli.docgen`; do not edit.\n"
        '"""\n\n'
        "# ruff: noqa: E501, RUF100 - generated data\n"
        "# fmt: off\n"
        f"COMMANDS = {pprint.pformat(table, width=100, sort_dicts=False)}\n"
        "# fmt: on\n"
    )


def completion_files() -> dict[Path, str]:
    """completions/<script> for each shell, as `ctlsupport completion SHELL` prints it."""
    from ctlsupport.cli.completion.scripts import FILES, script

    return {ROOT / "completions" / name: script(shell) + "\n" for shell, name in FILES.items()}


def outputs() -> dict[Path, str]:
    """Every generated file and what it must contain."""
    reference = ROOT / "docs" / "reference"
    return {
        reference / "commands.md": commands_markdown(),
        reference / "exit-codes.md": exit_codes_markdown(),
        ROOT / "ctlsupport" / "cli" / "completion" / "table.py": command_table_module(),
        ROOT / "ctlsupport" / "cli" / "help_texts.py": help_texts_module(),
        ROOT / "ctlsupport" / "cli" / "light_table.py": light_table_module(),
        **completion_files(),
    }


def main() -> int:
    for path, text in outputs().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        sys.stdout.write(f"wrote {path.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
