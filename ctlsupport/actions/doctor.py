"""The checks of `ctlsupport doctor`: config, keyring, desk, sign-in, identity, clock,
the route (the SMTP server) and the outbox, each a line with its status and, when it
fails, the exit code to report."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ctlsupport.errors import CtlError
from ctlsupport.exitcodes import ExitCode

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session
    from ctlsupport.config.settings import Profile

# The codes the epilog promises (tests/cli/test_doctor_codes.py holds both to them).
DOCUMENTED_CODES = (4, 5, 6, 7, 8, 9)
# More than this between our clock and the desk's breaks token lifetimes and TLS.
SKEW_WARN_SECONDS = 120


@dataclass
class Check:
    """One line of the report."""

    name: str
    status: str  # ok | warn | fail | skip
    detail: str
    exit_code: int = ExitCode.OK


class DoctorFailed(CtlError):
    code = "doctor"


@dataclass
class _Run:
    state: Session
    checks: list[Check]
    profile: Profile | None = None
    desk_date: str | None = None
    reachable: bool = False
    me: dict[str, Any] | None = None

    def add(self, name: str, status: str, detail: str, exit_code: int = ExitCode.OK) -> None:
        self.checks.append(Check(name, status, detail, int(exit_code)))

    def guarded(self, name: str, step: Callable[[], None]) -> None:
        """Run one check; a CtlError becomes a failed line with its exit code."""
        try:
            step()
        except CtlError as exc:
            hint = f" ({exc.hint})" if exc.hint else ""
            code = exc.exit_code if exc.exit_code in DOCUMENTED_CODES else ExitCode.CONFIG
            self.add(name, "fail", exc.message + hint, code)  # a bad value: configuration


def _config(run: _Run) -> None:
    from ctlsupport.config import paths
    from ctlsupport.core import validate

    profile = run.state.profile()
    if not profile.alias:
        run.add("config", "fail", f"profile {profile.name!r} has no support alias", ExitCode.CONFIG)
        return
    try:
        validate.check_desk_url(profile.desk_url)
    except validate.FieldInvalid as exc:
        run.add("config", "fail", f"desk URL {exc}", ExitCode.CONFIG)
        return
    run.profile = profile
    where = "--sandbox" if run.state.sandbox else str(paths.config_file())
    warning = None if run.state.sandbox else validate.plain_http_warning(profile.desk_url)
    if warning:
        run.add("config", "warn", f"profile {profile.name!r} from {where}: desk URL {warning}")
    else:
        run.add("config", "ok", f"profile {profile.name!r} from {where}")


def _keyring(run: _Run) -> None:
    from ctlsupport.config import secrets
    from ctlsupport.errors import KeyringUnavailable

    name = run.profile.name if run.profile else "doctor"
    storage = run.profile.storage if run.profile else ""
    if storage in ("file", "env") and not run.state.sandbox:  # the choice made in setup
        where = f"a plain 0600 file ({secrets.insecure_path()})" if storage == "file" else ""
        where = where or "the environment (storage = env)"
        run.add("keyring", "warn", f"not used: this profile's secrets are in {where}")
        return
    try:
        backend = secrets.backend_name()
        secrets.round_trip(name)
    except KeyringUnavailable as exc:
        # Not fatal where nothing needs it: the embedded desk, or secrets given in the env.
        method = run.profile.auth if run.profile else ""
        kind = {"oauth": "oauth-access", "none": "pin"}.get(method, method)
        if run.state.sandbox or (kind in secrets.ENV_VARS and secrets.from_env(kind)):
            run.add("keyring", "warn", f"{exc.message} (not needed here)")
            return
        raise
    if secrets.insecure_in_use():
        run.add(
            "keyring",
            "warn",
            f"{backend} works, but secrets sit in a plain file: {secrets.insecure_path()}",
        )
    else:
        run.add("keyring", "ok", f"{backend}: write, read and delete work")


def _desk(run: _Run) -> None:
    import requests

    from ctlsupport.errors import DeskUnreachable

    assert run.profile is not None
    url = f"{run.profile.desk_url}/api/v2/users/me.json"
    try:
        response = requests.get(url, timeout=(5, 15), headers={"Accept": "application/json"})
    except requests.RequestException:
        raise DeskUnreachable(f"cannot reach the desk at {run.profile.desk_url}") from None
    run.reachable = True
    run.desk_date = response.headers.get("Date")
    run.add("desk", "ok", f"{run.profile.desk_url} answers (HTTP {response.status_code})")


def _credentials(run: _Run) -> None:
    assert run.profile is not None
    if run.profile.auth == "none" and not run.state.sandbox:
        run.add("sign-in", "skip", "no API sign-in: this profile works by email")
        return
    run.me = run.state.client(run.profile).me()
    run.add("sign-in", "ok", f"the desk accepts the {run.profile.auth} sign-in")


def _identity(run: _Run) -> None:
    from ctlsupport.actions.signin import IDENTITY_REASON

    assert run.profile is not None and run.me is not None
    email = str(run.me.get("email") or "")
    if email.lower() == run.profile.alias.lower():
        run.add("identity", "ok", f"signed in as the support alias {email}")
    else:
        run.add(
            "identity",
            "fail",
            f"signed in as {email or 'an anonymous user'}, not {run.profile.alias}: "
            f"{IDENTITY_REASON}",
            ExitCode.AUTH,
        )


def _clock(run: _Run) -> None:
    from email.utils import parsedate_to_datetime

    if not run.desk_date:
        run.add("clock", "skip", "the desk sent no Date header")
        return
    desk = parsedate_to_datetime(run.desk_date).timestamp()
    skew = time.time() - desk
    text = f"{abs(skew):.0f} s {'ahead of' if skew >= 0 else 'behind'} the desk"
    if abs(skew) > SKEW_WARN_SECONDS:
        run.add("clock", "warn", f"this clock is {text}: set the time (NTP)")
    else:
        run.add("clock", "ok", f"this clock is {text}")


def _method(run: _Run) -> None:
    from ctlsupport.actions import signin
    from ctlsupport.actions import tokens as stored
    from ctlsupport.config import secrets

    assert run.profile is not None
    profile = run.profile
    if run.state.sandbox:
        run.add("sign-in method", "ok", "the embedded sandbox desk's token")
        return
    if profile.auth == "none":
        run.add("sign-in method", "ok", "none: tickets by email, followed in the alias's mailbox")
        return
    legacy = signin.legacy_warning(profile.auth)
    if legacy:
        run.add("sign-in method", "warn", f"{profile.auth}: {legacy}")
        return
    if secrets.from_env("oauth-access") is not None:
        run.add("sign-in method", "ok", "oauth, from CTLSUPPORT_OAUTH_TOKEN")
        return
    tokens = stored.load_tokens(profile)
    if tokens is None:
        run.add("sign-in method", "fail", "oauth, not signed in", ExitCode.AUTH)
    elif tokens.expires_at is None:
        run.add("sign-in method", "ok", "oauth, the token does not expire")
    elif tokens.expired() and tokens.refresh is None:
        run.add("sign-in method", "warn", "oauth, the token has expired: sign in again")
    else:
        renew = ", renewed automatically" if tokens.refresh else ""
        run.add(
            "sign-in method", "ok", f"oauth, expires {stored.iso_time(tokens.expires_at)}{renew}"
        )


NO_SMTP = (
    "the email route has no SMTP server: `ctlsupport setup --via email --smtp-host HOST` "
    "(docs/email.md)"
)
API_ONLY = (
    "API only: urgent and high go through the API, where the desk drops an end user's "
    "priority; set an SMTP server (docs/email.md)"
)


def _route(run: _Run) -> None:
    """How tickets go: by email (the SMTP server must take a session), or the API with
    urgent and high by email where a mail server is set."""
    from ctlsupport.actions.mail_delivery import smtp_settings
    from ctlsupport.core import routing
    from ctlsupport.transport import mail

    assert run.profile is not None
    profile = run.profile
    by_mail = profile.via == "email" or profile.auth == "none"
    if not routing.can_send_mail(profile.smtp_host, profile.alias):
        if by_mail:
            run.add("route", "fail", NO_SMTP, ExitCode.CONFIG)
        else:
            run.add("route", "warn", API_ONLY)
        return
    server = smtp_settings(profile)
    greeting = mail.probe(server)
    how = "email" if by_mail else "the API; urgent and high by email"
    run.add("route", "ok", f"{how}, through {server.where} ({server.security}): {greeting}")


def _outbox(run: _Run) -> None:
    try:
        from ctlsupport.store import db
        from ctlsupport.store.outbox import Outbox
    except ImportError:
        run.add("outbox", "skip", "not available")
        return
    name = run.profile.name if run.profile else None
    pending = Outbox(db.connect()).pending(name)
    if pending:
        run.add("outbox", "warn", f"{len(pending)} item(s) waiting: `ctlsupport outbox send`")
    else:
        run.add("outbox", "ok", "nothing waiting")


def run_checks(state: Session) -> list[Check]:
    """Every check that applies, in order: a later one is skipped when what it needs
    (a profile, a desk that answers, a signed-in user) failed."""
    run = _Run(state, [])
    run.guarded("config", lambda: _config(run))
    run.guarded("keyring", lambda: _keyring(run))
    if run.profile is not None:
        run.guarded("desk", lambda: _desk(run))
    if run.reachable:
        run.guarded("sign-in", lambda: _credentials(run))
        if run.me is not None:
            run.guarded("identity", lambda: _identity(run))
        run.guarded("clock", lambda: _clock(run))
    if run.profile is not None:
        run.guarded("sign-in method", lambda: _method(run))
        run.guarded("route", lambda: _route(run))
    run.guarded("outbox", lambda: _outbox(run))
    return run.checks
