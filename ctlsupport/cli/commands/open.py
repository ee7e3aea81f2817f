"""`ctlsupport open`: collect every field the provider requires, preview, submit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import Yes
from ctlsupport.core import compose, fields
from ctlsupport.errors import InvalidInput, NotFound
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
    spec = fields.BY_NAME[name]
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
    yes: Yes = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print what would be sent, secrets masked; send nothing."),
    ] = False,
) -> None:
    state: AppState = ctx.obj
    from ctlsupport.cli import prompts

    asking = prompts.interactive(state.no_input)
    profile = _profile_or_blank(state)
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
    for name, value in given.items():
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
    values.set("error_text", _read_error_text(error_file, stdin_piped, root_password_stdin, values))

    if asking:
        from ctlsupport.cli.compose_prompts import collect

        with prompts.Prompter() as prompter:
            draft = collect(prompter, values, state, yes=yes or dry_run)
    else:
        compose.require_complete(values)
        draft = compose.to_draft(values)
        for note in compose.warnings(draft):
            state.out.warn(note)

    SCRUBBER.add(draft.pin, draft.root_password)
    if dry_run:
        _print_dry_run(state, draft, profile)
        return
    _submit(state, draft)


def _profile_or_blank(state: AppState):
    """The profile for defaults; a missing one only matters once we talk to the desk."""
    from ctlsupport.config.settings import Profile

    try:
        return state.profile()
    except NotFound:
        return Profile()


def _read_error_text(
    error_file: str | None, stdin_piped: bool, password_first: bool, values: compose.Values
) -> str | None:
    """The error text from --error-file, or from piped stdin; the root password first."""
    raw: bytes | None = None
    if password_first:
        if not stdin_piped:
            raise InvalidInput("--root-password-stdin needs the password piped on stdin")
        first = sys.stdin.buffer.readline().rstrip(b"\r\n").decode("utf-8", errors="replace")
        if not first:
            raise InvalidInput("--root-password-stdin: the first line of stdin is empty")
        values.root_password = Secret(first)
        SCRUBBER.add(first)
    if error_file == "-" or (error_file is None and stdin_piped):
        raw = sys.stdin.buffer.read()
    elif error_file is not None:
        path = Path(error_file).expanduser()
        try:
            with path.open("rb") as handle:
                raw = handle.read()
        except OSError as exc:
            raise InvalidInput(f"--error-file: cannot read {error_file}: {exc.strerror}") from None
    if raw is None:
        return None
    text = compose.tail_text(raw)
    return text if text.strip() else None


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


def _submit(state: AppState, draft) -> None:
    from ctlsupport.core.tickets import submit

    profile = state.profile()
    client = state.client(profile)
    progress = _Progress(state)
    with progress:
        result = submit(
            client,
            draft,
            alias=profile.alias,
            account_rep=profile.account_rep,
            on_upload=progress.uploaded,
        )
    request = result.request
    _remember(state, profile.name, request, draft)
    data = {
        "id": request.id,
        "url": request.url,
        "web_url": request.web_url,
        "status": request.status,
        "priority": request.priority,
        "subject": request.subject,
        "uploaded": result.uploaded,
    }

    def human() -> None:
        sys.stdout.write(f"Opened request #{request.id}: {request.subject}\n")
        sys.stdout.write(f"  priority {request.priority}, status {request.status}\n")
        sys.stdout.write(f"  {request.web_url}\n")

    state.out.result(data, human)


def _remember(state: AppState, profile_name: str, request, draft) -> None:
    """Keep the new request in local history; the ticket exists even if this fails."""
    import sqlite3

    from ctlsupport.store import db
    from ctlsupport.store.history import History

    try:
        History(db.connect()).record_submitted(profile_name, request, draft)
    except (OSError, sqlite3.Error) as exc:
        state.out.warn(f"could not record request #{request.id} in local history: {exc}")


class _Progress:
    """A spinner on stderr while talking to the desk, when stderr is a terminal."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self._status = None

    def __enter__(self) -> _Progress:
        if sys.stderr.isatty() and not self.state.json:
            self._status = self.state.out.err_console().status("Sending to the desk...")
            self._status.__enter__()
        return self

    def uploaded(self, name: str, size: int) -> None:
        if self._status is not None:
            self._status.update(f"Uploaded {name} ({size} bytes); sending...")

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.__exit__(None, None, None)
