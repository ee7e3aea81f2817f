"""`ctlsupport open`: collect every field the provider requires, preview, submit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ctlsupport.cli import open_checks, options
from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import Yes
from ctlsupport.core import compose, fields
from ctlsupport.core.errorlog import DEFAULT_LINES as DEFAULT_ERROR_LINES
from ctlsupport.errors import ConfigError, Interrupted, InvalidInput, NotFound
from ctlsupport.secret import SCRUBBER, Secret

HELP = "Open a new ticket with every field the provider requires."
EPILOG = (
    "Examples:\n\n"
    "  ctlsupport open\n\n"
    "  make deploy 2>&1 | ctlsupport --no-input open --subject 'ACME: deploy fails' "
    "--customer-name 'Acme Corp' --customer-alias ACME --server VA1ACMEWEB01 "
    "--ip 203.0.113.10 --datacenter VA1 --description '...' --steps '...'"
)


def _opt(name: str, **extra):
    from ctlsupport.cli.complete import FIELD_COMPLETERS

    spec = fields.BY_NAME[name]
    if name in FIELD_COMPLETERS:
        extra["autocompletion"] = FIELD_COMPLETERS[name]
    return typer.Option(spec.flag, help=spec.help, **extra)


def open_ticket(
    ctx: typer.Context,
    subject: Annotated[str | None, _opt("subject")] = None,
    priority: Annotated[str | None, _opt("priority")] = None,
    partner_ticket: Annotated[str | None, _opt("partner_ticket")] = None,
    customer_name: Annotated[str | None, _opt("customer_name")] = None,
    customer_alias: Annotated[str | None, _opt("customer_alias")] = None,
    datacenter: Annotated[str | None, _opt("datacenter")] = None,
    server: Annotated[str | None, _opt("server")] = None,
    ip: Annotated[str | None, _opt("ip")] = None,
    portal_username: Annotated[str | None, _opt("portal_username")] = None,
    full_name: Annotated[str | None, _opt("full_name")] = None,
    description: Annotated[str | None, _opt("description")] = None,
    steps: Annotated[str | None, _opt("steps")] = None,
    error_file: Annotated[str | None, _opt("error_text", metavar="FILE")] = None,
    error_lines: Annotated[
        int,
        typer.Option(
            "--error-lines",
            min=1,
            metavar="N",
            help="Keep the last N lines of the error output in the ticket body; "
            "longer output is also attached whole, gzip-compressed.",
        ),
    ] = DEFAULT_ERROR_LINES,
    attach: Annotated[list[str] | None, _opt("attachments", metavar="FILE")] = None,
    cc: Annotated[list[str] | None, _opt("cc", metavar="EMAIL")] = None,
    login_required: Annotated[
        bool,
        typer.Option(
            "--login-required",
            help="The provider must log in to the server: ask for the root/admin password.",
        ),
    ] = False,
    root_password_stdin: Annotated[
        bool,
        typer.Option(
            "--root-password-stdin",
            help="Read the root/admin password from the first line of stdin "
            "(the rest of stdin is the error text).",
        ),
    ] = False,
    via: Annotated[
        str | None,
        options.via_option(
            "api (the desk's API) or email (a message from the support alias to the "
            "address for the priority); default: the profile's `via`, else api."
        ),
    ] = None,
    yes: Yes = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print what would be sent, secrets masked; send nothing."),
    ] = False,
    no_redact: Annotated[
        bool,
        typer.Option(
            "--no-redact",
            help="Send the error text and text attachments as they are, secrets included.",
        ),
    ] = False,
    resume: Annotated[
        str | None,
        typer.Option(
            "--resume",
            metavar="[DRAFT]",
            help="Continue an interrupted ticket: the newest draft, or draft number DRAFT.",
        ),
    ] = None,
    kind: open_checks.KindOption = "incident",
    breach: open_checks.BreachOption = False,
    impact: open_checks.ImpactOption = None,
    criterion: open_checks.CriterionOption = None,
    due: open_checks.DueOption = None,
    out_of_scope_ok: open_checks.OutOfScopeOption = False,
    no_duplicate_check: open_checks.NoDuplicateOption = False,
    suggest: open_checks.SuggestOption = None,
) -> None:
    state: AppState = ctx.obj
    from ctlsupport.cli import prompts

    asking = prompts.interactive(state.no_input)
    profile = _profile_or_blank(state)
    route = options.route(via, profile.via)
    values = compose.Values()
    given = {
        "subject": subject,
        "priority": priority or (None if asking else "normal"),
        "partner_ticket": partner_ticket,
        "customer_name": customer_name,
        "customer_alias": customer_alias,
        "datacenter": datacenter or profile.datacenter,
        "server": server,
        "ip": ip,
        "portal_username": portal_username or profile.portal_username,
        "full_name": full_name or profile.full_name,
        "description": description,
        "steps": steps,
        "attachments": attach or [],
        "cc": cc or [],
    }
    draft_id = _resume(values, resume) if resume else None
    for name, value in given.items():
        if value or values.get(name) in (None, "", []):  # flags win over the draft
            values.set(name, value)
    values.set("pin", state.secret("pin", profile))
    values.login_required = login_required or root_password_stdin

    stdin_piped = not sys.stdin.isatty()
    if not asking:
        # Fail fast on missing flags before waiting on a pipe that may never close.
        early = [f for f in compose.missing(values) if f.name != "error_text"]
        if early:
            values.set("error_text", "(checked later)")
            compose.require_complete(values)
    if not dry_run:
        profile = state.profile()  # no profile: say so before waiting on stdin
        if route == "email":  # an incomplete email route: say so before anything is typed
            _check_email_route(profile, values, kind)
    values.set(
        "error_text",
        _read_error_text(
            error_file, stdin_piped, root_password_stdin, values, error_lines, no_redact
        ),
    )

    redactor = None if no_redact else _redactor(values)
    process = open_checks.Options(
        kind, breach, impact, criterion, due, out_of_scope_ok, not no_duplicate_check, suggest,
        dry_run,
    )  # fmt: skip
    if asking:
        from ctlsupport.cli.compose_prompts import collect

        try:
            with prompts.Prompter() as prompter:
                draft = collect(
                    prompter, values, state, yes=yes or dry_run, redactor=redactor,
                    mail_to=_mail_to(state, kind) if route == "email" else None,
                    check=open_checks.ProcessQuestions(state, process),
                )  # fmt: skip
        except KeyboardInterrupt:
            saved = _save_draft(state, values, draft_id, "interrupted")
            raise Interrupted(
                f"interrupted; what you typed is saved as draft {saved}",
                hint=f"Resume with `ctlsupport open --resume {saved}`.",
            ) from None
    else:
        compose.require_complete(values)
        draft = compose.to_draft(values)
        for note in compose.warnings(draft):
            state.out.warn(note)
        if redactor is not None:
            draft.error_text = redactor.text(draft.error_text)
            if redactor.found:
                state.out.note(f"Redacted from the error text: {redactor.summary()}")

    if draft is None:
        return  # answered another way (a comment on an open request)
    SCRUBBER.add(draft.pin, draft.root_password)
    if not asking:
        open_checks.before_submit(state, draft, process)
    if dry_run:
        if route == "email":
            from ctlsupport.cli.open_mail import print_dry_run

            print_dry_run(state, draft, profile)
        else:
            _print_dry_run(state, draft, profile)
        return
    if route == "email":
        from ctlsupport.cli.open_mail import submit

        try:
            submit(state, draft, redactor)
        except ConfigError as exc:  # the route has no address: keep what was typed
            if not asking:
                raise
            saved = _save_draft(state, values, draft_id, exc.message)
            exc.hint = f"{exc.hint or ''} Then `ctlsupport open --resume {saved}`.".strip()
            raise
    else:
        _submit(state, draft, redactor)
    if draft_id is not None:
        _drop_draft(draft_id)


def _check_email_route(profile, values: compose.Values, kind: str) -> None:
    from ctlsupport.cli.mail_delivery import smtp_settings
    from ctlsupport.cli.open_mail import route
    from ctlsupport.core.triage import ticket_type

    smtp_settings(profile)
    priority = values.get("priority")
    if priority:
        route(profile, str(priority), ticket_type(kind))


def _mail_to(state: AppState, kind: str):
    """For the preview: the address a draft will be mailed to."""
    from ctlsupport.cli.open_mail import address
    from ctlsupport.core.triage import ticket_type

    return lambda draft: address(state.profile(), draft.priority, ticket_type(kind))


def _profile_or_blank(state: AppState):
    """The profile for defaults; a missing one only matters once we talk to the desk."""
    from ctlsupport.config.settings import Profile

    try:
        return state.profile()
    except NotFound:
        return Profile()


def _read_error_text(
    error_file: str | None,
    stdin_piped: bool,
    password_first: bool,
    values: compose.Values,
    lines: int = DEFAULT_ERROR_LINES,
    no_redact: bool = False,
) -> str | None:
    """The last lines of --error-file or piped stdin (the root password first); longer
    output is streamed whole, gzip-compressed, to an attachment."""
    if password_first:
        if not stdin_piped:
            raise InvalidInput("--root-password-stdin needs the password piped on stdin")
        first = sys.stdin.buffer.readline().rstrip(b"\r\n").decode("utf-8", errors="replace")
        if not first:
            raise InvalidInput("--root-password-stdin: the first line of stdin is empty")
        values.root_password = Secret(first)
        SCRUBBER.add(first)
    if error_file == "-" or (error_file is None and stdin_piped):
        log = _read_log(sys.stdin.buffer, lines, no_redact)
    elif error_file is not None:
        try:
            with Path(error_file).expanduser().open("rb") as handle:
                log = _read_log(handle, lines, no_redact)
        except OSError as exc:
            raise InvalidInput(f"--error-file: cannot read {error_file}: {exc.strerror}") from None
    else:
        return None
    if log.archive is not None:
        values.set("attachments", [*(values.get("attachments") or []), str(log.archive)])
    return log.text if log.text.strip() else None


def _read_log(source, lines: int, no_redact: bool):
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


def _print_dry_run(state: AppState, draft, profile) -> None:
    from ctlsupport.core.tickets import build_payload, render_body

    body = render_body(draft, alias=profile.alias, mask=True)
    tokens = [f"<upload token for {Path(p).name}>" for p in draft.attachments][:1]
    payload = build_payload(draft, body=body, upload_tokens=tokens, account_rep=profile.account_rep)
    uploads = [{"file": Path(p).name, "size": Path(p).stat().st_size} for p in draft.attachments]

    def human() -> None:
        import json

        out = sys.stdout
        out.write(f"Would upload {len(uploads)} file(s) to {profile.desk_url}/api/v2/uploads\n")
        for item in uploads:
            out.write(f"  {item['file']} ({item['size']} bytes)\n")
        out.write(f"Would POST {profile.desk_url}/api/v2/requests.json with:\n")
        out.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        out.write("\nTicket body:\n" + body)

    state.out.result({"dry_run": True, "uploads": uploads, "payload": payload}, human)


def _submit(state: AppState, draft, redactor) -> None:
    """Queue in the outbox first (nothing typed is lost), then deliver exactly once."""
    from ctlsupport.cli.delivery import send_one
    from ctlsupport.cli.upload_progress import DeskProgress
    from ctlsupport.core.submission import queue
    from ctlsupport.errors import CtlError, DeskValidation, Queued
    from ctlsupport.store import db
    from ctlsupport.store.outbox import Outbox

    profile = state.profile()
    outbox = Outbox(db.connect())
    item = queue(
        outbox, profile.name, draft, alias=profile.alias, account_rep=profile.account_rep,
        redactor=redactor,
    )  # fmt: skip
    try:
        with DeskProgress(enabled=sys.stderr.isatty() and not state.json) as progress:
            sent = send_one(
                state, profile, outbox, item, draft.pin, draft.root_password, progress=progress
            )
    except DeskValidation as exc:
        exc.hint = (
            f"Kept in the outbox as item {item.id}; fix it, or `ctlsupport outbox drop {item.id}`."
        )
        raise
    except CtlError as exc:
        if isinstance(exc, Queued):
            raise Queued(exc.message, hint=_queued_hint(item.id)) from None
        raise Queued(f"not delivered: {exc.message}", hint=_queued_hint(item.id)) from None
    request = sent["request"]
    data = {
        "id": request.id,
        "url": request.url,
        "web_url": request.web_url,
        "status": request.status,
        "priority": request.priority,
        "subject": request.subject,
        "uploaded": [Path(p).name for p in draft.attachments],
        "client_ref": item.client_ref,
        "adopted": sent["adopted"],
    }

    def human() -> None:
        sys.stdout.write(f"Opened request #{request.id}: {request.subject}\n")
        sys.stdout.write(f"  priority {request.priority}, status {request.status}\n")
        sys.stdout.write(f"  {request.web_url}\n")

    state.out.result(data, human)


def _queued_hint(item_id: int) -> str:
    return f"Kept in the outbox as item {item_id}: `ctlsupport outbox send` tries again."


def _redactor(values: compose.Values):
    """Redacts secret-looking text and every secret this run knows (PIN, passwords)."""
    from ctlsupport.core.redact import Redactor

    return Redactor(known=SCRUBBER.values())


def _draft_payload(values: compose.Values) -> dict:
    data = {k: v for k, v in values.data.items() if k != "pin" and v not in (None, "", [])}
    data["login_required"] = values.login_required
    return data


def _save_draft(state: AppState, values: compose.Values, draft_id: int | None, why: str) -> int:
    from ctlsupport.store import db
    from ctlsupport.store.drafts import Drafts

    return Drafts(db.connect()).save(
        "open",
        state.profile().name,
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


def _drop_draft(draft_id: int) -> None:
    from ctlsupport.store import db
    from ctlsupport.store.drafts import Drafts

    Drafts(db.connect()).drop(draft_id)
