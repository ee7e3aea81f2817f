"""Open a ticket: every field the provider requires, the process checks, a preview, then
the outbox and exactly-once delivery by the API or by email.

`open_ticket()` is the whole flow, top to bottom; the pieces it calls live beside it
(`open_input` reads what was given, `compose_form` asks, `open_checks` applies the
provider's process, `open_send` queues and sends)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ctlsupport.actions import open_input, open_send
from ctlsupport.actions.open_input import OpenOptions
from ctlsupport.errors import ConfigError, Interrupted
from ctlsupport.secret import SCRUBBER

__all__ = ["OpenOptions", "open_ticket"]

if TYPE_CHECKING:
    from ctlsupport.actions.asker import Asker
    from ctlsupport.actions.results import Done
    from ctlsupport.actions.session import Session


def open_ticket(opts: OpenOptions, session: Session, ask: Asker) -> Done | None:
    """Collect, check, preview and send one ticket; or, when the person chose to comment
    on a duplicate instead, that comment."""
    asking = ask.interactive
    values, draft_id = open_input.values_from(opts, session, asking)
    open_input.read_error_text(opts, session, values)
    redactor = None if opts.no_redact else open_input.redactor()
    if asking:
        draft = _ask(opts, session, ask, values, draft_id, redactor)
    else:
        draft = open_input.scripted_draft(session, values, redactor)
    if draft is None:
        return opts.process.instead  # answered another way: a comment on an open request
    SCRUBBER.add(draft.pin, draft.root_password)
    if not asking:
        from ctlsupport.actions.open_checks import before_submit

        before_submit(session, draft, opts.process)
    if opts.dry_run:
        return open_send.dry_run(session, draft, opts.route)
    try:
        done = open_send.submit(session, draft, redactor, opts.route)
    except ConfigError as exc:  # the route has no address: keep what was typed
        if not asking or opts.route != "email":
            raise
        saved = open_input.save_draft(session, values, draft_id, exc.message)
        exc.hint = f"{exc.hint or ''} Then `ctlsupport open --resume {saved}`.".strip()
        raise
    if draft_id is not None:
        open_input.drop_draft(draft_id)
    return done


def _ask(opts: OpenOptions, session: Session, ask: Asker, values, draft_id, redactor):
    """The form, the process questions and the preview; Ctrl-C keeps a draft."""
    from ctlsupport.actions.compose_form import collect
    from ctlsupport.actions.open_checks import ProcessQuestions

    mail_to = open_send.mail_to(session, opts.process.kind) if opts.route == "email" else None
    try:
        return collect(
            ask, values, session, yes=opts.yes or opts.dry_run, redactor=redactor,
            mail_to=mail_to, check=ProcessQuestions(session, opts.process),
        )  # fmt: skip
    except KeyboardInterrupt:
        saved = open_input.save_draft(session, values, draft_id, "interrupted")
        raise Interrupted(
            f"interrupted; what you typed is saved as draft {saved}",
            hint=f"Resume with `ctlsupport open --resume {saved}`.",
        ) from None
