"""What both routes of a comment share: where it goes, its text and signature (asked when
a person is there), and the comment drafts that keep what did not reach the desk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ctlsupport.core import validate
from ctlsupport.errors import InvalidInput, MissingFields

if TYPE_CHECKING:
    from ctlsupport.actions.asker import Asker
    from ctlsupport.actions.session import Session
    from ctlsupport.core import comments

DRAFT_KIND = "comment"


def target(state: Session, request_id: int, status: str, follow_up: bool | None) -> comments.Target:
    """Where the comment goes (asking about a follow-up on a closed request), said aloud;
    `status` is "" when the request could not be read."""
    from ctlsupport.core import comments

    follow = follow_up
    if status == "closed" and follow is None and state.asker().interactive:
        follow = _confirm_follow_up(state.asker(), request_id)
    found = comments.target_for(request_id, status, follow_up=follow)
    if found.reopens:
        state.notes.note(f"#{request_id} is solved: this comment reopens it.")
    if found.follow_up:
        state.notes.note(f"#{request_id} is closed: sending a follow-up request that refers to it.")
    return found


def text_and_name(state: Session, request, text: str | None, name: str, keep) -> tuple[str, str]:
    """The checked comment text and signature name: as given, else asked in a terminal
    (`request` needs only `id` and `subject`); `keep` saves a draft on Ctrl-C."""
    from ctlsupport.core import comments

    if text is None or not name:
        if not state.asker().interactive:
            raise MissingFields(
                "missing required input: --body or --body-file",
                hint="Pass the text as a flag, or run in a terminal without --no-input.",
                details={"missing": ["--body"]},
            )
        text, name = _ask(state, request, name, keep)
    return comments.check_text(text), name


def _confirm_follow_up(ask: Asker, request_id: int) -> bool:
    ask.say(f"#{request_id} is closed: a comment cannot reopen it.")
    return ask.confirm("Open a follow-up request that refers to it?", default=True)


def _ask(state: Session, request, name: str, keep) -> tuple[str, str]:
    """Ask for the signature name (if unknown) and the text: $EDITOR or a prompt.

    Ctrl-C keeps what was typed as a draft.
    """
    from ctlsupport.actions.asker import TypedSoFar
    from ctlsupport.actions.draft_place import prefix
    from ctlsupport.core import comments

    ask = state.asker()
    typed = ""
    try:
        if not name:
            name = ask.text(
                "Your full name (signs every update)", check=validate.required("your full name")
            )
        ask.say(f"Comment on #{request.id}: {request.subject}")
        return ask.multiline("Your comment", check=comments.check_text, keep_typed=True), name
    except KeyboardInterrupt as exc:
        if isinstance(exc, TypedSoFar):
            typed = exc.typed
        number = keep("interrupted", typed=typed)
        from ctlsupport.errors import Interrupted

        raise Interrupted(
            f"interrupted; what you typed is saved as draft {number}",
            hint=f"Resume with `{prefix(state)} comment {request.id} --resume {number}`.",
        ) from None


def load_draft(which: str, request_id: int):
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
