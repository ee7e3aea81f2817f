"""The data-center list: package data, overridable by a file in the config directory."""

from __future__ import annotations

from functools import cache

from ctlsupport.data import load

FILE_NAME = "datacenters.toml"


@cache
def datacenters() -> dict[str, str]:
    """Code -> location, from the user's file when present, else the packaged list."""
    data, _origin = load(FILE_NAME, overridable=True)
    return {str(code).upper(): str(place) for code, place in data.get("datacenters", {}).items()}
