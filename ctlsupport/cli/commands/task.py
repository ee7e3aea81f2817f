"""`ctlsupport task`: a service task, collected exactly as `open` collects a ticket."""

from __future__ import annotations

import inspect
from typing import Any

from ctlsupport.cli.commands import open as open_cmd

HELP = "Request a service task: routine work done by the provider's engineers."
EPILOG = (
    "The provider replies within one business day with an estimate and a projected\n"
    "completion date; estimation and work happen Monday-Friday 9:00-17:00 Pacific.\n\n"
    "Examples:\n\n"
    "  ctlsupport task --due 2026-03-20\n\n"
    "  ctlsupport --no-input task --subject 'ACME: add 100 GB to VA1ACMEDB01' ... --due 2026-03-20"
)
# `open` options that make no sense for a service task.
_NOT_FOR_TASKS = ("kind", "breach")


def task(**kwargs: Any) -> None:
    """Open a request of type task (same fields and checks as `open`)."""
    open_cmd.open_ticket(**kwargs, kind="task", breach=False)


def _signature() -> inspect.Signature:
    """open's options minus the ones above: Typer reads the command's options from it."""
    full = inspect.signature(open_cmd.open_ticket, eval_str=True)
    kept = [p for p in full.parameters.values() if p.name not in _NOT_FOR_TASKS]
    return full.replace(parameters=kept)


task.__signature__ = _signature()  # type: ignore[attr-defined]
