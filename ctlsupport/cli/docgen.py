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


def outputs() -> dict[Path, str]:
    """Every generated file and what it must contain."""
    reference = ROOT / "docs" / "reference"
    return {
        reference / "commands.md": commands_markdown(),
        reference / "exit-codes.md": exit_codes_markdown(),
    }


def main() -> int:
    for path, text in outputs().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        sys.stdout.write(f"wrote {path.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
