"""Option declarations shared by several commands."""

from __future__ import annotations

from typing import Annotated

import typer

from ctlsupport.cli.completion import complete

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


# -- the process options of `open` and `task` ---------------------------------------------


KindOption = Annotated[
    str,
    typer.Option(
        "--kind",
        help="incident (default), security (an incident or, with --breach, a breach) or task.",
        autocompletion=complete.kinds,
    ),
]
BreachOption = Annotated[
    bool, typer.Option("--breach", help="With --kind security: a breach (urgent), not an incident.")
]
ImpactOption = Annotated[
    str | None,
    typer.Option(
        "--impact", metavar="TEXT", help="Urgent/high: one line of business impact (required)."
    ),
]
CriterionOption = Annotated[
    str | None,
    typer.Option(
        "--criterion",
        metavar="TEXT",
        help="Urgent/high: the matrix criterion that applies (`ctlsupport matrix`).",
    ),
]
DueOption = Annotated[
    str | None,
    typer.Option("--due", metavar="YYYY-MM-DD", help="Service tasks: the date it is needed by."),
]
OutOfScopeOption = Annotated[
    bool,
    typer.Option("--out-of-scope-ok", help="Do not warn that the problem looks out of scope."),
]
NoDuplicateOption = Annotated[
    bool,
    typer.Option(
        "--no-duplicate-check", help="Do not look for open requests about the same server."
    ),
]
SuggestOption = Annotated[
    bool | None,
    typer.Option(
        "--suggest/--no-suggest",
        help="Show knowledge-base articles first (default: in a terminal only).",
    ),
]
