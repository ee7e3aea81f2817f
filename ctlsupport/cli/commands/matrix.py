"""`ctlsupport matrix`: the provider's prioritization matrix for this profile's tier."""

from __future__ import annotations

import sys

import typer

from ctlsupport.cli import matrix_view
from ctlsupport.cli.context import AppState
from ctlsupport.core import priority

HELP = "Show the priority matrix: criteria and this tier's response and restoration targets."


def matrix(ctx: typer.Context) -> None:
    state: AppState = ctx.obj
    from ctlsupport.actions.lookups import desk_profile

    tier = desk_profile(state).tier
    data = {"tier": tier, "priorities": priority.matrix_rows(tier)}

    def human() -> None:
        if not sys.stdout.isatty():
            for row in data["priorities"]:
                fields = [row["first_response"], row["updates"], row["restoration"]]
                cells = [row["priority"], *(f or "-" for f in fields), "; ".join(row["criteria"])]
                sys.stdout.write("\t".join(cells) + "\n")
            return
        state.out.console().print(matrix_view.table(tier))

    state.out.result(data, human)
