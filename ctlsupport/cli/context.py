"""The terminal side of one run: the session, plus where results go and who answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ctlsupport.actions.session import Session

if TYPE_CHECKING:
    from ctlsupport.actions.asker import Asker
    from ctlsupport.cli.output import Output


@dataclass
class AppState(Session):
    """Global options, set by the root callback and read by every command."""

    json: bool = False
    out: Output = field(init=False)
    _asker: Asker | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        from ctlsupport.cli.output import Output

        self.out = Output(json_mode=self.json, debug=self.debug)
        self.notes = self.out
        self.warn_insecure_storage()

    def asker(self) -> Asker:
        """Prompts on the terminal when a person is there, else the refusing asker."""
        if self._asker is None:
            from ctlsupport.cli import prompts

            self._asker = prompts.asker(self.no_input)
        return self._asker

    def progress(self, message: str = "Sending to the desk..."):
        """A spinner and upload bars on stderr, in a terminal and without --json."""
        import sys

        from ctlsupport.cli.upload_progress import DeskProgress

        return DeskProgress(message, enabled=sys.stderr.isatty() and not self.json)

    def close(self) -> None:
        if self._asker is not None and hasattr(self._asker, "close"):
            self._asker.close()
        super().close()
