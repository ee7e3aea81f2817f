"""The data-center list: package data, overridable by a file in the config directory."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from ctlsupport.config import paths
from ctlsupport.errors import ConfigError

FILE_NAME = "datacenters.toml"


@cache
def datacenters() -> dict[str, str]:
    """Code -> location, from the user's file when present, else the packaged list."""
    override = paths.config_dir() / FILE_NAME
    if override.is_file():
        text, origin = override.read_text("utf-8"), str(override)
    else:
        text = resources.files("ctlsupport.data").joinpath(FILE_NAME).read_text("utf-8")
        origin = "packaged list"
    try:
        table = tomllib.loads(text).get("datacenters", {})
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: invalid TOML: {exc}") from None
    return {str(code).upper(): str(place) for code, place in table.items()}
