"""`ctlsupport comment`: answer on a ticket, signed with your full name, sent exactly
once; anything that does not reach the desk is kept as a draft. By email (cli/
comment_mail.py) the comment is a reply to the ticket's own mail, kept in the outbox."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ctlsupport.cli import complete, options
from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import RequestId
from ctlsupport.errors import CtlError, DeskValidation, InvalidInput, MissingFields, NotFound

if TYPE_CHECKING:
    from ctlsupport.core import comments

HELP = "Add a comment to a request (signed with your full name), with attachments."
EPILOG = (
    "Examples:\n\n"
    "  ctlsupport comment 1042 --body 'The customer confirms the server is back.'\n\n"
    "  ctlsupport comment 1042 --body-file notes.txt --attach ping.log\n\n"
    "  dmesg | tail -50 | ctlsupport --no-input comment 1042 --body-file -\n\n"
    "  ctlsupport comment 1042 --resume        (a draft saved by Ctrl-C or a failure)\n\n"
    "  ctlsupport comment 1042 --via email --body '...'   (a reply to the ticket's mail)\n\n"
    "  ctlsupport comment 1042 --via email --in-reply-to '<...@partner.example>' --body '...'"
)
DRAFT_KIND = "comment"


def comment(
    ctx: typer.Context,
    request_id: RequestId,
    body: Annotated[
        str | None, typer.Option("--body", "-b", help="The comment text.", metavar="TEXT")
    ] = None,
    body_file: Annotated[
        str | None,
        typer.Option(
            "--body-file",
            "-F",
            help="Read the text from FILE (- for stdin).",
            metavar="FILE",
            autocompletion=complete.paths,
        ),
    ] = None,
    attach: Annotated[
        list[str] | None,
        typer.Option(
            "--attach",
            "-a",
            help="Attach a file (repeatable).",
            metavar="FILE",
            autocompletion=complete.paths,
        ),
    ] = None,
    full_name: Annotated[
        str | None,
        typer.Option("--full-name", help="Your full name for the signature (default: profile's)."),
    ] = None,
    follow_up: Annotated[
        bool | None,
        typer.Option(
            "--follow-up/--no-follow-up",
            help="On a closed request: open a follow-up request instead (asked if not given).",
        ),
    ] = None,
    via: Annotated[
        str | None,
        options.via_option(
            "api (the desk's API) or email (a reply to the mail that opened the ticket "
            "from here); default: the profile's `via`, else api."
        ),
    ] = None,
    in_reply_to: Annotated[
        str | None,
        typer.Option(
            "--in-reply-to",
            metavar="MESSAGE-ID",
            help="--via email without API access: the Message-ID that `open --via email` "
            "printed for the mail that became this ticket (remembered from then on).",
        ),
    ] = None,
    resume: Annotated[
        str | None,
        typer.Option(
            "--resume",
            metavar="[DRAFT]",
            help="Send a saved comment draft: the newest, or draft number DRAFT.",
        ),
    ] = None,
    no_redact: Annotated[
        bool,
        typer.Option(
            "--no-redact",
            help="Send the text and text attachments without redacting secret-looking "
            "text (your PIN and passwords are still masked).",
        ),
    ] = False,
) -> None:
    state: AppState = ctx.obj
    from ctlsupport.cli import prompts

    asking = prompts.interactive(state.no_input)
    profile = state.profile()
    route = options.route(via, profile.via)
    saved = _load_draft(resume, request_id) if resume else None
    files = [str(Path(p).expanduser()) for p in (attach or [])]
    if saved and not files:
        files = list(saved.payload.get("attachments") or [])
    for path in files:
        if not Path(path).is_file():
            raise InvalidInput(f"--attach: {path} is not a readable file")
    text = _given_text(body, body_file)
    if text is None and saved:
        text = saved.payload.get("text") or None
    name = (full_name or profile.full_name or "").strip()
    if not name and not asking:
        raise MissingFields(
            "missing required input: --full-name (every update carries your full name)",
            hint="Pass --full-name NAME, or set it: `ctlsupport config set full_name 'Jo Doe'`.",
            details={"missing": ["--full-name"]},
        )

    send = post
    if in_reply_to is not None and route != "email":
        raise InvalidInput("--in-reply-to goes with --via email")
    if route == "email":
        from functools import partial

        from ctlsupport.cli.comment_mail import post as by_mail

        send = partial(by_mail, in_reply_to=in_reply_to)
    send(state, profile, request_id, text=text, name=name, files=files, follow_up=follow_up,
         asking=asking, saved=saved, redact=not no_redact)  # fmt: skip


def post(
    state: AppState,
    profile,
    request_id: int,
    *,
    text: str | None,
    name: str,
    files: list[str],
    follow_up: bool | None,
    asking: bool,
    saved=None,
    redact: bool = True,
) -> None:
    """Add a signed comment to a request exactly once (a follow-up when it is closed);
    what cannot be sent is kept as a comment draft. `open` uses it for duplicates too.
    Text and attachments pass the outbound gate (`redact`: False for --no-redact)."""
    from ctlsupport.core import comments
    from ctlsupport.core.outbound import Gate

    draft_id = saved.id if saved else None
    reference = saved.payload.get("reference") if saved else None
    tried_before = bool(saved and saved.payload.get("maybe_sent"))

    def keep(why: str, maybe_sent: bool = False, typed: str | None = None) -> int:
        """Save what there is as a draft (the reference too: a resend looks first)."""
        kept = text if typed is None else typed
        return save_draft(state, profile.name, request_id, kept or "", files, reference,
                          why, draft_id, maybe_sent or tried_before)  # fmt: skip

    client = state.client(profile)
    gate = Gate.for_profile(profile.name, profile.alias, redact=redact)
    text = gate.text(text) if text else text  # drafts keep only what may be sent
    try:
        request = client.get_request(request_id)
    except CtlError as exc:
        if text and not isinstance(exc, NotFound):
            number = keep(exc.message)
            raise _kept(exc, number, request_id) from None
        raise
    where = target(state, request_id, request.status, follow_up, asking)
    text, name = text_and_name(state, request, text, name, asking, keep)
    text = gate.text(text)
    reference = reference or comments.new_reference()
    rendered = comments.render(text, full_name=name, alias=profile.alias, reference=reference)
    try:
        result = _send(state, client, request, where, rendered, files, reference, tried_before,
                       gate)  # fmt: skip
    except DeskValidation as exc:
        number = keep(exc.message)
        exc.hint = (
            f"Kept as draft {number}; fix it, then "
            f"`ctlsupport comment {request_id} --resume {number}`."
        )
        raise
    except CtlError as exc:
        number = keep(exc.message, maybe_sent=True)
        raise _kept(exc, number, request_id) from None
    except KeyboardInterrupt:
        number = keep("interrupted while sending", maybe_sent=True)
        from ctlsupport.errors import Interrupted

        raise Interrupted(
            f"interrupted; the comment is kept as draft {number}",
            hint=f"Resume with `ctlsupport comment {request_id} --resume {number}` "
            "(it is checked at the desk first, never sent twice).",
        ) from None
    if draft_id is not None:
        drop_draft(draft_id)
    _print(state, result)


def target(
    state: AppState, request_id: int, status: str, follow_up: bool | None, asking: bool
) -> comments.Target:
    """Where the comment goes (asking about a follow-up on a closed request), said aloud;
    `status` is "" when the request could not be read."""
    from ctlsupport.core import comments

    follow = follow_up
    if status == "closed" and follow is None and asking:
        follow = _confirm_follow_up(request_id)
    found = comments.target_for(request_id, status, follow_up=follow)
    if found.reopens:
        state.out.note(f"#{request_id} is solved: this comment reopens it.")
    if found.follow_up:
        state.out.note(f"#{request_id} is closed: sending a follow-up request that refers to it.")
    return found


def text_and_name(
    state: AppState, request, text: str | None, name: str, asking: bool, keep
) -> tuple[str, str]:
    """The checked comment text and signature name: as given, else asked in a terminal
    (`request` needs only `id` and `subject`); `keep` saves a draft on Ctrl-C."""
    from ctlsupport.core import comments

    if text is None or not name:
        if not asking:
            raise MissingFields(
                "missing required input: --body or --body-file",
                hint="Pass the text as a flag, or run in a terminal without --no-input.",
                details={"missing": ["--body"]},
            )
        text, name = _ask(state, request, name, keep)
    return comments.check_text(text), name


def _given_text(body: str | None, body_file: str | None) -> str | None:
    if body is not None and body_file is not None:
        raise InvalidInput("give the text once: --body or --body-file, not both")
    if body is not None:
        return body
    if body_file is None:
        return None
    if body_file == "-":
        raw = sys.stdin.buffer.read()
    else:
        try:
            raw = Path(body_file).expanduser().read_bytes()
        except OSError as exc:
            raise InvalidInput(f"--body-file: cannot read {body_file}: {exc.strerror}") from None
    return raw.decode("utf-8", errors="replace")


def _confirm_follow_up(request_id: int) -> bool:
    from ctlsupport.cli import prompts

    with prompts.Prompter() as prompter:
        prompter.say(f"#{request_id} is closed: a comment cannot reopen it.")
        return prompter.confirm("Open a follow-up request that refers to it?", default=True)


def _ask(state: AppState, request, name: str, keep) -> tuple[str, str]:
    """Ask for the signature name (if unknown) and the text: $EDITOR or a prompt.

    Ctrl-C keeps what was typed as a draft.
    """
    from ctlsupport.cli import prompts
    from ctlsupport.core import comments

    typed = ""
    try:
        with prompts.Prompter() as prompter:
            if not name:
                name = prompter.text("Your full name (signs every update)", check=_required)
            prompter.say(f"Comment on #{request.id}: {request.subject}")
            if os.environ.get("VISUAL") or os.environ.get("EDITOR"):
                return prompter.multiline("Your comment", check=comments.check_text), name
            import questionary

            question = questionary.text(
                "Your comment",
                multiline=True,
                validate=prompts.Prompter.validator(comments.check_text),
                instruction="(finish with Esc then Enter; Ctrl-C keeps a draft)",
            )
            try:
                return question.unsafe_ask(), name
            except KeyboardInterrupt:
                typed = question.application.current_buffer.text
                raise
    except KeyboardInterrupt:
        number = keep("interrupted", typed=typed)
        from ctlsupport.errors import Interrupted

        raise Interrupted(
            f"interrupted; what you typed is saved as draft {number}",
            hint=f"Resume with `ctlsupport comment {request.id} --resume {number}`.",
        ) from None


def _required(value: str) -> str:
    from ctlsupport.core.validate import FieldInvalid

    if not value.strip():
        raise FieldInvalid("your full name must not be empty")
    return value.strip()


def _send(state, client, request, target, body, files, reference, tried_before, gate) -> dict:
    """Upload the files (through the gate), then deliver the comment (or follow-up)
    exactly once."""
    from ctlsupport.cli.delivery import retrying
    from ctlsupport.core import comments
    from ctlsupport.core.delivery import RetryPolicy, deliver

    tokens = client.upload_all(gate.files(files))

    if target.follow_up:
        payload = comments.follow_up_payload(request.id, request.subject, body)
        if tokens:
            payload["request"]["comment"]["uploads"] = tokens
        delivered = deliver(
            lambda: client.create_request(payload),
            lambda: client.find_by_reference(reference),
            policy=RetryPolicy.from_env(), on_retry=retrying(state), tried_before=tried_before,
        )  # fmt: skip
        new = delivered.result
        return {
            "id": request.id, "follow_up_id": new.id, "status": new.status,
            "web_url": new.web_url, "reference": reference, "adopted": delivered.adopted,
            "reopened": False, "attachments": [Path(p).name for p in files],
        }  # fmt: skip

    delivered = deliver(
        lambda: client.add_comment(request.id, body, tokens),
        lambda: client.find_commented(request.id, reference),
        policy=RetryPolicy.from_env(), on_retry=retrying(state), tried_before=tried_before,
    )  # fmt: skip
    updated = delivered.result
    return {
        "id": request.id, "follow_up_id": None, "status": updated.status,
        "web_url": updated.web_url, "reference": reference, "adopted": delivered.adopted,
        "reopened": target.reopens, "attachments": [Path(p).name for p in files],
    }  # fmt: skip


def _print(state: AppState, result: dict) -> None:
    def human() -> None:
        out = sys.stdout
        if result["follow_up_id"]:
            out.write(f"Opened follow-up request #{result['follow_up_id']} of #{result['id']}\n")
        else:
            how = " (it was already at the desk)" if result["adopted"] else ""
            out.write(f"Commented on #{result['id']}{how}; status {result['status']}\n")
        for name in result["attachments"]:
            out.write(f"  attached {name}\n")
        out.write(f"  {result['web_url']}\n")

    state.out.result(result, human)


def _kept(exc: CtlError, number: int, request_id: int) -> CtlError:
    from ctlsupport.errors import Queued

    return Queued(
        f"not delivered: {exc.message}; the comment is kept as draft {number}",
        hint=f"Send it again with `ctlsupport comment {request_id} --resume {number}` "
        "(it is checked at the desk first, never sent twice).",
    )


# -- drafts ----------------------------------------------------------------------------


def _load_draft(which: str, request_id: int):
    from ctlsupport.store import db
    from ctlsupport.store.drafts import Drafts

    if which != "latest" and not which.isdigit():
        raise InvalidInput(f"--resume takes a draft number, not {which!r}")
    draft = Drafts(db.connect()).get(None if which == "latest" else int(which), kind=DRAFT_KIND)
    if draft.kind != DRAFT_KIND:
        raise InvalidInput(f"draft {draft.id} is not a comment draft (it is {draft.kind!r})")
    if int(draft.payload.get("request_id", 0)) != request_id:
        raise InvalidInput(
            f"draft {draft.id} is a comment on #{draft.payload.get('request_id')}, "
            f"not on #{request_id}"
        )
    return draft


def save_draft(
    state: AppState,
    profile: str,
    request_id: int,
    text: str,
    files: list[str],
    reference: str | None,
    why: str,
    draft_id: int | None,
    maybe_sent: bool,
) -> int:
    from ctlsupport.store import db
    from ctlsupport.store.drafts import Drafts

    payload = {
        "request_id": request_id,
        "text": text,
        "attachments": files,
        "reference": reference,
        "maybe_sent": maybe_sent,
    }
    first_line = " ".join(text.split())[:50]
    return Drafts(db.connect()).save(
        DRAFT_KIND,
        profile,
        payload,
        summary=f"comment on #{request_id}" + (f": {first_line}" if first_line else ""),
        reason=why,
        draft_id=draft_id,
    )


def drop_draft(draft_id: int) -> None:
    from ctlsupport.store import db
    from ctlsupport.store.drafts import Drafts

    Drafts(db.connect()).drop(draft_id)
