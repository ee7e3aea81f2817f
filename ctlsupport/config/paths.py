"""Where ctlsupport keeps its files: platformdirs, or everything under CTLSUPPORT_HOME."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO, Any

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
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except FileExistsError:
        raise _unusable(path, "it is a file, not a folder") from None
    except OSError as exc:
        raise _unusable(path, exc.strerror or str(exc)) from None
    return path


def insecure_secrets_file() -> Path:
    """The plain 0600 file that holds secrets after `--insecure-storage` (no keyring)."""
    return config_dir() / "secrets.insecure.json"


def private_file(path: Path) -> Path:
    """Create `path` empty if missing, readable by the owner only whatever the folder's
    mode or the umask (SQLite gives its -wal and -shm files the mode of the database).

    A file that exists is never opened here, only its mode tightened: closing any
    descriptor of a SQLite database drops the locks this process holds on it through
    another connection, and two processes may then write it at once (and damage it)."""
    import stat

    try:
        found = os.stat(path)
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise _unusable(path, exc.strerror or str(exc)) from None
    if found is not None:
        if stat.S_ISDIR(found.st_mode):
            raise _unusable(path, "it is a folder, not a file")
        if found.st_mode & 0o077:
            with contextlib.suppress(PermissionError):  # another user's file is theirs
                os.chmod(path, 0o600)
        return path
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    except IsADirectoryError:
        raise _unusable(path, "it is a folder, not a file") from None
    except OSError as exc:
        raise _unusable(path, exc.strerror or str(exc)) from None
    try:
        _tighten(fd)
    finally:
        os.close(fd)
    return path


def _tighten(fd: int) -> None:
    """Mode 0600 for a file that is looser; another user's file is left to its owner."""
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    except PermissionError:
        pass


def open_private(path: Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """Open `path` for writing (truncated), created with mode 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    _tighten(fd)
    return os.fdopen(fd, mode, **kwargs)


def _unusable(path: Path, why: str) -> Exception:
    from ctlsupport.errors import LocalFilesError

    return LocalFilesError(
        f"cannot use {path}: {why}",
        hint="Check that the folder is yours and writable (CTLSUPPORT_HOME moves it).",
    )
