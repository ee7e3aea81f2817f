"""What one run holds, with no terminal: settings, profile, secrets, the desk client.

The terminal layer's `AppState` extends it with the output and the prompts; actions see
only this. Notes for the person (warnings, hints, --debug lines) go through `notes`."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ctlsupport.config import settings
from ctlsupport.errors import AuthError, ConfigError, KeyringUnavailable
from ctlsupport.secret import Secret

if TYPE_CHECKING:
    from ctlsupport.actions.asker import Asker
    from ctlsupport.config.settings import Profile, Settings
    from ctlsupport.sandbox import SandboxServer
    from ctlsupport.transport.deadline import Deadline
    from ctlsupport.transport.http import Credentials
    from ctlsupport.transport.zendesk import DeskClient

# The embedded desk's seeded end user (documented in docs/sandbox.md).
SANDBOX_ALIAS = "support@partner.example"
SANDBOX_TOKEN = "sandbox-token"


class Notes(Protocol):
    """Where an action's words for the person go (stderr in a terminal, never stdout)."""

    def note(self, message: str) -> None: ...
    def warn(self, message: str) -> None: ...
    def debug_line(self, message: str) -> None: ...


class QuietNotes:
    """Notes kept in lists: for runs with nobody to tell, and for tests."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.warnings: list[str] = []

    def note(self, message: str) -> None:
        self.notes.append(message)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def debug_line(self, message: str) -> None:
        pass


@dataclass
class Session:
    """What one run holds: global options, and what they resolve to."""

    profile_name: str | None = None
    sandbox: bool = False
    no_input: bool = False
    debug: bool = False
    notes: Notes = field(default_factory=QuietNotes)
    _settings: Settings | None = field(default=None, init=False)
    _server: SandboxServer | None = field(default=None, init=False)
    _keyring_warned: bool = field(default=False, init=False)
    talked_to_desk: bool = field(default=False, init=False)
    outbox_flushed: bool = field(default=False, init=False)  # queued items already sent
    smtp_passwords: dict[str, Secret] = field(default_factory=dict, init=False)  # asked once
    _deadline: Deadline | None = field(default=None, init=False)
    _url_warned: bool = field(default=False, init=False)

    def warn_insecure_storage(self) -> None:
        """Every command says so while secrets sit in the opt-in plain file."""
        from ctlsupport.config import paths

        if not paths.insecure_secrets_file().exists():  # the usual case: no more to read
            return
        from ctlsupport.config import secrets

        if secrets.insecure_in_use():
            self.notes.warn(
                f"secrets are stored in a plain file ({secrets.insecure_path()}), "
                "not in the OS keyring; `ctlsupport auth status` shows which"
            )

    def asker(self) -> Asker:
        """Who answers questions in this run: nobody, unless the terminal layer says so."""
        from ctlsupport.actions.asker import NoAsker

        return NoAsker()

    def progress(self, message: str = "Sending to the desk...") -> ContextManager[Any]:
        """A context that shows work with the desk; it yields the upload callback
        `(name, sent, total)`. Without a terminal, nothing is shown."""
        return nullcontext(None)

    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = settings.load()
        return self._settings

    def profile(self) -> Profile:
        """The chosen profile; with --sandbox, the ready-made one for the embedded desk."""
        if self.sandbox:
            saved = self.settings().profiles.get(settings.SANDBOX_PROFILE)
            base = saved or settings.Profile(name=settings.SANDBOX_PROFILE)
            base.desk_url = self.sandbox_server().url
            base.status_url = base.desk_url  # the embedded desk serves the status page too
            base.alias = SANDBOX_ALIAS
            # `auth = none` plays a partner with no API access (email and mailbox only).
            base.auth = "none" if saved and saved.auth == "none" else "token"
            if not base.imap_host and not base.maildir:  # the desk's notifications
                from ctlsupport.actions.mailbox import sandbox_maildir

                base.maildir = sandbox_maildir(SANDBOX_ALIAS)
            # The email route goes to the embedded desk's own SMTP intake.
            base.smtp_host, base.smtp_port = "127.0.0.1", str(self.sandbox_server().smtp_port)
            base.smtp_security, base.smtp_user = "none", ""
            return base
        return self.settings().profile(self.profile_name)

    def sandbox_server(self) -> SandboxServer:
        """Start the embedded desk on a free loopback port, once per run."""
        if self._server is None:
            from ctlsupport.config import paths
            from ctlsupport.sandbox import SandboxConfig, SandboxServer

            config = SandboxConfig(
                data_dir=paths.ensure_private_dir(paths.sandbox_dir()), smtp_port=0
            )
            self._server = SandboxServer(config).start()
            self.notes.debug_line(f"embedded sandbox desk at {self._server.url}")
        return self._server

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def secret(self, kind: str, profile: Profile) -> Secret | None:
        """A stored or env-given secret; a missing keyring is a warning, not a failure."""
        from ctlsupport.config import secrets

        try:
            return secrets.get(profile.name, kind, profile.alias)
        except KeyringUnavailable as exc:
            # Say it once: the command may still have what it needs (a prompt, env).
            if not self._keyring_warned:
                self._keyring_warned = True
                self.notes.warn(f"{exc.message}; cannot read the stored {kind}")
                self.notes.note(f"hint: {exc.hint}")
            return None

    def credentials(self, profile: Profile) -> Credentials:
        from ctlsupport.config import secrets
        from ctlsupport.transport.http import Credentials

        if profile.auth == "none":
            raise AuthError(
                f"profile {profile.name!r} has no API access (auth = none)",
                hint="`list`, `show` and `watch` read the alias's mailbox instead "
                "(`ctlsupport sync`; docs/email.md); when the provider gives API access, "
                "`ctlsupport config set auth oauth`.",
            )
        if self.sandbox:
            return Credentials(SANDBOX_ALIAS, "token", Secret(SANDBOX_TOKEN))
        if not profile.alias:
            raise ConfigError(
                f"profile {profile.name!r} has no support alias",
                hint="Run `ctlsupport setup --alias support@your-company.example`.",
            )
        if profile.auth == "oauth":
            from ctlsupport.actions import tokens as stored

            return stored.oauth_credentials(profile)
        kind = "token" if profile.auth == "token" else "password"
        env_var = secrets.ENV_VARS[kind]
        try:
            secret = secrets.get(profile.name, kind, profile.alias)
        except KeyringUnavailable as exc:
            raise KeyringUnavailable(
                f"{exc.message}, and {env_var} is not set",
                hint=f"Set {env_var}, or start and unlock a Secret Service "
                "(see `ctlsupport doctor`).",
            ) from None
        if secret is None:
            raise AuthError(
                f"no desk {kind} for profile {profile.name!r}",
                hint=f"Store it with `ctlsupport setup`, or set {env_var}.",
            )
        return Credentials(profile.alias, kind, secret)

    @property
    def debug_sink(self) -> Callable[[str], None] | None:
        """Where --debug lines go, or None without --debug."""
        return self.notes.debug_line if self.debug else None

    def client(self, profile: Profile | None = None, *, quick: bool = False) -> DeskClient:
        """A client of the profile's desk; `quick`: one try with a short wait, for lookups
        that only help (a duplicate check must not hold a ticket up)."""
        from ctlsupport.actions import tokens as stored
        from ctlsupport.transport.http import DeskSession
        from ctlsupport.transport.zendesk import DeskClient

        profile = profile or self.profile()
        self.talked_to_desk = True
        self._warn_plain_http(profile.desk_url)
        credentials = self.credentials(profile)
        # OAuth: renews the access token once when the desk calls it invalid.
        renew = None if self.sandbox else stored.refresher(profile)
        session = DeskSession(
            profile.desk_url,
            credentials,
            debug=self.debug_sink,
            on_invalid_token=renew,
            quick=quick,
            # Lookups that only help have their own short wait; the rest share one.
            deadline=None if quick else self.deadline(profile),
        )
        return DeskClient(session)

    def _warn_plain_http(self, desk_url: str) -> None:
        """Once per run: credentials to a remote desk over plain http:// travel readable."""
        from ctlsupport.core.validate import plain_http_warning

        if not self._url_warned and (risk := plain_http_warning(desk_url)):
            self._url_warned = True
            self.notes.warn(risk)

    def deadline(self, profile: Profile) -> Deadline:
        """The one deadline of this command's waits for the desk (the `deadline`
        setting or CTLSUPPORT_DEADLINE); a note says when it waits long."""
        if self._deadline is None:
            from ctlsupport.transport.deadline import Deadline, default_seconds

            self._deadline = Deadline(default_seconds(profile.deadline), on_wait=self.notes.note)
        return self._deadline
