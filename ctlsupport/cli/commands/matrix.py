"""`ctlsupport matrix`: the provider's prioritization matrix for this profile's tier."""

from __future__ import annotations

import sys

import typer

from ctlsupport.cli.context import AppState
from ctlsupport.core import priority

HELP = "Show the priority matrix: criteria and this tier's response and restoration targets."


def summary(tier: str, level: str) -> str:
    """One line: first response and restoration for this tier, or why there are none."""
    found = priority.target(tier, level)
    if found is None:
        return f"not offered on the {tier} tier"
    return f"first response {found.first_response_text}, restoration {found.restoration}"


def rows(tier: str) -> list[dict]:
    """The matrix for one tier, as plain data."""
    out = []
    for level in priority.PRIORITIES:
        found = priority.target(tier, level)
        out.append(
            {
                "priority": level,
                "criteria": list(priority.criteria(level)),
                "first_response": found.first_response_text if found else None,
                "first_response_minutes": (
                    int(found.first_response.total_seconds() // 60) if found else None
                ),
                "updates": found.updates if found else None,
                "restoration": found.restoration if found else None,
            }
        )
    return out


def table(tier: str):
    """A rich table of the matrix (for the terminal)."""
    from rich.table import Table
    from rich.text import Text

    view = Table(title=f"Priority matrix ({tier} tier)", header_style="bold", show_lines=True)
    for column in ("PRIORITY", "CRITERIA", "FIRST RESPONSE", "UPDATES", "RESTORATION"):
        view.add_column(column)
    for row in rows(tier):
        view.add_row(
            row["priority"],
            Text("\n".join(row["criteria"])),
            row["first_response"] or "-",
            row["updates"] or "-",
            row["restoration"] or "-",
        )
    return view


def matrix(ctx: typer.Context) -> None:
    state: AppState = ctx.obj
    from ctlsupport.cli.commands.kb import desk_profile

    tier = desk_profile(state).tier
    data = {"tier": tier, "priorities": rows(tier)}

    def human() -> None:
        if not sys.stdout.isatty():
            for row in data["priorities"]:
                fields = [row["first_response"], row["updates"], row["restoration"]]
                cells = [row["priority"], *(f or "-" for f in fields), "; ".join(row["criteria"])]
                sys.stdout.write("\t".join(cells) + "\n")
            return
        state.out.console().print(table(tier))

    state.out.result(data, human)
