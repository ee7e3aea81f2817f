"""The support alias's mailbox, read-only: an IMAP folder, or a local Maildir.

IMAP client: IMAPClient (a well-kept, pure-Python library on top of the standard
library's imaplib), because imaplib alone returns raw response lines that each caller
must parse (FETCH literals, SELECT data), has IDLE only from Python 3.14 on, and has no
XOAUTH2 helper; IMAPClient gives parsed FETCH results, UIDs by default, IDLE,
`oauth2_login` and STARTTLS with a verifying TLS context. It is imported only when a
mailbox is opened.

Messages are read by UID in batches; one above `max_bytes` is read only up to that size
(a partial FETCH), so a huge attachment never fills memory. The folder is opened
read-only (EXAMINE): reading never marks the alias's mail as seen.
"""

from __future__ import annotations

import os
import time
from collections.abc import Container, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ctlsupport.errors import AuthError, ConfigError, DeskUnreachable

if TYPE_CHECKING:
    from ctlsupport.secret import Secret

SECURITY = ("tls", "starttls", "none")
DEFAULT_PORTS = {"tls": 993, "starttls": 143, "none": 143}
MAX_BYTES = 1024 * 1024  # read at most this much of one message
BATCH = 100


@dataclass(frozen=True)
class Fetched:
    """One message as read: its key (UID, or Maildir name), bytes, and whether only the
    first `max_bytes` were read."""

    key: int | str
    raw: bytes
    truncated: bool


class MailSource(Protocol):
    """What `sync` needs of a mailbox."""

    name: str

    def uidvalidity(self) -> int | None: ...

    def pending(self, last_uid: int, seen: Container[str]) -> list[int | str]: ...

    def fetch(self, keys: list[int | str]) -> Iterator[Fetched]: ...

    def wait(self, timeout: float) -> bool: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ImapSettings:
    """Where the mailbox is and how to sign in (never the secret itself)."""

    host: str
    port: int
    user: str
    security: str = "tls"
    auth: str = "password"  # password | xoauth2
    folder: str = "INBOX"
    timeout: float = 30.0

    @property
    def name(self) -> str:
        return f"imap://{self.user}@{self.host}:{self.port}/{self.folder}"

    @classmethod
    def from_values(
        cls, host: str, port: str, user: str, security: str, auth: str, folder: str
    ) -> ImapSettings:
        """From profile values; a plain connection is refused anywhere but loopback."""
        from ctlsupport.transport.mail import is_loopback

        mode = (security or "tls").strip().lower()
        if mode not in SECURITY:
            raise ConfigError(f"imap_security must be one of {', '.join(SECURITY)}, not {mode!r}")
        if mode == "none" and not is_loopback(host):
            raise ConfigError(
                f"imap_security = none sends the mailbox password unencrypted; it is allowed "
                f"only for a server on this machine, not {host}",
                hint="Use `ctlsupport config set imap_security tls` (or starttls).",
            )
        method = (auth or "password").strip().lower()
        if method not in ("password", "xoauth2"):
            raise ConfigError(f"imap_auth must be password or xoauth2, not {method!r}")
        number = int(port) if str(port).strip() else DEFAULT_PORTS[mode]
        wait = float(os.environ.get("CTLSUPPORT_IMAP_TIMEOUT", "30"))
        return cls(host.strip(), number, user.strip(), mode, method, folder or "INBOX", wait)


