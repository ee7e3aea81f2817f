"""Helpers for the shell-completion tests (tests/shells)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from ctlsupport.cli import docgen

COMPLETIONS = docgen.ROOT / "completions"


def seed_history(count: int = 12) -> None:
    """Requests 4201.. in the default profile's history, and values typed before."""
    from ctlsupport.model import Request
    from ctlsupport.store import db
    from ctlsupport.store.history import History

    history = History(db.connect())
    history.record_seen(
        "default",
        [
            Request(
                id=4201 + n, subject=f"ACME web {n} down", status="open", priority="normal",
                type="incident", description="", created_at="2024-05-01T10:00:00Z",
                updated_at=f"2024-05-{n + 1:02d}T10:00:00Z", url="", web_url="",
            )
            for n in range(count)
        ],
    )  # fmt: skip
    history.record_seen(
        "other",
        [Request(9901, "another profile's", "open", None, None, "", "", "", "", "")],
    )
    history.remember("customer_alias", "ACME")
    history.remember("server", "VA1ACMEWEB01")


def need(shell: str) -> str:
    """The shell's path, or skip the test saying why."""
    path = shutil.which(shell)
    if path is None:
        reason = f"{shell} is not installed (.ci/run installs it from Debian's packages)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return path


def shell_env_for(isolated_home: Path) -> dict[str, str]:
    """Environment for a shell whose `ctlsupport` runs this checkout, history seeded."""
    seed_history()
    bindir = Path(sys.executable).parent
    if not (bindir / "ctlsupport").exists():
        pytest.skip(f"no ctlsupport console script next to {sys.executable}")
    env = dict(os.environ)
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env["TERM"] = "dumb"
    env["HOME"] = str(isolated_home)
    return env
