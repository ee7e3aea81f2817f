"""Option declarations shared by several commands."""

from __future__ import annotations

from typing import Annotated

import typer

RequestId = Annotated[int, typer.Argument(help="The desk's request (ticket) number.", min=1)]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
