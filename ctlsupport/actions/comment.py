"""Comment on a ticket: signed with the full name, sent exactly once; anything that does
not reach the desk is kept as a draft. By email (`comment_mail`) the comment is a reply to
the ticket's own mail, kept in the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ctlsupport.actions import comment_parts as parts
from ctlsupport.actions.results import Done
from ctlsupport.errors import CtlError, DeskValidation, InvalidInput, MissingFields, NotFound

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session


@dataclass
class CommentOptions:
    """What `comment` was given."""

    request_id: int
    body: str | None = None
    body_file: str | None = None
    stdin: IO[bytes] | None = None
    attachments: list[str] = field(default_factory=list)
    full_name: str | None = None
    follow_up: bool | None = None
    route: str = "api"
    in_reply_to: str | None = None
    resume: str | None = None
    redact: bool = True  # False: --no-redact (known secrets are masked all the same)


def comment(opts: CommentOptions, session: Session) -> Done:
    """Add a signed comment to a request by its route, exactly once; what cannot be sent
    is kept (a draft, or the outbox for email)."""
    profile = session.profile()
    request_id = opts.request_id
    saved = parts.load_draft(opts.resume, request_id) if opts.resume else None
    files = [str(Path(p).expanduser()) for p in opts.attachments]
    if saved and not files:
        files = list(saved.payload.get("attachments") or [])
    for path in files:
        if not Path(path).is_file():
            raise InvalidInput(f"--attach: {path} is not a readable file")
    text = given_text(opts.body, opts.body_file, opts.stdin)
    if text is None and saved:
        text = saved.payload.get("text") or None
    name = (opts.full_name or profile.full_name or "").strip()
    if not name and not session.asker().interactive:
        raise MissingFields(
            "missing required input: --full-name (every update carries your full name)",
            hint="Pass --full-name NAME, or set it: `ctlsupport config set full_name 'Jo Doe'`.",
            details={"missing": ["--full-name"]},
        )
    if opts.in_reply_to is not None and opts.route != "email":
        raise InvalidInput("--in-reply-to goes with --via email")
    if opts.route == "email":
        from ctlsupport.actions import comment_mail

        return comment_mail.post(
            session, profile, request_id, text=text, name=name, files=files,
            follow_up=opts.follow_up, saved=saved, in_reply_to=opts.in_reply_to,
            redact=opts.redact,
        )  # fmt: skip
    return post(session, profile, request_id, text=text, name=name, files=files,
                follow_up=opts.follow_up, saved=saved, redact=opts.redact)  # fmt: skip


def post(
    state: Session,
    profile,
    request_id: int,
    *,
    text: str | None,
    name: str,
    files: list[str],
    follow_up: bool | None,
    saved=None,
    redact: bool = True,
) -> Done:
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
        return parts.save_draft(profile.name, request_id, kept or "", files, reference,
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
    where = parts.target(state, request_id, request.status, follow_up)
    text, name = parts.text_and_name(state, request, text, name, keep)
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
        parts.drop_draft(draft_id)
    return _done(result)


def given_text(body: str | None, body_file: str | None, stdin: IO[bytes] | None) -> str | None:
    if body is not None and body_file is not None:
        raise InvalidInput("give the text once: --body or --body-file, not both")
    if body is not None:
        return body
    if body_file is None:
        return None
    if body_file == "-":
        if stdin is None:
            raise InvalidInput("--body-file -: nothing is piped on stdin")
        raw = stdin.read()
    else:
        try:
            raw = Path(body_file).expanduser().read_bytes()
        except OSError as exc:
            raise InvalidInput(f"--body-file: cannot read {body_file}: {exc.strerror}") from None
    return raw.decode("utf-8", errors="replace")


def _send(state, client, request, target, body, files, reference, tried_before, gate) -> dict:
    """Upload the files (through the gate), then deliver the comment (or follow-up)
    exactly once."""
    from ctlsupport.actions.records import retrying
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


def _done(result: dict) -> Done:
    lines = []
    if result["follow_up_id"]:
        lines.append(f"Opened follow-up request #{result['follow_up_id']} of #{result['id']}")
    else:
        how = " (it was already at the desk)" if result["adopted"] else ""
        lines.append(f"Commented on #{result['id']}{how}; status {result['status']}")
    lines += [f"  attached {name}" for name in result["attachments"]]
    lines.append(f"  {result['web_url']}")
    return Done(result, lines)


def _kept(exc: CtlError, number: int, request_id: int) -> CtlError:
    from ctlsupport.errors import Queued

    return Queued(
        f"not delivered: {exc.message}; the comment is kept as draft {number}",
        hint=f"Send it again with `ctlsupport comment {request_id} --resume {number}` "
        "(it is checked at the desk first, never sent twice).",
    )
