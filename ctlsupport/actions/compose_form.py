"""The form of `open`: ask for what is missing, preview, then decide (through an Asker)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ctlsupport.core import compose, validate
from ctlsupport.core.fields import BY_NAME, FIELDS, Field
from ctlsupport.errors import Cancelled
from ctlsupport.secret import MASK, SCRUBBER, Secret

if TYPE_CHECKING:
    from ctlsupport.actions.asker import Asker
    from ctlsupport.actions.open_checks import ProcessQuestions
    from ctlsupport.actions.open_send import Plan
    from ctlsupport.actions.session import Session
    from ctlsupport.core.redact import Redactor
    from ctlsupport.model import TicketDraft

PRIORITY_CHOICES = [
    ("urgent", "urgent - critical platform element down, most servers down, security breach"),
    ("high", "high   - non-critical element down, < half of servers down, degradation"),
    ("normal", "normal - a time-sensitive service request (default)"),
    ("low", "low    - any other service request"),
]


def ask_field(
    ask: Asker,
    spec: Field,
    values: compose.Values,
    process: ProcessQuestions | None = None,
    *,
    edit: bool = False,
) -> None:
    """Ask for one field, re-asking until the value is valid (`edit`: starting from the
    field's current value)."""
    current = values.get(spec.name)
    label = spec.label
    if (
        edit
        and spec.kind in ("line", "text", "list")
        and spec.name not in ("datacenter", "error_text")
    ):
        _edit_text(ask, spec, values, current)
        return _warn_now(ask, spec.name, values, process)
    if spec.name == "priority":
        values.set(spec.name, _ask_priority(ask, label, str(current or "normal"), process))
    elif spec.name == "datacenter":
        from ctlsupport.core.datacenters import datacenters

        values.set(
            spec.name,
            ask.autocomplete(
                label + " (Tab lists codes)",
                list(datacenters()),
                default=str(current or ""),
                check=spec.check,
            ),
        )
    elif spec.kind == "secret":
        pin = ask.secret(label, check=spec.check)
        SCRUBBER.add(pin)
        values.set(spec.name, Secret(pin))
    elif spec.name == "error_text":
        from ctlsupport.core.fields import NO_ERROR_OUTPUT, NO_ERROR_WORDS

        was = str(current or "") if edit else ""
        text = ask.multiline(f"{label} (none: type none)", check=spec.check, default=was)
        values.set(spec.name, NO_ERROR_OUTPUT if text.strip().lower() in NO_ERROR_WORDS else text)
    elif spec.kind == "paths":
        values.set(spec.name, _ask_files(ask))
    elif spec.kind == "list":
        values.set(spec.name, _ask_list(ask, spec))
    elif not spec.required:
        values.set(spec.name, ask.optional(label, check=spec.check, help=spec.help))
    else:
        values.set(
            spec.name,
            ask.text(label, default=str(current or ""), check=spec.check),
        )
    _warn_now(ask, spec.name, values, process)
    if spec.name == "description" and process is not None and not edit:
        process.suggest(
            ask,
            str(values.get("subject") or ""),
            str(values.get("description") or ""),
            str(values.get("customer_alias") or ""),
        )


def _ask_priority(ask: Asker, label: str, current: str, process: ProcessQuestions | None) -> str:
    """The priority, with the matrix in short right where it is chosen (once), and `?`
    for the whole of it."""
    if process is None:
        return ask.select(label, PRIORITY_CHOICES, current)
    process.show_matrix(ask)
    choices = [*PRIORITY_CHOICES, ("?", "?      - show the whole matrix, every criterion")]
    while (chosen := ask.select(label, choices, current)) == "?":
        process.show_matrix(ask, whole=True)
    return chosen


def _edit_text(ask: Asker, spec: Field, values: compose.Values, current: object) -> None:
    """A text field changed from its current value (a list as comma-separated text)."""
    if spec.kind == "list":
        was = ", ".join(current or [])  # type: ignore[arg-type]
        text = ask.text(f"{spec.label} (comma-separated)", default=was, edit=True)
        values.set(spec.name, [spec.check(item) for item in _split(text)])
        return
    check = spec.check if spec.required else validate.optional(spec.check)
    values.set(spec.name, ask.text(spec.label, default=str(current or ""), check=check, edit=True))


def _ask_files(ask: Asker) -> list[str]:
    files: list[str] = []
    while True:
        path = ask.optional(
            f"Attachment {len(files) + 1}: screenshot or log path",
            check=validate.attachment,
            help="(Enter when done)",
        )
        if not path:
            return files
        files.append(path)


def _ask_list(ask: Asker, spec: Field) -> list[str]:
    def check(text: str) -> str:
        for item in _split(text):
            spec.check(item)
        return text

    text = ask.optional(
        f"{spec.label} (comma-separated emails)", check=check, help="(Enter to skip)"
    )
    return [spec.check(item) for item in _split(text)]


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _warn_now(
    ask: Asker, name: str, values: compose.Values, process: ProcessQuestions | None = None
) -> None:
    """Show a warning right after the answer it is about; a doubtful IP can be
    corrected right there."""
    note = None
    if name == "ip" and values.get("ip"):
        note = validate.ip_warning(str(values.get("ip")))
        if note:
            ask.say(f"  ! {note}")
            if ask.confirm("Correct the address now?", default=False):
                ask_field(ask, BY_NAME["ip"], values, process, edit=True)
            return
    if name == "server" and values.get("server"):
        note = validate.server_warning(
            str(values.get("server")),
            str(values.get("datacenter") or ""),
            str(values.get("customer_alias") or ""),
        )
    if note:
        ask.say(f"  ! {note}")


def collect(
    ask: Asker,
    values: compose.Values,
    state: Session,
    *,
    yes: bool,
    route_of: Callable[[TicketDraft], Plan],
    redactor: Redactor | None = None,
    check: ProcessQuestions | None = None,
) -> TicketDraft | None:
    """Ask for every missing or invalid field and the optional ones, then preview.

    `route_of`: how a draft will go (the preview names the route, where to, and why).
    `check`: the provider's process, run on each draft before its preview (it may ask
    more, and change the priority); when it returns False, no ticket is wanted: None.
    """
    problems = compose.check_all(values)
    for spec in FIELDS:
        value = values.get(spec.name)
        if spec.name in problems:
            ask.say(f"  ! {spec.flag}: {problems[spec.name]}")
        elif value not in (None, "", []):
            continue
        ask_field(ask, spec, values, check)
    if values.root_password is None:
        values.login_required = values.login_required or ask.confirm(
            "Must the provider log in to the server (you give the root/admin password)?",
            default=False,
        )
        if values.login_required:
            _ask_root_password(ask, values)
    while True:
        draft = compose.to_draft(values)
        if check is not None:
            if not check(ask, draft):
                return None
            values.set("priority", draft.priority)  # triage may have changed it
        if redactor is not None:
            redactor.found.clear()
            draft.error_text = redactor.text(draft.error_text)
        _preview(ask, draft, state, redactor, route_of)
        if yes:
            return draft
        choice = ask.select(
            "Submit this ticket?",
            [("submit", "Submit"), ("edit", "Edit a field"), ("cancel", "Cancel")],
            "submit",
        )
        if choice == "submit":
            return draft
        if choice == "cancel":
            raise Cancelled("cancelled; nothing was sent")
        _edit_one(ask, values, check)


def _edit_one(ask: Asker, values: compose.Values, check: ProcessQuestions | None) -> None:
    """ "Edit a field" at the preview: the field chosen is asked again, starting from its
    current value."""
    extra = [("login", "Root/admin password")]
    if check is not None and check.options.impact:
        extra.insert(0, ("impact", "Business impact"))
    name = ask.select("Which field?", [(f.name, f.label) for f in FIELDS] + extra, FIELDS[0].name)
    if name == "impact" and check is not None:
        from ctlsupport.actions.open_checks import one_line_required

        check.options.impact = ask.text(
            "Business impact, in one line",
            default=check.options.impact or "",
            check=one_line_required,
            edit=True,
        )
    elif name == "login":
        values.login_required = ask.confirm("Must the provider log in?", default=True)
        values.root_password = None
        if values.login_required:
            _ask_root_password(ask, values)
    else:
        ask_field(ask, BY_NAME[name], values, check, edit=True)


def _ask_root_password(ask: Asker, values: compose.Values) -> None:
    def check(value: str) -> str:
        if not value:
            raise validate.FieldInvalid("the password must not be empty")
        return value

    password = ask.secret("Root/admin password (never stored)", check=check)
    SCRUBBER.add(password)
    values.root_password = Secret(password)


def _preview(
    ask: Asker,
    draft: TicketDraft,
    state: Session,
    redactor: Redactor | None,
    route_of: Callable[[TicketDraft], Plan],
) -> None:
    from ctlsupport.actions.asker import PreviewRow
    from ctlsupport.core.tickets import cc_list

    profile = state.profile()
    rows = [
        ("Subject", draft.subject),
        ("Priority", draft.priority),
        ("Partner ticket", draft.partner_ticket or "-"),
        ("Customer", f"{draft.customer_name} ({draft.customer_alias})"),
        ("Data center", draft.datacenter),
        ("Server", draft.server),
        ("External IP", draft.ip),
        ("Portal user / PIN", f"{draft.portal_username} / {MASK}"),
        ("Root password", MASK if draft.root_password else "not given"),
        ("Signed", draft.full_name),
        ("CC", ", ".join(cc_list(draft, profile.account_rep)) or "-"),
        ("Attachments", ", ".join(draft.attachments) or "-"),
        ("Description", draft.description),
        ("Steps taken", draft.steps),
        ("Error output", _shorten(draft.error_text)),
    ]
    if draft.priority_justification:  # urgent and high say why, as the matrix asks
        rows[2:2] = [
            (f"Why {draft.priority}", draft.priority_justification),
            ("Business impact", draft.business_impact),
        ]
    how = route_of(draft)  # it follows the priority, which the form may have changed
    if how.route == "email":
        title = f"New ticket by email from {profile.alias} to {how.to}"
    else:
        title = f"New ticket for {profile.desk_url}"
    notes = [("yellow", f"! {note}") for note in compose.warnings(draft)]
    if how.reason:
        notes.insert(0, ("cyan", f"{how.reason}."))
    if redactor is None:
        notes.append(("yellow", "! Redaction is off (--no-redact): text is sent as it is."))
    else:
        for path in draft.attachments:
            _scan_attachment(redactor, path)
        if redactor.found:
            notes.append(("cyan", f"Redacted before sending: {redactor.summary()}"))
    from ctlsupport.actions.prefill import ENGLISH_ONLY

    notes.append(("cyan", ENGLISH_ONLY))
    ask.preview(title, [PreviewRow(label, value) for label, value in rows], notes)


def _scan_attachment(redactor: Redactor, path: str) -> None:
    """Count what redaction will remove from a text attachment (output discarded)."""
    from pathlib import Path

    from ctlsupport.core.redact import looks_like_text

    if looks_like_text(Path(path)):
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            for _ in redactor.lines(handle):
                pass


def _shorten(text: str, lines: int = 8) -> str:
    parts = text.splitlines()
    if len(parts) <= lines:
        return text
    return "\n".join([*parts[:lines], f"... ({len(parts) - lines} more lines)"])
