"""What the `sandbox` commands share: the desk's state folder, one-line errors, and
how an agent's change is shown."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ctlsupport.cli.context import AppState

DataDir = Annotated[
    Path | None,
    typer.Option("--data", help="State directory (default: the embedded desk's, as --sandbox)."),
]


def _state(data: Path | None):
    from ctlsupport.config import paths
    from ctlsupport.sandbox import SandboxState

    folder = paths.ensure_private_dir(data or paths.sandbox_dir())
    return SandboxState(folder / "sandbox.sqlite3")


def _agent_result(ctx: typer.Context, request: dict, action: str) -> None:
    state: AppState = ctx.obj

    def human() -> None:
        sys.stdout.write(
            f"#{request['id']} {action}: status {request['status']}, "
            f"priority {request.get('priority') or '-'}\n"
        )

    state.out.result({"request": request}, human)


def _guard(fn):
    """Turn the sandbox's own errors into the CLI's one-line errors."""
    from ctlsupport.errors import InvalidInput, NotFound
    from ctlsupport.sandbox import SandboxError
    from ctlsupport.sandbox.errors import UnknownRequestError

    try:
        return fn()
    except UnknownRequestError as exc:
        raise NotFound(str(exc)) from None
    except SandboxError as exc:
        raise InvalidInput(str(exc)) from None
