"""Secrets in the OS keyring, behind a timeout, with environment overrides for scripts.

Key scheme (service name ``ctlsupport``): the user name of each entry is
``<profile>/<kind>``, and for the partner credential ``<profile>/partner/<alias>``
(the alias as the user name, the PIN as the secret). Kinds: ``password``, ``token``
(legacy desk sign-in), ``oauth-access``, ``oauth-refresh``, ``oauth-expiry`` (OAuth
sign-in; the expiry is epoch seconds), ``smtp-password`` (the email route),
``imap-password`` (the alias's mailbox, for `sync`).

Where no keyring can be had, a person may opt in to an insecure file (mode 0600 under
the config dir, same entry names); every command then warns about it.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ctlsupport.errors import KeyringUnavailable
from ctlsupport.secret import SCRUBBER, Secret

SERVICE = "ctlsupport"
TIMEOUT_SECONDS = float(os.environ.get("CTLSUPPORT_KEYRING_TIMEOUT", "5"))

KINDS = (
    "pin",
    "password",
    "token",
    "oauth-access",
    "oauth-refresh",
    "oauth-expiry",
    "smtp-password",
    "imap-password",
)
# The desk sign-in (removed by `auth logout`); the PIN is the partner's, not the desk's.
DESK_KINDS = ("oauth-access", "oauth-refresh", "oauth-expiry", "password", "token")
# Values kept beside the secrets that are not secret themselves (never scrubbed).
NOT_SECRET = frozenset({"oauth-expiry"})

# kind -> the environment variable that overrides the stored value.
ENV_VARS = {
    "pin": "CTLSUPPORT_PIN",
    "password": "CTLSUPPORT_PASSWORD",
    "token": "CTLSUPPORT_TOKEN",
    "oauth-access": "CTLSUPPORT_OAUTH_TOKEN",
    "smtp-password": "CTLSUPPORT_SMTP_PASSWORD",
    "imap-password": "CTLSUPPORT_IMAP_PASSWORD",
}
# The ones that stand for a desk sign-in: `auth login` refuses while one is set.
DESK_ENV_VARS = ("CTLSUPPORT_OAUTH_TOKEN", "CTLSUPPORT_TOKEN", "CTLSUPPORT_PASSWORD")

NO_BACKEND_HINT = (
    "Start and unlock a Secret Service (e.g. `gnome-keyring-daemon --unlock`, or log in "
    "to a desktop session), or set "
    + ", ".join(ENV_VARS[k] for k in ("pin", "oauth-access", "token", "password"))
    + " for this shell, or opt in to a plain file with `ctlsupport auth login "
    "--insecure-storage`."
)


T = TypeVar("T")

# Set once a keyring call has hung: later calls in this process fail at once instead of
# each waiting out its own timeout.
_keyring_hung = False


def entry_name(profile: str, kind: str, alias: str = "") -> str:
    """The keyring user name for a profile's secret of one kind."""
    if kind == "pin":
        return f"{profile}/partner/{alias}"
    return f"{profile}/{kind}"


def _call(fn: Callable[[], T]) -> T:
    """Run one keyring call in a thread: a locked Secret Service can block forever."""
    global _keyring_hung
    if _keyring_hung:
        raise _timed_out()
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
        _keyring_hung = True
        raise _timed_out()
    if "error" in result:
        raise _translate(result["error"])  # type: ignore[arg-type]
    return result.get("value")  # type: ignore[return-value]


def _timed_out() -> KeyringUnavailable:
    return KeyringUnavailable(
        f"the OS keyring did not answer within {TIMEOUT_SECONDS:g} s (is it locked?)",
        hint=NO_BACKEND_HINT,
    )


def _translate(exc: BaseException) -> BaseException:
    from keyring.errors import KeyringError, NoKeyringError

    if isinstance(exc, NoKeyringError):
        return KeyringUnavailable("no OS keyring backend is available", hint=NO_BACKEND_HINT)
    if isinstance(exc, KeyringError):
        return KeyringUnavailable(f"the OS keyring failed: {exc}", hint=NO_BACKEND_HINT)
    return exc


def _remember(kind: str, value: str) -> Secret:
    if kind not in NOT_SECRET:
        SCRUBBER.add(value)
    return Secret(value)


def from_env(kind: str) -> Secret | None:
    """The secret given in the environment for this kind, if any."""
    var = ENV_VARS.get(kind)
    value = os.environ.get(var) if var else None
    if value:
        return _remember(kind, value)
    return None


