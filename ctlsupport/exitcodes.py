"""The one table of exit codes; code, docs and tests all read it from here."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit statuses, stable across releases."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INVALID_INPUT = 3
    NOT_FOUND = 4
    AUTH = 5
    UNREACHABLE = 6
    DESK_ERROR = 7
    CONFIG = 8
    KEYRING = 9
    QUEUED = 10
    CANCELLED = 11
    LOCAL_FILES = 12
    INTERRUPTED = 130


# One line each, for `docs/reference/exit-codes.md` and `--help`.
DESCRIPTIONS: dict[ExitCode, str] = {
    ExitCode.OK: "Success.",
    ExitCode.ERROR: "Unexpected internal error (run with --debug and report it).",
    ExitCode.USAGE: "Bad command line: unknown option, missing argument, wrong value type.",
    ExitCode.INVALID_INPUT: "A ticket field is missing or invalid; the message names every one.",
    ExitCode.NOT_FOUND: "The ticket, profile, draft or file asked for does not exist.",
    ExitCode.AUTH: "The desk refused the credentials, or none are available.",
    ExitCode.UNREACHABLE: (
        "The desk could not be reached, did not answer within the command's deadline, "
        "or its answer was cut off."
    ),
    ExitCode.DESK_ERROR: (
        "The desk answered with an error (validation, rate limit, server error), "
        "or with something the API does not promise (empty, not JSON, a missing key)."
    ),
    ExitCode.CONFIG: "The configuration file is invalid or the profile is incomplete.",
    ExitCode.KEYRING: "The OS keyring is missing, locked or did not answer.",
    ExitCode.QUEUED: "Not delivered yet: the submission is kept and can be sent again.",
    ExitCode.CANCELLED: "Cancelled at a prompt; nothing was sent.",
    ExitCode.LOCAL_FILES: (
        "A local file cannot be used: the database is damaged, locked by another process, "
        "from a newer version, or the folder is read-only; nothing in it is touched."
    ),
    ExitCode.INTERRUPTED: "Interrupted with Ctrl-C.",
}
