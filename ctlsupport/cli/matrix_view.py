"""The priority matrix as a rich table, for `matrix` and for the priority question."""

from __future__ import annotations

from ctlsupport.core import priority


def table(tier: str):
    """A rich table of the matrix (for the terminal)."""
    from rich.table import Table
    from rich.text import Text

    view = Table(title=f"Priority matrix ({tier} tier)", header_style="bold", show_lines=True)
    for column in ("PRIORITY", "CRITERIA", "FIRST RESPONSE", "UPDATES", "RESTORATION"):
        view.add_column(column)
    for row in priority.matrix_rows(tier):
        view.add_row(
            row["priority"],
            Text("\n".join(row["criteria"])),
            row["first_response"] or "-",
            row["updates"] or "-",
            row["restoration"] or "-",
        )
    return view
