"""What `open` was given before any question: flags, profile defaults, a resumed draft,
the error output (a file or the pipe), and the drafts that keep what was typed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
    route: str = "auto"  # api | email | auto: by priority and the profile (open_send.choose)
    error_file: str | None = None
    error_lines: int = DEFAULT_ERROR_LINES
    stdin: IO[bytes] | None = None  # piped error output (None: stdin is a terminal)
    login_required: bool = False
    root_password_stdin: bool = False
    yes: bool = False
    dry_run: bool = False
    no_redact: bool = False
    no_error_output: bool = False  # said explicitly: there is none to give
    resume: str | None = None
    template: str | None = None  # a problem template's name
    checked: list[str] = field(default_factory=list)  # its checklist items done
    unchecked: list[str] = field(default_factory=list)  # ITEM=REASON: not done, and why
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
    draft_id = _resume(values, opts.resume, session, opts) if opts.resume else None
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
        from ctlsupport.actions.open_send import check_email_route, choose

        priority = str(values.get("priority") or "")
        if choose(session, opts.route, priority, opts.process.kind) == "email":
            check_email_route(profile, values, opts.process.kind)  # before anything is typed
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
    if opts.no_error_output:
        if error_file is not None:  # a pipe left open by a script is not an answer
            raise InvalidInput("--no-error-output goes without --error-file")
        from ctlsupport.core.fields import NO_ERROR_OUTPUT

        values.set("error_text", NO_ERROR_OUTPUT)
        return
    if error_file == "-" or (error_file is None and stdin is not None):
        if stdin is None:
            raise InvalidInput("--error-file -: nothing is piped on stdin")
        with _say_when_waiting(session):
            log = _read_log(stdin, opts.error_lines, opts.no_redact)
    elif error_file is not None:
        try:
            with Path(error_file).expanduser().open("rb") as handle:
                log = _read_log(handle, opts.error_lines, opts.no_redact)
        except OSError as exc:
            raise InvalidInput(f"--error-file: cannot read {error_file}: {exc.strerror}") from None
    else:  # nothing given now: keep what a resumed draft had
        if values.get("error_text") in (None, ""):
            values.set("error_text", None)
        return
    if log.archive is not None:
        values.set("attachments", [*(values.get("attachments") or []), str(log.archive)])
    values.set("error_text", log.text if log.text.strip() else None)


# A pipe that stays silent this long gets one line on stderr, so nobody waits blind.
STDIN_NOTE_AFTER = 2.0


@contextmanager
def _say_when_waiting(session: Session) -> Iterator[None]:
    """Say once, after a short pause, that the error output is read from stdin."""
    import threading

    timer = threading.Timer(
        STDIN_NOTE_AFTER,
        session.notes.note,
        ["Reading the error output from stdin (it ends when the pipe closes, Ctrl-D)..."],
    )
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


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


FLAGS_KEY = "_flags"  # the flags of the run a draft was made in


def draft_payload(values: compose.Values) -> dict:
    """What a draft keeps of the values: all but the PIN."""
    data = {k: v for k, v in values.data.items() if k != "pin" and v not in (None, "", [])}
    data["login_required"] = values.login_required
    return data


def save_draft(
    session: Session,
    values: compose.Values,
    draft_id: int | None,
    why: str,
    opts: OpenOptions | None = None,
) -> int:
    """Keep what was typed as an `open` draft (with the flags that turned checks off),
    under this run's profile; its number."""
    from ctlsupport.actions import draft_place
    from ctlsupport.store import db
    from ctlsupport.store.drafts import Drafts

    payload = draft_payload(values)
    if payload.get("attachments"):
        payload["attachments"] = [_kept_file(path) for path in payload["attachments"]]
    if opts is not None:
        payload[FLAGS_KEY] = {
            "suggest": opts.process.suggest,
            "duplicate_check": opts.process.duplicate_check,
        }
    return Drafts(db.connect()).save(
        "open",
        draft_place.here(session),
        payload,
        summary=str(values.get("subject") or "(no subject yet)"),
        reason=why,
        draft_id=draft_id,
    )


def _kept_file(path: str) -> str:
    """An attachment that lives only as long as this run (the whole error output, in a
    temporary folder) is copied beside the drafts, so that the draft keeps it."""
    import shutil
    import tempfile
    import uuid

    from ctlsupport.config import paths

    source = Path(path)
    temporary = Path(tempfile.gettempdir()) in source.parents and source.is_file()
    if not temporary or not source.parent.name.startswith("ctlsupport-"):
        return path
    folder = paths.ensure_private_dir(paths.data_dir() / "drafts" / uuid.uuid4().hex)
    return str(shutil.copy2(source, folder / source.name))


def _resume(values: compose.Values, which: str, session: Session, opts: OpenOptions) -> int:
    from ctlsupport.actions import draft_place

    draft = draft_place.pick(session, which, "open", "open --resume {id}")
    for name, value in draft.payload.items():
        if name == "login_required":
            values.login_required = bool(value)
        elif name == FLAGS_KEY:  # flags that turned checks off stay off
            opts.process.suggest = False if value.get("suggest") is False else opts.process.suggest
            opts.process.duplicate_check = opts.process.duplicate_check and value.get(
                "duplicate_check", True
            )
        else:
            values.set(name, value)
    return draft.id


def drop_draft(draft_id: int) -> None:
    """Forget a draft, and the copies of run-long attachments it kept."""
    import shutil

    from ctlsupport.config import paths
    from ctlsupport.store import db
    from ctlsupport.store.drafts import Drafts

    drafts = Drafts(db.connect())
    kept = paths.data_dir() / "drafts"
    for path in drafts.get(draft_id).payload.get("attachments") or []:
        if Path(path).parent.parent == kept:
            shutil.rmtree(Path(path).parent, ignore_errors=True)
    drafts.drop(draft_id)
