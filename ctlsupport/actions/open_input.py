"""What `open` was given before any question: flags, profile defaults, a resumed draft,
the error output (a file or the pipe), and the drafts that keep what was typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ctlsupport.actions.open_checks import Options as ProcessOptions
from ctlsupport.core import compose
from ctlsupport.core.errorlog import DEFAULT_LINES as DEFAULT_ERROR_LINES
from ctlsupport.errors import InvalidInput, NotFound
from ctlsupport.secret import SCRUBBER, Secret

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session
    from ctlsupport.core.redact import Redactor
    from ctlsupport.model import TicketDraft


@dataclass
class OpenOptions:
    """What `open` (and `task`) was given: field values by field name, and how to send."""

    fields: dict[str, object] = field(default_factory=dict)
    route: str = "api"
    error_file: str | None = None
    error_lines: int = DEFAULT_ERROR_LINES
    stdin: IO[bytes] | None = None  # piped error output (None: stdin is a terminal)
    login_required: bool = False
    root_password_stdin: bool = False
    yes: bool = False
    dry_run: bool = False
    no_redact: bool = False
    resume: str | None = None
    process: ProcessOptions = field(default_factory=ProcessOptions)


def values_from(
    opts: OpenOptions, session: Session, asking: bool
) -> tuple[compose.Values, int | None]:
    """The field values: flags, else a resumed draft, else the profile's defaults; and
    the number of the draft resumed. Missing flags fail here, before stdin is read."""
    profile = _profile_or_blank(session)
    given = dict(opts.fields)
    given["priority"] = given.get("priority") or (None if asking else "normal")
    for name in ("datacenter", "portal_username", "full_name"):
        given[name] = given.get(name) or getattr(profile, name)
    given["attachments"] = given.get("attachments") or []
    given["cc"] = given.get("cc") or []
    values = compose.Values()
    draft_id = _resume(values, opts.resume) if opts.resume else None
    for name, value in given.items():
        if value or values.get(name) in (None, "", []):  # flags win over the draft
            values.set(name, value)
    values.set("pin", session.secret("pin", profile))
    values.login_required = opts.login_required or opts.root_password_stdin
    if not asking:
        # Fail fast on missing flags before waiting on a pipe that may never close.
        early = [f for f in compose.missing(values) if f.name != "error_text"]
        if early:
            values.set("error_text", "(checked later)")
            compose.require_complete(values)
    if not opts.dry_run:
        profile = session.profile()  # no profile: say so before waiting on stdin
        if opts.route == "email":  # an incomplete email route: say so before anything is typed
            from ctlsupport.actions.open_send import check_email_route

            check_email_route(profile, values, opts.process.kind)
    return values, draft_id


def _profile_or_blank(session: Session):
    """The profile for defaults; a missing one only matters once we talk to the desk."""
    from ctlsupport.config.settings import Profile

    try:
        return session.profile()
    except NotFound:
        return Profile()


def read_error_text(opts: OpenOptions, session: Session, values: compose.Values) -> None:
    """The last lines of --error-file or piped stdin (the root password first); longer
    output is streamed whole, gzip-compressed, to an attachment."""
    stdin = opts.stdin
    if opts.root_password_stdin:
        if stdin is None:
            raise InvalidInput("--root-password-stdin needs the password piped on stdin")
        first = stdin.readline().rstrip(b"\r\n").decode("utf-8", errors="replace")
        if not first:
            raise InvalidInput("--root-password-stdin: the first line of stdin is empty")
        values.root_password = Secret(first)
        SCRUBBER.add(first)
    error_file = opts.error_file
    if error_file == "-" or (error_file is None and stdin is not None):
        if stdin is None:
            raise InvalidInput("--error-file -: nothing is piped on stdin")
        log = _read_log(stdin, opts.error_lines, opts.no_redact)
    elif error_file is not None:
        try:
            with Path(error_file).expanduser().open("rb") as handle:
                log = _read_log(handle, opts.error_lines, opts.no_redact)
        except OSError as exc:
            raise InvalidInput(f"--error-file: cannot read {error_file}: {exc.strerror}") from None
    else:
        values.set("error_text", None)
        return
    if log.archive is not None:
        values.set("attachments", [*(values.get("attachments") or []), str(log.archive)])
    values.set("error_text", log.text if log.text.strip() else None)


def _read_log(source: IO[bytes], lines: int, no_redact: bool):
    """Stream the error output; the whole of it goes, redacted, to a private temp dir."""
    import atexit
    import shutil
    import tempfile

    from ctlsupport.core import errorlog
    from ctlsupport.core.redact import Redactor

    folder = Path(tempfile.mkdtemp(prefix="ctlsupport-"))
    atexit.register(shutil.rmtree, folder, True)  # the outbox keeps its own copy
    redact = None if no_redact else Redactor(known=SCRUBBER.values()).line
    return errorlog.read(source, lines=lines, archive_dir=folder, redact=redact)


def redactor() -> Redactor:
    """Redacts secret-looking text and every secret this run knows (PIN, passwords)."""
    from ctlsupport.core.redact import Redactor

    return Redactor(known=SCRUBBER.values())


def scripted_draft(
    session: Session, values: compose.Values, redactor: Redactor | None
) -> TicketDraft:
    """The draft of a run without questions: complete, or an error naming the flags."""
    compose.require_complete(values)
    draft = compose.to_draft(values)
    for note in compose.warnings(draft):
        session.notes.warn(note)
    if redactor is not None:
        draft.error_text = redactor.text(draft.error_text)
        if redactor.found:
            session.notes.note(f"Redacted from the error text: {redactor.summary()}")
    return draft


# -- drafts --------------------------------------------------------------------------------


def _draft_payload(values: compose.Values) -> dict:
    data = {k: v for k, v in values.data.items() if k != "pin" and v not in (None, "", [])}
    data["login_required"] = values.login_required
    return data


def save_draft(session: Session, values: compose.Values, draft_id: int | None, why: str) -> int:
    """Keep what was typed as an `open` draft; its number."""
    from ctlsupport.store import db
    from ctlsupport.store.drafts import Drafts

    return Drafts(db.connect()).save(
        "open",
        session.profile().name,
        _draft_payload(values),
        summary=str(values.get("subject") or "(no subject yet)"),
        reason=why,
        draft_id=draft_id,
    )


def _resume(values: compose.Values, which: str) -> int:
    from ctlsupport.store import db
    from ctlsupport.store.drafts import Drafts

    if which != "latest" and not which.isdigit():
        raise InvalidInput(f"--resume takes a draft number, not {which!r}")
    draft = Drafts(db.connect()).get(None if which == "latest" else int(which), kind="open")
    for name, value in draft.payload.items():
        if name == "login_required":
            values.login_required = bool(value)
        else:
            values.set(name, value)
    return draft.id


def drop_draft(draft_id: int) -> None:
    from ctlsupport.store import db
    from ctlsupport.store.drafts import Drafts

    Drafts(db.connect()).drop(draft_id)
