"""`ctlsupport completion SHELL`: print the TAB-completion script for a shell."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ctlsupport.cli.completion import complete

HELP = "Print the TAB-completion script for bash, zsh, fish or powershell."
EPILOG = (
    "Nothing is installed and no rc file is changed; add one line yourself:\n\n"
    "  bash:       echo 'eval \"$(ctlsupport completion bash)\"' >> ~/.bashrc\n\n"
    "  zsh:        ctlsupport completion zsh > ~/.zfunc/_ctlsupport  "
    "(with fpath+=~/.zfunc before compinit)\n\n"
    "  fish:       ctlsupport completion fish > ~/.config/fish/completions/ctlsupport.fish\n\n"
    "  powershell: ctlsupport completion powershell >> $PROFILE\n\n"
    "See docs/completion.md."
)


def completion(
    shell: Annotated[
        str,
        typer.Argument(
            help="bash, zsh, fish or powershell.", metavar="SHELL", autocompletion=complete.shells
        ),
    ],
) -> None:
    from ctlsupport.cli.completion.scripts import SCRIPTS, script

    name = "powershell" if shell.lower() == "pwsh" else shell.lower()
    if name not in SCRIPTS:
        from ctlsupport.errors import UsageError

        raise UsageError(
            f"no completion script for {shell!r}",
            hint=f"Choose one of: {', '.join(SCRIPTS)}.",
        )
    sys.stdout.write(script(name) + "\n")
