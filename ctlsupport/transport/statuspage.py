"""The platform status page in the Statuspage v2 shape (contract §9.1); public JSON.

Statuses are kept verbatim: the provider has stages (such as `restoring`) that the
Statuspage vocabulary lacks, and a status we do not know must still be shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ctlsupport.errors import BadAnswer, DeskError, DeskUnreachable, NotFound
from ctlsupport.model import printable
from ctlsupport.transport.http import DeskSession

SUMMARY_PATH = "/api/v2/summary.json"
RESOLVED = ("resolved", "postmortem", "completed")


@dataclass
class Component:
    name: str
    status: str


@dataclass
class Update:
    status: str
    body: str
    at: str


@dataclass
class Incident:
    """An incident or a maintenance, with its latest update."""

    id: str
    name: str
    status: str
    impact: str
    components: list[str]
    shortlink: str = ""
    started_at: str = ""
    latest: Update | None = None
    scheduled_for: str = ""
    scheduled_until: str = ""

    def affects(self, datacenter: str) -> bool:
        """Whether a data center (code) is among its components, or named in it."""
        code = datacenter.upper()
        return code in (c.upper() for c in self.components) or code in self.name.upper().split()


@dataclass
class Summary:
    """The whole page: overall status, components, open incidents, maintenance."""

    page_name: str
    indicator: str
    description: str
    components: list[Component] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    maintenances: list[Incident] = field(default_factory=list)
    known: bool = True  # False: no status page, or it did not answer (`reason` says which)
    reason: str = ""

    @classmethod
    def not_known(cls, reason: str) -> Summary:
        """The platform status is not known: said once, never an error."""
        return cls(
            page_name="", indicator="unknown", description="not known", known=False,
            reason=reason,
        )  # fmt: skip

    def for_datacenter(self, datacenter: str) -> Summary:
        """Only what concerns one data center (its component, incidents, maintenance)."""
        code = datacenter.upper()
        return Summary(
            page_name=self.page_name,
            indicator=self.indicator,
            description=self.description,
            components=[c for c in self.components if c.name.upper() == code],
            incidents=[i for i in self.incidents if i.affects(code)],
            maintenances=[m for m in self.maintenances if m.affects(code)],
            known=self.known,
            reason=self.reason,
        )


def _text(value: object) -> str:
    """Text from the status page, safe for a terminal (anything not text is empty)."""
    return printable(value) if isinstance(value, str | int | float) else ""


def _objects(value: object) -> list[dict[str, Any]]:
    """The objects of a list from the page (anything else ignored)."""
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def _incident(data: dict[str, Any]) -> Incident:
    updates = sorted(
        _objects(data.get("incident_updates")),
        key=lambda u: (_text(u.get("display_at") or u.get("created_at")), _text(u.get("id"))),
    )
    latest = None
    if updates:
        last = updates[-1]
        latest = Update(
            status=_text(last.get("status")),
            body=_text(last.get("body")),
            at=_text(last.get("display_at") or last.get("created_at")),
        )
    return Incident(
        id=_text(data.get("id")),
        name=_text(data.get("name")),
        status=_text(data.get("status")),
        impact=_text(data.get("impact")),
        components=[_text(c.get("name")) for c in _objects(data.get("components"))],
        shortlink=_text(data.get("shortlink")),
        started_at=_text(data.get("started_at") or data.get("created_at")),
        latest=latest,
        scheduled_for=_text(data.get("scheduled_for")),
        scheduled_until=_text(data.get("scheduled_until")),
    )


def parse_summary(data: dict[str, Any]) -> Summary:
    """A Summary from `/api/v2/summary.json` (ill-formed parts are left out)."""
    status = data.get("status") if isinstance(data.get("status"), dict) else {}
    page = data.get("page") if isinstance(data.get("page"), dict) else {}
    return Summary(
        page_name=_text(page.get("name")),
        indicator=_text(status.get("indicator")) or "unknown",
        description=_text(status.get("description")),
        components=[
            Component(_text(c.get("name")), _text(c.get("status")))
            for c in _objects(data.get("components"))
            if not c.get("group")
        ],
        incidents=[
            _incident(i) for i in _objects(data.get("incidents")) if i.get("status") not in RESOLVED
        ],
        maintenances=[
            _incident(m)
            for m in _objects(data.get("scheduled_maintenances"))
            if m.get("status") not in RESOLVED
        ],
    )


def fetch(
    base_url: str,
    *,
    debug: Callable[[str], None] | None = None,
    quick: bool = False,
) -> Summary:
    """Read the status page's summary (no credentials: the page is public); `quick` (a
    banner's look): one try with a short wait."""
    session = DeskSession(base_url, None, debug=debug, quick=quick)
    try:
        data = session.json("GET", SUMMARY_PATH)
    except DeskUnreachable as exc:
        raise DeskUnreachable(
            f"cannot read the status page at {session.base_url}",
            hint="Check `status_url` in the profile (`ctlsupport config show`) and the network.",
        ) from exc
    except NotFound:
        raise NotFound(
            f"{session.base_url} has no {SUMMARY_PATH}",
            hint="Set the profile's status_url to a Statuspage-style status page.",
        ) from None
    if not isinstance(data, dict):
        raise BadAnswer(f"the status page at {session.base_url} did not answer with a JSON object")
    return parse_summary(data)


def served_by(desk_url: str) -> bool:
    """Whether a desk on this machine (a served sandbox) is its own status page: a quick
    look at loopback addresses only, never a real desk."""
    from urllib.parse import urlsplit

    if urlsplit(desk_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        return False
    try:
        fetch(desk_url, quick=True)
    except (BadAnswer, DeskError, DeskUnreachable, NotFound):
        return False
    return True


def fetch_or_unknown(
    base_url: str,
    *,
    debug: Callable[[str], None] | None = None,
    quick: bool = False,
) -> Summary:
    """Like fetch(), but a profile with no status page, or a page that does not answer,
    gets a Summary that says "not known" (with the reason) instead of an error."""
    if not base_url.strip():
        return Summary.not_known("the profile has no status page (status_url)")
    try:
        return fetch(base_url, debug=debug, quick=quick)
    except (BadAnswer, DeskUnreachable, NotFound, DeskError) as exc:
        return Summary.not_known(exc.message)
