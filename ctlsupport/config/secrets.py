"""Secrets in the OS keyring, behind a timeout, with environment overrides for scripts.

Key scheme (service name ``ctlsupport``): the user name of each entry is
``<profile>/<kind>``, and for the partner credential ``<profile>/partner/<alias>``
(the alias as the user name, the PIN as the secret). Kinds: ``password``, ``token``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

from ctlsupport.errors import KeyringUnavailable
from ctlsupport.secret import SCRUBBER, Secret

SERVICE = "ctlsupport"
TIMEOUT_SECONDS = float(os.environ.get("CTLSUPPORT_KEYRING_TIMEOUT", "5"))

# kind -> the environment variable that overrides the stored value.
ENV_VARS = {
    "pin": "CTLSUPPORT_PIN",
    "password": "CTLSUPPORT_PASSWORD",
    "token": "CTLSUPPORT_TOKEN",
}

NO_BACKEND_HINT = (
    "Start and unlock a Secret Service (e.g. gnome-keyring-daemon --unlock), "
    "or set " + ", ".join(ENV_VARS.values()) + " for this shell."
)

T = TypeVar("T")


def entry_name(profile: str, kind: str, alias: str = "") -> str:
    """The keyring user name for a profile's secret of one kind."""
    if kind == "pin":
        return f"{profile}/partner/{alias}"
    return f"{profile}/{kind}"


def _call(fn: Callable[[], T]) -> T:
    """Run one keyring call in a thread: a locked Secret Service can block forever."""
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["value"] = fn()
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    worker = threading.Thread(target=run, daemon=True, name="keyring")
    worker.start()
    worker.join(TIMEOUT_SECONDS)
    if worker.is_alive():
        raise KeyringUnavailable(
            f"the OS keyring did not answer within {TIMEOUT_SECONDS:g} s (is it locked?)",
            hint=NO_BACKEND_HINT,
        )
    if "error" in result:
        raise _translate(result["error"])  # type: ignore[arg-type]
    return result.get("value")  # type: ignore[return-value]


def _translate(exc: BaseException) -> BaseException:
    from keyring.errors import KeyringError, NoKeyringError

    if isinstance(exc, NoKeyringError):
        return KeyringUnavailable("no OS keyring backend is available", hint=NO_BACKEND_HINT)
    if isinstance(exc, KeyringError):
        return KeyringUnavailable(f"the OS keyring failed: {exc}", hint=NO_BACKEND_HINT)
    return exc


def from_env(kind: str) -> Secret | None:
    """The secret given in the environment for this kind, if any."""
    var = ENV_VARS.get(kind)
    value = os.environ.get(var) if var else None
    if value:
        SCRUBBER.add(value)
        return Secret(value)
    return None


def get(profile: str, kind: str, alias: str = "") -> Secret | None:
    """Env first, then the keyring. Raises KeyringUnavailable only when the keyring is needed."""
    env = from_env(kind)
    if env is not None:
        return env

    def read() -> str | None:
        import keyring

        return keyring.get_password(SERVICE, entry_name(profile, kind, alias))

    value = _call(read)
    if value:
        SCRUBBER.add(value)
        return Secret(value)
    return None


def store(profile: str, kind: str, secret: Secret, alias: str = "") -> None:
    """Save a secret in the keyring."""

    def write() -> None:
        import keyring

        keyring.set_password(SERVICE, entry_name(profile, kind, alias), secret.reveal())

    _call(write)


def delete(profile: str, kind: str, alias: str = "") -> bool:
    """Remove a stored secret; False when there was none."""

    def remove() -> bool:
        import keyring
        from keyring.errors import PasswordDeleteError

        try:
            keyring.delete_password(SERVICE, entry_name(profile, kind, alias))
        except PasswordDeleteError:
            return False
        return True

    return _call(remove)
