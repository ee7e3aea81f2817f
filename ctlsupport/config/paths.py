"""Where ctlsupport keeps its files: platformdirs, or everything under CTLSUPPORT_HOME."""

from __future__ import annotations

import os
from pathlib import Path

APP = "ctlsupport"


def home_override() -> Path | None:
    """The CTLSUPPORT_HOME directory, when set: it relocates config, data and cache."""
    value = os.environ.get("CTLSUPPORT_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    home = home_override()
    if home:
        return home / "config"
    from platformdirs import user_config_path

    return user_config_path(APP, appauthor=False)


def data_dir() -> Path:
    home = home_override()
    if home:
        return home / "data"
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False)


def cache_dir() -> Path:
    home = home_override()
    if home:
        return home / "cache"
    from platformdirs import user_cache_path

    return user_cache_path(APP, appauthor=False)


def config_file() -> Path:
    """The TOML settings file (overridable with CTLSUPPORT_CONFIG)."""
    value = os.environ.get("CTLSUPPORT_CONFIG")
    return Path(value).expanduser() if value else config_dir() / "config.toml"


def sandbox_dir() -> Path:
    """State of the embedded sandbox desk (`--sandbox`)."""
    return data_dir() / "sandbox"


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def insecure_secrets_file() -> Path:
    """The plain 0600 file that holds secrets after `--insecure-storage` (no keyring)."""
    return config_dir() / "secrets.insecure.json"
