"""Option declarations shared by several commands."""

from __future__ import annotations

from typing import Annotated

import typer

from ctlsupport.cli import complete

# Completers for options that later commands declare: complete.kinds (--kind),
# complete.customers (--customer), complete.datacenters, complete.priorities.
RequestId = Annotated[
    int,
    typer.Argument(
        help="The desk's request (ticket) number.",
        min=1,
        autocompletion=complete.request_ids,
    ),
]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def via_option(help_text: str):
    """`--via ROUTE` (api or email), as open, task, comment and escalate declare it."""
    return typer.Option("--via", metavar="ROUTE", autocompletion=complete.routes, help=help_text)


def route(via: str | None, default: str) -> str:
    """The route asked for (the flag, else the profile's `via`, else api), checked."""
    from ctlsupport.errors import InvalidInput

    chosen = (via or default or "api").strip().lower()
    if chosen not in ("api", "email"):
        raise InvalidInput(f"--via must be api or email, not {chosen!r}")
    return chosen
