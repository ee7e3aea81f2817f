"""What an action hands back: the data for `--json`, and the same said for a person."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Done:
    """The result of an action: `data` goes into the JSON envelope as it is; `lines` are
    the plain text a person reads (stdout, one line each)."""

    data: Any
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)
