"""Problem templates: list them, show one (no terminal here)."""

from __future__ import annotations

from ctlsupport.core import templates
from ctlsupport.core.templates import Template


def list_templates() -> list[Template]:
    """Every template, packaged and the team's own, validated."""
    return templates.load_all()


def show(name: str) -> Template:
    """One template by name."""
    return templates.load(name)
