"""Error classes: each carries a stable code, an exit code and a hint for the user."""

from __future__ import annotations

from ctlsupport.exitcodes import ExitCode


class CtlError(Exception):
    """Base class of every error the user should see as one line, not a traceback."""

    code: str = "error"
    exit_code: ExitCode = ExitCode.ERROR
    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint
        self.details = details


class UsageError(CtlError):
    code = "usage"
    exit_code = ExitCode.USAGE


class InvalidInput(CtlError):
    code = "invalid_input"
    exit_code = ExitCode.INVALID_INPUT


class MissingFields(InvalidInput):
    code = "missing_fields"


class NotFound(CtlError):
    code = "not_found"
    exit_code = ExitCode.NOT_FOUND


class AuthError(CtlError):
    code = "auth"
    exit_code = ExitCode.AUTH


class DeskUnreachable(CtlError):
    code = "unreachable"
    exit_code = ExitCode.UNREACHABLE
    hint = "Check the desk URL (`ctlsupport config show`) and your network, then try again."
    maybe_sent = False  # True when the request may have reached the desk (answer lost)


class DeskError(CtlError):
    code = "desk_error"
    exit_code = ExitCode.DESK_ERROR
    retry_after: float | None = None  # seconds, from the desk's Retry-After header


class BadAnswer(DeskError):
    """The desk answered something the API does not promise (empty, not JSON, a missing
    key, a link to another host, too large). After a create it may have been done."""

    code = "bad_answer"

    def __init__(self, message: str, *, maybe_sent: bool = False, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.maybe_sent = maybe_sent


class DeskValidation(DeskError):
    code = "desk_validation"


class RateLimited(DeskError):
    code = "rate_limited"


class ConfigError(CtlError):
    code = "config"
    exit_code = ExitCode.CONFIG


class LocalFilesError(CtlError):
    """A local database or folder that cannot be used as it is (left untouched)."""

    code = "local_files"
    exit_code = ExitCode.LOCAL_FILES


class KeyringUnavailable(CtlError):
    code = "keyring"
    exit_code = ExitCode.KEYRING


class Queued(CtlError):
    code = "queued"
    exit_code = ExitCode.QUEUED
    # Epoch seconds since a send may still be under way at the desk (None: none is).
    unsettled_since: float | None = None


class Cancelled(CtlError):
    code = "cancelled"
    exit_code = ExitCode.CANCELLED


class Interrupted(CtlError):
    code = "interrupted"
    exit_code = ExitCode.INTERRUPTED


class UnknownOAuthClient(AuthError):
    """The desk does not know the OAuth client: only its admin can register it."""

    code = "oauth_client_unknown"
    hint = (
        "Ask the provider's desk admin to register it (docs/provider-setup.md says exactly "
        "what); meanwhile use the email route: `ctlsupport setup --via email` (docs/email.md)."
    )
