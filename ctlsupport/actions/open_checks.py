"""The provider's process inside `open`, just before a ticket is sent: kind (incident,
security, service task), priority triage, the status banner, scope, knowledge-base
suggestions and likely duplicates. Questions when a person is there, else notes and flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ctlsupport.core import triage
from ctlsupport.errors import Cancelled, CtlError, InvalidInput

if TYPE_CHECKING:
    from ctlsupport.actions.asker import Asker
    from ctlsupport.actions.results import Done
    from ctlsupport.actions.session import Session
    from ctlsupport.model import TicketDraft


@dataclass
class Options:
    """The process flags of `open` (and `task`)."""

    kind: str = "incident"
    breach: bool = False
    impact: str | None = None
    criterion: str | None = None
    due: str | None = None
    out_of_scope_ok: bool = False
    duplicate_check: bool = True
    suggest: bool | None = None  # None: in a terminal only
    dry_run: bool = False
    instead: Done | None = None  # the comment sent instead of a new ticket
    # What the person has already answered, so that going back to the preview (after
    # "Edit a field") does not ask it again.
    asked: set[str] = field(default_factory=set)


def before_submit(state: Session, draft: TicketDraft, options: Options) -> bool:
    """Apply the process to a scripted draft (warnings, flags); always True."""
    kind = triage.check_kind(options.kind)
    _apply_kind(draft, kind, options)
    return _scripted(state, draft, kind, options)


class ProcessQuestions:
    """The process as questions, run on each draft just before its preview (and the
    matrix shown where the priority is chosen)."""

    def __init__(self, state: Session, options: Options) -> None:
        self.state, self.options = state, options

    def show_matrix(self, ask: Asker, *, whole: bool = False) -> None:
        """The matrix in short, once a run; `whole`: every criterion, when asked for."""
        if whole or "matrix" not in self.options.asked:
            ask.show_matrix(_tier(self.state), whole=whole)
        self.options.asked.add("matrix")

    def suggest(self, ask: Asker, subject: str, description: str, alias: str) -> None:
        """Knowledge-base articles as soon as the problem is described, while they can
        still save the ticket (once; Cancelled when the person takes one)."""
        if self.options.suggest is False:
            return
        self.options.suggest = False
        _offer_articles(ask, _suggestions(self.state, subject, description, alias))

    def __call__(self, ask: Asker, draft: TicketDraft) -> bool:
        """False when the person chose not to open a ticket (a comment on a duplicate)."""
        kind = triage.check_kind(self.options.kind)
        _apply_kind(draft, kind, self.options)
        return _interactive(self.state, ask, draft, kind, self.options)


def _apply_kind(draft: TicketDraft, kind: str, options: Options) -> None:
    from ctlsupport.core import escalation

    draft.type = triage.ticket_type(kind)
    if options.due:
        if kind != "task":
            raise InvalidInput("--due is for service tasks (`ctlsupport task`)")
        draft.due_at = escalation.due_at(options.due)
    if options.breach and kind != "security":
        raise InvalidInput("--breach goes with --kind security")


def _scripted(state: Session, draft: TicketDraft, kind: str, options: Options) -> bool:
    out = state.notes
    if kind == "security":
        draft.priority, criterion = triage.security_priority(options.breach)
        options.criterion = options.criterion or criterion
        for line in triage.SECURITY_GUIDANCE:
            out.note(f"security: {line}")
    triage.require_justification(draft.priority, options.impact)
    _justify(draft, options.criterion, options.impact)
    if kind == "task":
        out.note(_task_note())
    banner = _incident_banner(state, draft.datacenter)
    if banner:
        out.warn(banner)
    findings = _scope(draft)
    if findings and not options.out_of_scope_ok:
        out.warn(
            f"this looks outside the provider's support scope ({findings[0].reason}); "
            "it may be a billable engagement. --out-of-scope-ok silences this"
        )
    if options.suggest:
        for article in _suggestions(state, draft.subject, draft.description, draft.customer_alias):
            out.note(f"knowledge base: {article.title} - {article.html_url}")
    if options.duplicate_check:
        found = _duplicates(state, draft)
        if found:
            ids = ", ".join(f"#{c.id}" for c in found)
            out.warn(
                f"open request(s) {ids} may be about the same {found[0].why}; "
                "consider `ctlsupport comment` on one of them (--no-duplicate-check skips this)"
            )
    return True


def _justify(draft: TicketDraft, criterion: str | None, impact: str | None) -> None:
    if not triage.needs_justification(draft.priority):
        return
    draft.priority_justification = triage.one_line(criterion or triage.DEFAULT_CRITERION)
    draft.business_impact = triage.one_line(impact or "")


def _interactive(
    state: Session, ask: Asker, draft: TicketDraft, kind: str, options: Options
) -> bool:

    asked = options.asked
    if kind == "security":
        if "security" not in asked:
            asked.add("security")
            options.breach = options.breach or ask.select(
                "Security: an incident or a breach?",
                [
                    ("incident", "security incident (high): suspicious activity, an attack"),
                    ("breach", "security breach (urgent): data or systems compromised"),
                ],
                "incident",
            ) == "breach"  # fmt: skip
            for line in triage.SECURITY_GUIDANCE:
                ask.say(f"  * {line}")
        draft.priority, criterion = triage.security_priority(options.breach)
        options.criterion = options.criterion or criterion
    if "banner" not in asked:
        asked.add("banner")
        banner = _incident_banner(state, draft.datacenter)
        if banner:
            ask.say(f"  ! {banner}")
    _triage(state, ask, draft, kind, options)
    _justify(draft, options.criterion, options.impact)
    if kind == "task" and "task" not in asked:
        asked.add("task")
        ask.say(f"  {_task_note()}")
    findings = _scope(draft)
    if findings and not options.out_of_scope_ok:
        if not _scope_go_on(ask, findings):
            raise Cancelled("not opened: outside the provider's support scope")
        options.out_of_scope_ok = True
    if options.suggest is not False:  # the description came as a flag: now, then
        options.suggest = False  # once
        _offer_articles(
            ask, _suggestions(state, draft.subject, draft.description, draft.customer_alias)
        )
    if options.duplicate_check and not options.dry_run:
        options.duplicate_check = False  # once
        found = _duplicates(state, draft)
        if found:
            return _offer_comment(state, ask, draft, found, options)
    return True


def _triage(state: Session, ask: Asker, draft: TicketDraft, kind: str, options: Options) -> None:
    """Urgent and high page the provider's people: the choice is checked against the
    matrix, and they need the criterion and the business impact (asked again only when
    the priority changes)."""
    from ctlsupport.core import priority

    asked = options.asked
    tier = _tier(state)
    if triage.needs_justification(draft.priority) and f"triage:{draft.priority}" not in asked:
        if kind != "security" and "matrix" not in asked:  # a --priority flag: check it
            ask.show_matrix(tier)
            draft.priority = ask.select(
                "Priority (checked against the matrix above)",
                [(p, f"{p:<7}- {priority.summary(tier, p)}") for p in priority.PRIORITIES],
                draft.priority,
            )
        asked.add(f"triage:{draft.priority}")
        if triage.needs_justification(draft.priority):
            criteria = priority.criteria(draft.priority)
            if options.criterion not in criteria:
                options.criterion = ask.select(
                    f"Which {draft.priority} criterion applies?",
                    [(c, c) for c in criteria],
                    criteria[0],
                )
            if not (options.impact or "").strip():
                options.impact = ask.text("Business impact, in one line", check=one_line_required)
        ask.say(f"  {draft.priority}: {priority.summary(tier, draft.priority)}")


def one_line_required(value: str) -> str:
    from ctlsupport.core.validate import FieldInvalid

    if not value.strip():
        raise FieldInvalid("say in one line what the customer cannot do")
    try:
        return triage.one_line(value)
    except InvalidInput as exc:
        raise FieldInvalid(exc.message) from None


def _tier(state: Session) -> str:
    try:
        return state.profile().tier
    except CtlError:
        return "professional"


def _task_note() -> str:
    from datetime import UTC, datetime

    from ctlsupport.core import escalation

    due = escalation.task_estimate_due(datetime.now(UTC))
    return (
        "service task: the provider replies with an estimate and a projected completion date "
        f"within one business day (by {due:%a %Y-%m-%d %H:%M %Z}); estimation and work happen "
        "Monday-Friday 9:00-17:00 Pacific"
    )


def _scope(draft: TicketDraft):
    from ctlsupport.core import scope

    return scope.check(draft.subject, draft.description)


def _scope_go_on(ask: Asker, findings) -> bool:
    from ctlsupport.core import scope

    table = scope.scope()
    ask.say(f"  ! This looks outside the provider's support scope: {findings[0].reason}.")
    ask.say("  Covered:")
    for line in table.covered:
        ask.say(f"    + {line}")
    ask.say("  Not covered:")
    for line in table.not_covered:
        ask.say(f"    - {line}")
    ask.say(f"  {table.billable_note}")
    return ask.confirm("Open it anyway?", default=False)


def _incident_banner(state: Session, datacenter: str) -> str | None:
    """A line about active incidents in this ticket's data center (never blocks)."""
    if not datacenter:
        return None
    from ctlsupport.actions.lookups import read_status

    try:
        summary = read_status(state, quick=True).for_datacenter(datacenter)
    except CtlError as exc:
        state.notes.debug_line(f"status page not read: {exc.message}")
        return None
    if not summary.known:  # said once, never an error
        return f"platform status of {datacenter.upper()}: not known ({summary.reason})"
    if not summary.incidents:
        return None
    parts = []
    for incident in summary.incidents:
        latest = f": {incident.latest.body}" if incident.latest else ""
        parts.append(f"{incident.name} [{incident.status}]{latest}")
    return f"active incident in {datacenter.upper()}: " + "; ".join(parts)