class ImapSource:
    """One IMAP folder, opened read-only."""

    def __init__(self, settings: ImapSettings, secret: Secret, *, max_bytes: int = MAX_BYTES):
        self.settings = settings
        self.name = settings.name
        self.max_bytes = max_bytes
        self._client = _connect(settings, secret)
        try:
            info = self._client.select_folder(settings.folder, readonly=True)
        except Exception as exc:
            self.close()
            raise ConfigError(
                f"the mailbox has no folder {settings.folder!r}: {_reason(exc)}",
                hint="Set the folder with `ctlsupport config set imap_folder NAME`.",
            ) from None
        self._uidvalidity = int(info.get(b"UIDVALIDITY", 0))
        self.has_idle = b"IDLE" in self._client.capabilities()

    def uidvalidity(self) -> int | None:
        return self._uidvalidity

    def pending(self, last_uid: int, seen: Container[str]) -> list[int | str]:
        """UIDs above `last_uid`, oldest first (`n:*` also answers the last message when
        nothing is newer, so the answer is filtered)."""
        with _mapped(self.settings):
            uids = self._client.search(["UID", f"{last_uid + 1}:*"])
        return sorted(uid for uid in uids if uid > last_uid)

    def fetch(self, keys: list[int | str]) -> Iterator[Fetched]:
        """The messages, in batches; a huge one only up to `max_bytes`."""
        for start in range(0, len(keys), BATCH):
            batch = [int(k) for k in keys[start : start + BATCH]]
            with _mapped(self.settings):
                sizes = self._client.fetch(batch, ["RFC822.SIZE"])
                size = {u: sizes.get(u, {}).get(b"RFC822.SIZE", 0) for u in batch}
                small = [u for u in batch if size[u] <= self.max_bytes]
                large = [u for u in batch if u in sizes and u not in small]
                found = dict(self._client.fetch(small, ["BODY.PEEK[]"])) if small else {}
                if large:
                    part = f"BODY.PEEK[]<0.{self.max_bytes}>"
                    found.update(self._client.fetch(large, [part]))
            for uid in batch:
                data = found.get(uid)
                if data is None:  # expunged meanwhile
                    continue
                raw = data.get(b"BODY[]") or data.get(b"BODY[]<0>") or b""
                yield Fetched(uid, bytes(raw), uid in large)

    def wait(self, timeout: float) -> bool:
        """Wait for new mail with IDLE (or, without it, a NOOP after the wait); True when
        the server told of some."""
        with _mapped(self.settings):
            if not self.has_idle:
                time.sleep(timeout)
                return any(b"EXISTS" in r for r in self._client.noop()[1])
            self._client.idle()
            try:
                answers = self._client.idle_check(timeout=timeout)
            finally:
                self._client.idle_done()
        return any(len(a) > 1 and a[1] == b"EXISTS" for a in answers)

    def close(self) -> None:
        import contextlib

        # Closing a broken connection: nothing left to save.
        with contextlib.suppress(Exception):
            self._client.logout()


def _connect(settings: ImapSettings, secret: Secret):
    """A signed-in IMAPClient; failures become one-line errors without the secret."""
    import ssl

    from imapclient import IMAPClient
    from imapclient.exceptions import LoginError

    context = ssl.create_default_context()
    with _mapped(settings):
        client = IMAPClient(
            settings.host,
            port=settings.port,
            ssl=settings.security == "tls",
            ssl_context=context,
            timeout=settings.timeout,
        )
        if settings.security == "starttls":
            client.starttls(context)
    try:
        with _mapped(settings):
            if settings.auth == "xoauth2":
                client.oauth2_login(settings.user, secret.reveal())
            else:
                client.login(settings.user, secret.reveal())
    except LoginError:
        raise AuthError(
            f"the mailbox {settings.host} refused the sign-in of {settings.user}",
            hint="Store the right password with `ctlsupport sync --store-password` (an app "
            "password where the provider asks for one), or check imap_token_command.",
        ) from None
    return client


class _mapped:
    """Map network and protocol failures to DeskUnreachable, one line, no secret."""

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is None or isinstance(exc, (AuthError, ConfigError, KeyboardInterrupt)):
            return False
        from imapclient.exceptions import IMAPClientError, LoginError

        if isinstance(exc, LoginError):
            return False
        if isinstance(exc, (OSError, IMAPClientError, EOFError)):
            raise DeskUnreachable(
                f"the mailbox {self.settings.host}:{self.settings.port} failed: {_reason(exc)}",
                hint="Check imap_host, imap_port and imap_security (`ctlsupport config show`) "
                "and the network; `ctlsupport sync` again reads on from where it stopped.",
            ) from None
        return False


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


