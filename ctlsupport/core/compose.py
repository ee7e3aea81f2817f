"""From raw values (flags, profile, env, prompts) to a validated TicketDraft."""

from __future__ import annotations

from dataclasses import dataclass, field

from ctlsupport.core import validate
from ctlsupport.core.fields import BY_NAME, FIELDS, Field
from ctlsupport.errors import InvalidInput, MissingFields
from ctlsupport.model import TicketDraft
from ctlsupport.secret import Secret

ERROR_TEXT_MAX_BYTES = 64 * 1024


@dataclass
class Values:
    """Field values collected so far; lists for the repeatable fields."""

    data: dict[str, object] = field(default_factory=dict)
    login_required: bool = False
    root_password: Secret | None = None

    def get(self, name: str) -> object:
        return self.data.get(name)

    def set(self, name: str, value: object) -> None:
        self.data[name] = value


def check_value(spec: Field, value: object) -> object:
    """Validate one field's value; raises validate.FieldInvalid."""
    if spec.kind in ("list", "paths"):
        return [spec.check(str(item)) for item in value or []]  # type: ignore[union-attr]
    if isinstance(value, Secret):
        return Secret(spec.check(value.reveal()))
    return spec.check(str(value))


def check_all(values: Values) -> dict[str, str]:
    """Validate every value given; returns {field name: problem} and cleans the rest."""
    problems: dict[str, str] = {}
    for spec in FIELDS:
        value = values.get(spec.name)
        if value in (None, "", []):
            continue
        try:
            values.set(spec.name, check_value(spec, value))
        except validate.FieldInvalid as exc:
            problems[spec.name] = str(exc)
    return problems


def missing(values: Values) -> list[Field]:
    """Required fields still without a value, in table order."""
    return [f for f in FIELDS if f.required and values.get(f.name) in (None, "", [])]


def require_complete(values: Values) -> None:
    """Raise one error that names every invalid and every missing input at once."""
    problems = check_all(values)
    absent = [f.flag for f in missing(values)]
    if values.login_required and values.root_password is None:
        absent.append("--root-password-stdin")
    if not problems and not absent:
        return
    parts = []
    if problems:
        listed = "; ".join(f"{BY_NAME[name].flag}: {text}" for name, text in problems.items())
        parts.append(f"invalid input: {listed}")
    if absent:
        parts.append(f"missing required input: {', '.join(absent)}")
    if "--error-file" in absent:  # there may honestly be none
        absent_hint = " With no error output to give, say so with --no-error-output."
    else:
        absent_hint = ""
    details = {
        "invalid": {BY_NAME[name].flag: text for name, text in problems.items()},
        "missing": absent,
    }
    error = InvalidInput if problems else MissingFields
    raise error(
        "; ".join(parts),
        hint="Pass them as flags (the PIN as CTLSUPPORT_PIN), "
        "or run in a terminal without --no-input to be asked." + absent_hint,
        details=details,
    )


def to_draft(values: Values) -> TicketDraft:
    """The draft from complete, validated values."""
    data = values.data
    pin = data.get("pin")
    return TicketDraft(
        subject=str(data["subject"]),
        priority=str(data.get("priority") or "normal"),
        partner_ticket=str(data.get("partner_ticket") or ""),
        customer_name=str(data["customer_name"]),
        customer_alias=str(data["customer_alias"]),
        datacenter=str(data["datacenter"]),
        server=str(data["server"]),
        ip=str(data["ip"]),
        portal_username=str(data["portal_username"]),
        pin=pin if isinstance(pin, Secret) else Secret(str(pin)),
        full_name=str(data["full_name"]),
        description=str(data["description"]),
        steps=str(data["steps"]),
        error_text=str(data["error_text"]),
        attachments=list(data.get("attachments") or []),  # type: ignore[call-overload]
        cc=list(data.get("cc") or []),  # type: ignore[call-overload]
        login_required=values.login_required,
        root_password=values.root_password,
    )


def warnings(draft: TicketDraft) -> list[str]:
    """Things that are allowed but probably wrong."""
    found = []
    ip_note = validate.ip_warning(draft.ip)
    if ip_note:
        found.append(ip_note)
    server_note = validate.server_warning(draft.server, draft.datacenter, draft.customer_alias)
    if server_note:
        found.append(server_note)
    return found


def tail_text(raw: bytes, max_bytes: int = ERROR_TEXT_MAX_BYTES) -> str:
    """Decode error output held in memory, keeping its end (see core/errorlog.py)."""
    import io

    from ctlsupport.core import errorlog

    return errorlog.read(io.BytesIO(raw), max_bytes=max_bytes).text