def _offer_articles(ask: Asker, articles: list) -> None:
    if not articles:
        return
    ask.say("Knowledge-base articles that may already answer it:")
    for article in articles:
        ask.say(f"  - {article.title}\n    {article.html_url}")
    if not ask.confirm("Open the ticket anyway?", default=True):
        raise Cancelled("not opened: answered by the knowledge base")


def _suggestions(state: Session, subject: str, description: str, alias: str, limit: int = 3):
    """Articles about this problem: the search's hits that match most of its words (a
    search ranks any one shared word, such as "down", and that is no answer)."""
    from ctlsupport.actions.lookups import find_articles

    query = triage.kb_query(subject, description, drop=[alias])
    if not query:
        return []
    try:
        found = find_articles(state, query, limit=limit * 3, quick=True).articles
    except CtlError as exc:
        state.notes.debug_line(f"knowledge base not searched: {exc.message}")
        return []
    return [a for a in found if triage.about(a.title, a.labels, a.snippet_text, query)][:limit]


def _duplicates(state: Session, draft: TicketDraft) -> list[triage.Candidate]:
    """Open requests about the same server: local history, then the desk."""
    import sqlite3

    history: list[dict] = []
    desk: list[dict] = []
    try:
        profile = state.profile()
        from ctlsupport.store import db
        from ctlsupport.store.history import History

        history = [dict(row) for row in History(db.connect()).known(profile.name)]
    except (CtlError, OSError, sqlite3.Error) as exc:
        state.notes.debug_line(f"local history not read: {exc}")
        return []
    try:
        client = state.client(profile, quick=True)
        if draft.server:
            desk += [vars(r) for r in client.search_requests(draft.server)]
    except CtlError as exc:
        state.notes.debug_line(f"desk search failed: {exc.message}")
    return triage.duplicates(draft.server, draft.customer_alias, history=history, desk=desk)


