"""Packaged data files (TOML), some of which the user may replace with their own copy."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

from ctlsupport.errors import ConfigError


def load(file_name: str, *, overridable: bool = False) -> tuple[dict[str, Any], str]:
    """A data file parsed, and where it came from: the user's copy in the config
    directory when `overridable` and present, else the packaged one."""
    if overridable:
        from ctlsupport.config import paths

        override = paths.config_dir() / file_name
        if override.is_file():
            return _parse(override.read_text("utf-8"), str(override)), str(override)
    text = resources.files(__name__).joinpath(file_name).read_text("utf-8")
    origin = f"packaged {file_name}"
    return _parse(text, origin), origin


def _parse(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: invalid TOML: {exc}") from None