# -- the opt-in insecure file ---------------------------------------------------------


def insecure_path() -> Path:
    """The plain 0600 file used instead of the keyring after `--insecure-storage`."""
    from ctlsupport.config import paths

    return paths.insecure_secrets_file()


def _file_load() -> dict[str, str]:
    try:
        data = json.loads(insecure_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _file_save(data: dict[str, str]) -> None:
    from ctlsupport.config import paths

    path = insecure_path()
    if not data:
        path.unlink(missing_ok=True)
        return
    paths.ensure_private_dir(path.parent)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(tmp, path)
    os.chmod(path, 0o600)


def insecure_in_use() -> bool:
    """Whether any secret sits in the insecure file (a cheap check: one stat, one read)."""
    return insecure_path().exists() and bool(_file_load())


# -- reads and writes ------------------------------------------------------------------


def lookup(profile: str, kind: str, alias: str = "") -> tuple[Secret | None, str | None]:
    """The secret and where it comes from: env first, then the insecure file, then the
    keyring (raises KeyringUnavailable only when the keyring is needed)."""
    env = from_env(kind)
    if env is not None:
        return env, "env"
    stored = _file_load().get(entry_name(profile, kind, alias))
    if stored:
        return _remember(kind, stored), "insecure file"
    value = _keyring_get(profile, kind, alias)
    return (_remember(kind, value), "keyring") if value else (None, None)


def source(profile: str, kind: str, alias: str = "") -> str | None:
    """Where the value of this kind comes from: env, insecure file, keyring, or None."""
    return lookup(profile, kind, alias)[1]


def get(profile: str, kind: str, alias: str = "") -> Secret | None:
    """The value of this kind (see lookup), or None."""
    return lookup(profile, kind, alias)[0]


def stored_in_file(profile: str, kind: str, alias: str = "") -> bool:
    """Whether the value comes from the insecure file (no keyring call)."""
    return from_env(kind) is None and entry_name(profile, kind, alias) in _file_load()


def _keyring_get(profile: str, kind: str, alias: str) -> str | None:
    def read() -> str | None:
        import keyring

        return keyring.get_password(SERVICE, entry_name(profile, kind, alias))

    return _call(read) or None


def store(
    profile: str, kind: str, secret: Secret, alias: str = "", *, insecure: bool = False
) -> None:
    """Save a secret in the keyring (or, when asked to, in the insecure file)."""
    name = entry_name(profile, kind, alias)
    if insecure:
        data = _file_load()
        data[name] = secret.reveal()
        _file_save(data)
        return

    def write() -> None:
        import keyring

        keyring.set_password(SERVICE, name, secret.reveal())

    _call(write)
    # A value now in the keyring must not be shadowed by an older plain copy.
    data = _file_load()
    if data.pop(name, None) is not None:
        _file_save(data)


def delete(profile: str, kind: str, alias: str = "") -> bool:
    """Remove a stored secret from the file and the keyring; False when there was none."""
    name = entry_name(profile, kind, alias)
    data = _file_load()
    in_file = data.pop(name, None) is not None
    if in_file:
        _file_save(data)

    def remove() -> bool:
        import keyring
        from keyring.errors import PasswordDeleteError

        try:
            keyring.delete_password(SERVICE, name)
        except PasswordDeleteError:
            return False
        return True

    try:
        return _call(remove) or in_file
    except KeyringUnavailable:
        if in_file:
            return True
        raise


def backend_name() -> str:
    """The keyring backend in use, e.g. `SecretService Keyring`."""

    def name() -> str:
        import keyring

        backend = keyring.get_keyring()
        return f"{type(backend).__module__}.{type(backend).__name__}"

    return _call(name)


def round_trip(profile: str) -> None:
    """Write, read back and delete a throwaway entry; raises KeyringUnavailable on failure."""
    import secrets as random

    probe = Secret(random.token_hex(8))
    kind = "doctor-probe"

    def run() -> None:
        import keyring

        name = entry_name(profile, kind)
        keyring.set_password(SERVICE, name, probe.reveal())
        try:
            if keyring.get_password(SERVICE, name) != probe.reveal():
                raise KeyringUnavailable("the OS keyring returned a different value")
        finally:
            keyring.delete_password(SERVICE, name)
        if keyring.get_password(SERVICE, name) is not None:
            raise KeyringUnavailable("the OS keyring kept a deleted value")

    _call(run)
