"""Progress on stderr while a ticket goes to the desk: a spinner, and a bar per upload.

Only on a terminal (and not with --json); piped runs stay quiet. One rich live display
serves both, since rich allows one at a time.
"""

from __future__ import annotations

import sys
from typing import Any


class DeskProgress:
    """Context manager; also callable as DeskClient.on_upload_progress."""

    def __init__(self, message: str = "Sending to the desk...", enabled: bool | None = None):
        self.message = message
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> DeskProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
            )

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._progress.add_task(self.message, total=None)
        return self

    def __call__(self, name: str, sent: int, total: int) -> None:
        if self._progress is None:
            return
        if name not in self._tasks:
            self._tasks[name] = self._progress.add_task(f"Uploading {name}", total=total)
        self._progress.update(self._tasks[name], completed=sent)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
