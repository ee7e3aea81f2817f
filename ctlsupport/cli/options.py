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
