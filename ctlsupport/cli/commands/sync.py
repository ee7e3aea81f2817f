"""`ctlsupport sync`: flags in, the mailbox read by actions/sync.py, the summary out."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from ctlsupport.cli.context import AppState

if TYPE_CHECKING:
    from ctlsupport.config.settings import Profile

HELP = "Read the desk's notifications from the support alias's mailbox into the history."
EPILOG = (
    "Examples:\n\n  ctlsupport sync\n\n  ctlsupport sync --store-password\n\n"
    "  ctlsupport --json sync\n\nSet the mailbox up first: see docs/email.md."
)


def _store_password(state: AppState, profile: Profile) -> None:
    """The mailbox password (or app password) into the keyring: from a hidden prompt,
    or the first line of stdin; never from argv."""
    from ctlsupport.cli import prompts
    from ctlsupport.config import secrets
    from ctlsupport.errors import InvalidInput
    from ctlsupport.secret import SCRUBBER, Secret

    if prompts.interactive(state.no_input):
        with prompts.Prompter() as prompter:
            value = prompter.secret(f"Mailbox password for {profile.imap_user or profile.alias}")
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise InvalidInput("no mailbox password given (type it, or pipe it on stdin)")
    SCRUBBER.add(value)
    secrets.store(profile.name, "imap-password", Secret(value))
    state.out.note("The mailbox password is kept in the OS keyring.")


def sync(
    ctx: typer.Context,
    store_password: Annotated[
        bool,
        typer.Option(
            "--store-password",
            help="First keep the mailbox password (or app password) in the keyring: "
            "asked, or read from stdin.",
        ),
    ] = False,
) -> None:
    state: AppState = ctx.obj
    from ctlsupport.actions import sync as action
    from ctlsupport.store import db

    profile = state.profile()  # --sandbox: the embedded desk's Maildir for the alias
    if store_password:
        _store_password(state, profile)
    source = action.open_source(profile, lambda kind: state.secret(kind, profile))
    try:
        with _Bar(enabled=sys.stderr.isatty() and not state.json) as bar:
            result = action.sync(db.connect(), profile, source, bar)
    finally:
        source.close()

    def human() -> None:
        sys.stdout.write("".join(line + "\n" for line in result.lines()))

    state.out.result(result.as_data(), human)


class _Bar:
    """A progress bar on stderr while messages are read (a terminal only)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress = None
        self._task = None

    def __enter__(self) -> _Bar:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(
                TextColumn("Reading the mailbox"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
        return self

    def __call__(self, done: int, total: int) -> None:
        if self._progress is None:
            return
        if self._task is None:
            self._task = self._progress.add_task("sync", total=total)
        self._progress.update(self._task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
