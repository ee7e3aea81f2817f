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
    from ctlsupport.actions import open_template as flow

    asking = ask.interactive
    template = flow.load(opts.template)
    # The directory (and, without a person, the template and its checklist) fill the
    # flags left out, before anything is checked or asked.
    for note in flow.prefill_flags(
        opts.fields, template, opts.checked, opts.unchecked, asking=asking
    ):
        session.notes.note(note)
    flow.process_defaults(template, opts.process)
    values, draft_id = open_input.values_from(opts, session, asking)
    open_input.read_error_text(opts, session, values)
    redactor = None if opts.no_redact else open_input.redactor()
    if asking:
        draft = _ask(opts, session, ask, values, draft_id, redactor, template)
    else:
        draft = open_input.scripted_draft(session, values, redactor)
    if draft is None:
        return opts.process.instead  # answered another way: a comment on an open request
    # The checklist items left unexplained go with the ticket; a value that differs
    # from the customer directory is asked about (or, without a person, reported).
    for note in flow.after_form(ask if asking else None, values, draft):
        session.notes.warn(note)
    SCRUBBER.add(draft.pin, draft.root_password)
    if not asking:
        from ctlsupport.actions.open_checks import before_submit

        before_submit(session, draft, opts.process)
    how = open_send.plan(session, opts.route, draft, opts.process.kind)
    if opts.dry_run:
        return open_send.dry_run(session, draft, how)
    try:
        done = open_send.submit(session, draft, redactor, how)
    except ConfigError as exc:  # the route has no address: keep what was typed
        if not asking or how.route != "email":
            raise
        saved = open_input.save_draft(session, values, draft_id, exc.message, opts)
        exc.hint = f"{exc.hint or ''} Then `{_resume_command(session, saved)}`.".strip()
        raise
    if draft_id is not None:
        open_input.drop_draft(draft_id)
    return done


def _ask(opts: OpenOptions, session: Session, ask: Asker, values, draft_id, redactor, template):
    """The template and the customer first, then the form, the process questions and the
    preview; Ctrl-C keeps a draft."""
    from ctlsupport.actions import open_template as flow
    from ctlsupport.actions.compose_form import collect
    from ctlsupport.actions.open_checks import ProcessQuestions

    route_of = open_send.planner(session, opts.route, opts.process.kind)
    given = open_input.draft_payload(values)  # before any answer
    try:
        if not opts.resume:
            flow.process_defaults(flow.before_form(ask, values, template), opts.process)
        return collect(
            ask, values, session, yes=opts.yes or opts.dry_run, redactor=redactor,
            route_of=route_of, check=ProcessQuestions(session, opts.process),
        )  # fmt: skip
    except (KeyboardInterrupt, EOFError):  # Ctrl-C, or Ctrl-D at a prompt
        if (
            draft_id is None
            and open_input.draft_payload(values) == given
            and not given.get("error_text")
        ):
            raise Interrupted("interrupted; nothing was typed, nothing is kept") from None
        saved = open_input.save_draft(session, values, draft_id, "interrupted", opts)
        raise Interrupted(
            f"interrupted; what you typed is saved as draft {saved}",
            hint=f"Resume with `{_resume_command(session, saved)}`.",
        ) from None


def _resume_command(session: Session, draft_id: int) -> str:
    from ctlsupport.actions.draft_place import prefix

    return f"{prefix(session)} open --resume {draft_id}"
