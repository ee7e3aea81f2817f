"""The platform status page in the Statuspage v2 shape (contract §9.1); public JSON.

Statuses are kept verbatim: the provider has stages (such as `restoring`) that the
Statuspage vocabulary lacks, and a status we do not know must still be shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ctlsupport.errors import DeskError, DeskUnreachable, NotFound
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


def _incident(data: dict[str, Any]) -> Incident:
    updates = sorted(
        data.get("incident_updates") or [],
        key=lambda u: (u.get("display_at") or u.get("created_at") or "", u.get("id") or ""),
    )
    latest = None
    if updates:
        last = updates[-1]
        latest = Update(
            status=str(last.get("status") or ""),
            body=str(last.get("body") or ""),
            at=str(last.get("display_at") or last.get("created_at") or ""),
        )
    return Incident(
        id=str(data.get("id") or ""),
        name=str(data.get("name") or ""),
        status=str(data.get("status") or ""),
        impact=str(data.get("impact") or ""),
        components=[str(c.get("name") or "") for c in data.get("components") or []],
        shortlink=str(data.get("shortlink") or ""),
        started_at=str(data.get("started_at") or data.get("created_at") or ""),
        latest=latest,
        scheduled_for=str(data.get("scheduled_for") or ""),
        scheduled_until=str(data.get("scheduled_until") or ""),
    )


def parse_summary(data: dict[str, Any]) -> Summary:
    """A Summary from `/api/v2/summary.json`."""
    status = data.get("status") or {}
    return Summary(
        page_name=str((data.get("page") or {}).get("name") or ""),
        indicator=str(status.get("indicator") or "unknown"),
        description=str(status.get("description") or ""),
        components=[
            Component(str(c.get("name") or ""), str(c.get("status") or ""))
            for c in data.get("components") or []
            if not c.get("group")
        ],
        incidents=[
            _incident(i) for i in data.get("incidents") or [] if i.get("status") not in RESOLVED
        ],
        maintenances=[
            _incident(m)
            for m in data.get("scheduled_maintenances") or []
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
        raise DeskError(f"the status page at {session.base_url} did not answer with JSON")
    return parse_summary(data)


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
    except (DeskUnreachable, NotFound, DeskError) as exc:
        return Summary.not_known(exc.message)