class MaildirSource:
    """A local Maildir (new/ and cur/), read without moving or marking anything."""

    def __init__(self, path: Path, *, max_bytes: int = MAX_BYTES) -> None:
        self.path = Path(path).expanduser()
        if not (self.path / "cur").is_dir() and not (self.path / "new").is_dir():
            raise ConfigError(
                f"{self.path} is not a Maildir (no cur/ or new/ in it)",
                hint="Set the path with `ctlsupport config set maildir PATH`.",
            )
        self.name = f"maildir:{self.path.resolve()}"
        self.max_bytes = max_bytes
        self._files: dict[str, str] = {}  # key -> path; str: 10,000 of them stay small

    def uidvalidity(self) -> int | None:
        return None

    def pending(self, last_uid: int, seen: Container[str]) -> list[int | str]:
        """Names not read before, oldest first (a name starts with its delivery time);
        the key is the unique part, so a mail client moving new/ -> cur/ changes nothing."""
        found: dict[str, str] = {}
        for sub in ("new", "cur"):
            try:
                entries = os.scandir(self.path / sub)
            except FileNotFoundError:
                continue
            with entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    key = entry.name.split(":", 1)[0]
                    if key not in seen:
                        found[key] = entry.path
        self._files = found
        return sorted(found, key=_delivery_order)

    def fetch(self, keys: list[int | str]) -> Iterator[Fetched]:
        for key in keys:
            name = self._files.get(str(key))
            if name is None:
                continue
            path = Path(name)
            try:
                with path.open("rb") as handle:
                    raw = handle.read(self.max_bytes + 1)
            except FileNotFoundError:  # moved by a mail client meanwhile: find it again
                moved = self._moved(str(key))
                if moved is None:
                    continue
                with moved.open("rb") as handle:
                    raw = handle.read(self.max_bytes + 1)
            yield Fetched(str(key), raw[: self.max_bytes], len(raw) > self.max_bytes)

    def _moved(self, key: str) -> Path | None:
        for sub in ("new", "cur"):
            for candidate in (self.path / sub).glob(f"{key}*"):
                return candidate
        return None

    def wait(self, timeout: float) -> bool:
        """Poll new/ (a Maildir has no push)."""
        new = self.path / "new"
        before = new.stat().st_mtime_ns if new.exists() else 0
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
            if new.exists() and new.stat().st_mtime_ns != before:
                return True
        return False

    def close(self) -> None:
        self._files = {}


def _delivery_order(key: str) -> tuple[int, int, int, str]:
    """Maildir names are `seconds.M<micro>P<pid>Q<count>.host`: by time, then count."""
    import re

    head, _, rest = key.partition(".")
    micro = re.search(r"M(\d+)", rest)
    count = re.search(r"Q(\d+)", rest)
    return (
        int(head) if head.isdigit() else 0,
        int(micro.group(1)) if micro else 0,
        int(count.group(1)) if count else 0,
        key,
    )


def token_from_command(command: str, timeout: float = 60.0) -> Secret:
    """An OAuth2 access token printed by a command the user named (as mail tools do:
    e.g. an OAuth helper that keeps and refreshes the token). Run without a shell; the
    token never appears in an error."""
    import shlex
    import subprocess

    from ctlsupport.secret import Secret

    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise ConfigError(f"imap_token_command cannot be split into words: {exc}") from None
    if not argv:
        raise ConfigError("imap_token_command is empty")
    try:
        done = subprocess.run(
            argv, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise ConfigError(f"imap_token_command: no program {argv[0]!r}") from None
    except subprocess.TimeoutExpired:
        raise AuthError(f"imap_token_command did not finish within {timeout:.0f} s") from None
    token = done.stdout.decode("utf-8", "replace").strip().splitlines()
    if done.returncode != 0 or not token:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AuthError(
            f"imap_token_command failed (exit {done.returncode})"
            + (f": {why[-1][:200]}" if why else ""),
            hint="Run the command by hand: it must print a valid access token.",
        )
    return Secret(token[0].strip())