def _offer_comment(
    state: Session,
    ask: Asker,
    draft: TicketDraft,
    found: list[triage.Candidate],
    options: Options,
) -> bool:
    ask.say(f"  ! Open requests about the same {found[0].why}:")
    choices = [("new", "Open a new ticket anyway")]
    choices += [
        (str(c.id), f"Add a comment to #{c.id} instead ({c.status}): {c.subject}") for c in found
    ]
    choice = ask.select("What now?", choices, "new")
    if choice == "new":
        return True
    options.instead = _comment(state, int(choice), draft)
    return False


def comment_body(draft: TicketDraft) -> str:
    """The new ticket's text as a comment on an existing one (the signature is added
    when it is sent)."""
    parts = [draft.description.strip()]
    if draft.steps.strip():
        parts += ["", "Troubleshooting steps taken:", draft.steps.strip()]
    if draft.error_text.strip():
        parts += ["", "Error output:", draft.error_text.strip()]
    return "\n".join(parts) + "\n"


def _comment(state: Session, request_id: int, draft: TicketDraft) -> Done:
    """What `ctlsupport comment` does: signed, exactly once, kept as a draft on failure."""
    from ctlsupport.actions import comment

    return comment.post(state, state.profile(), request_id, text=comment_body(draft),
                 name=draft.full_name, files=list(draft.attachments), follow_up=None)  # fmt: skip
