"""The one gate for everything bound for the desk: ticket fields, comments, escalations
and attachments, by API or by email, and the drafts and outbox items that hold them.

Through the gate, secret-looking text (passwords, keys, tokens, Authorization headers,
private keys) is redacted, and so is every secret this run knows (the PIN, the root
password, the desk password or token). `--no-redact` (redact=False) sends the text as
it is, except for those known secrets: they have their own place (the PIN line of a
ticket) or none at all on the desk, so they are masked whatever the flag.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ctlsupport.core.redact import Redactor, redact_file
from ctlsupport.secret import SCRUBBER, Secret

if TYPE_CHECKING:
    from ctlsupport.model import TicketDraft

# The free-text fields of a ticket: what a person types or pastes.
TICKET_TEXT_FIELDS = ("subject", "description", "steps", "impact", "error_text")
# Secrets of a profile that the gate looks up when asked to (they also join the scrubber).
PROFILE_SECRETS = ("pin", "token", "password", "oauth-access", "oauth-refresh")


@dataclass
class Gate:
    """Redacts text and files on their way out; counts what it found."""

    secrets: Iterable[str | Secret | None] = ()
    redact: bool = True
    _redactor: Redactor = field(init=False, repr=False)

    def __post_init__(self) -> None:
        values = {s.reveal() if isinstance(s, Secret) else s for s in self.secrets}
        values.update(SCRUBBER.values())
        self._redactor = Redactor(known=sorted(v for v in values if v), patterns=self.redact)

    @classmethod
    def for_profile(
        cls, profile: str, alias: str = "", *, redact: bool = True, extra: Iterable = ()
    ) -> Gate:
        """A gate that knows the profile's stored secrets (env, file or keyring)."""
        from ctlsupport.config import secrets
        from ctlsupport.errors import KeyringUnavailable

        known: list[str | Secret | None] = list(extra)
        for kind in PROFILE_SECRETS:
            # A keyring that cannot be read cannot leak its secrets here either.
            with contextlib.suppress(KeyringUnavailable):
                known.append(secrets.get(profile, kind, alias))
        return cls(known, redact=redact)

    @property
    def found(self) -> dict[str, int]:
        return dict(self._redactor.found)

    def summary(self) -> str:
        return self._redactor.summary()

    def text(self, text: str) -> str:
        """The text as it may leave this machine."""
        return self._redactor.text(text) if text else text

    def ticket(self, draft: TicketDraft) -> TicketDraft:
        """The draft with its free-text fields through the gate (changed in place)."""
        for name in TICKET_TEXT_FIELDS:
            value = getattr(draft, name, None)
            if isinstance(value, str) and value:
                setattr(draft, name, self.text(value))
        return draft

    def copy(self, source: str | Path, target: Path) -> None:
        """Copy an attachment to `target` (mode 0600): text files redacted line by line,
        other files byte for byte (nothing in them can be redacted safely)."""
        redact_file(Path(source), target, self._redactor)

    def files(self, paths: list[str]) -> list[str]:
        """Copies of the attachments through the gate, in a private folder removed when
        the program ends (each keeps its name: the desk shows it)."""
        if not paths:
            return []
        import atexit

        from ctlsupport.errors import InvalidInput

        folder = Path(tempfile.mkdtemp(prefix="ctlsupport-out-"))
        atexit.register(shutil.rmtree, folder, True)
        copies = []
        for index, source in enumerate(paths):
            target = folder / f"{index:02d}"
            target.mkdir(mode=0o700)
            target = target / Path(source).name
            try:
                self.copy(source, target)
            except OSError as exc:
                shutil.rmtree(folder, ignore_errors=True)
                raise InvalidInput(
                    f"--attach: cannot read {source}: {exc.strerror or exc}",
                    hint="Check the file and its permissions; nothing was sent.",
                ) from None
            copies.append(str(target))
        return copies


def gate(
    item: str | Path,
    secrets: Iterable[str | Secret | None] = (),
    redact: bool = True,
    *,
    target: Path | None = None,
) -> str | Path:
    """The gate in one call: a text comes back redacted; a file (a Path) is copied to
    `target` through the gate and `target` comes back."""
    through = Gate(secrets, redact=redact)
    if isinstance(item, Path):
        if target is None:
            raise ValueError("a file goes through the gate to a target path")
        through.copy(item, target)
        return target
    return through.text(item)
