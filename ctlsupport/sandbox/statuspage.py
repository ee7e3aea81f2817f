"""The platform status page (contract §9.1, Statuspage v2 shape): public, read-only JSON.

Components are the data centers plus a few services. Incidents live in the sandbox's
SQLite file (tables created on first use), raised and resolved with
`ctlsupport sandbox incident` / `resolve`. Incident stages are kept verbatim, so the
provider's `restoring` stage is emitted as it is (an extension to Statuspage's values).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from . import db
from .clock import iso, utcnow
from .errors import Response, SandboxError, UnknownRequestError, invalid_endpoint, json_response

if TYPE_CHECKING:
    from .state import SandboxState

PAGE_ID = "ctlstatus01"
SERVICES = ("Control Portal", "Object Storage", "DNS", "Backup")
RESOLVED = ("resolved", "postmortem")
IMPACTS = ("none", "minor", "major", "critical")
_COMPONENT_STATUS = {
    "none": "operational",
    "minor": "degraded_performance",
    "major": "partial_outage",
    "critical": "major_outage",
}
_DESCRIPTION = {
    "none": "All Systems Operational",
    "minor": "Partially Degraded Service",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
}
PATHS = {
    "/api/v2/summary",
    "/api/v2/status",
    "/api/v2/components",
    "/api/v2/incidents",
    "/api/v2/incidents/unresolved",
    "/api/v2/scheduled-maintenances",
    "/api/v2/scheduled-maintenances/upcoming",
    "/api/v2/scheduled-maintenances/active",
}


def handles(path: str) -> bool:
    """Whether a path is one of the status page's."""
    return path.rstrip("/").removesuffix(".json") in PATHS


def _component_names() -> list[str]:
    from ctlsupport.core.datacenters import datacenters

    return [*datacenters(), *SERVICES]


def _component_id(name: str) -> str:
    return name.lower().replace(" ", "-")


def raise_incident(
    state: SandboxState,
    *,
    name: str,
    components: list[str],
    status: str = "investigating",
    impact: str = "minor",
    body: str = "",
) -> dict[str, Any]:
    """Open an incident on the given components (data-center codes or service names)."""
    known = {c.lower(): c for c in _component_names()}
    chosen = []
    for item in components:
        if item.lower() not in known:
            raise SandboxError(f"unknown component {item!r}: one of {', '.join(known.values())}")
        chosen.append(known[item.lower()])
    if impact not in IMPACTS:
        raise SandboxError(f"impact must be one of {', '.join(IMPACTS)}")
    if not status.strip() or status in RESOLVED:
        raise SandboxError("a new incident needs an unresolved status (e.g. investigating)")
    now = iso(utcnow())
    with state.writing() as conn:
        incident_id = f"inc{db.next_id(conn, 'status_incidents'):04d}"
        conn.execute(
            "INSERT INTO status_incidents (id, name, status, impact, components, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (incident_id, name, status, impact, json.dumps(chosen), now, now),
        )
        _add_update(conn, incident_id, status, body or f"We are {status} an issue: {name}.", now)
    return get_incident(state, incident_id)


def resolve_incident(state: SandboxState, incident_id: str, body: str = "") -> dict[str, Any]:
    """Mark an incident resolved, with a closing update."""
    now = iso(utcnow())
    with state.writing() as conn:
        row = conn.execute("SELECT status FROM status_incidents WHERE id = ?", (incident_id,))
        found = row.fetchone()
        if found is None:
            raise UnknownRequestError(f"no incident {incident_id}")
        if found["status"] in RESOLVED:
            raise SandboxError(f"incident {incident_id} is already resolved")
        conn.execute(
            "UPDATE status_incidents SET status = 'resolved', resolved_at = ?, updated_at = ? "
            "WHERE id = ?",
            (now, now, incident_id),
        )
        _add_update(conn, incident_id, "resolved", body or "This incident has been resolved.", now)
    return get_incident(state, incident_id)


def _add_update(conn: sqlite3.Connection, incident_id: str, status: str, body: str, now: str):
    number = db.next_id(conn, "status_updates")
    conn.execute(
        "INSERT INTO status_updates (id, incident_id, status, body, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (f"upd{number:05d}", incident_id, status, body, now),
    )


def get_incident(state: SandboxState, incident_id: str) -> dict[str, Any]:
    """One incident in the Statuspage shape."""
    for incident in _incidents(state):
        if incident["id"] == incident_id:
            return incident
    raise UnknownRequestError(f"no incident {incident_id}")


def _incidents(state: SandboxState) -> list[dict[str, Any]]:
    """Every incident, newest first."""
    with state.reading() as conn:
        rows = conn.execute("SELECT * FROM status_incidents ORDER BY created_at DESC, id DESC")
        incidents = [dict(r) for r in rows]
        updates = [dict(r) for r in conn.execute("SELECT * FROM status_updates ORDER BY id DESC")]
    out = []
    for row in incidents:
        names = json.loads(row["components"])
        status = _COMPONENT_STATUS[row["impact"]] if row["status"] not in RESOLVED else None
        out.append(
            {
                "id": row["id"],
                "name": row["name"],
                "status": row["status"],
                "impact": row["impact"],
                "shortlink": f"{state.base_url}/incidents/{row['id']}",
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
                "started_at": row["created_at"],
                "monitoring_at": row["monitoring_at"],
                "resolved_at": row["resolved_at"],
                "page_id": PAGE_ID,
                "incident_updates": [
                    {
                        "id": u["id"],
                        "incident_id": row["id"],
                        "status": u["status"],
                        "body": u["body"],
                        "created_at": u["created_at"],
                        "updated_at": u["created_at"],
                        "display_at": u["created_at"],
                        "affected_components": None,
                    }
                    for u in updates
                    if u["incident_id"] == row["id"]
                ],
                "components": [
                    {"id": _component_id(n), "name": n, "status": status or "operational"}
                    for n in names
                ],
            }
        )
    return out


def _maintenances(state: SandboxState) -> list[dict[str, Any]]:
    """One seeded upcoming maintenance, a week ahead, so the page is never bare."""
    now = utcnow().replace(minute=0, second=0)
    start = (now + timedelta(days=7)).replace(hour=4)
    return [
        {
            "id": "mnt0001",
            "name": "Storage firmware upgrade in GB3",
            "status": "scheduled",
            "impact": "maintenance",
            "shortlink": f"{state.base_url}/incidents/mnt0001",
            "created_at": iso(now - timedelta(days=1)),
            "updated_at": iso(now - timedelta(days=1)),
            "started_at": iso(start),
            "monitoring_at": None,
            "resolved_at": None,
            "page_id": PAGE_ID,
            "scheduled_for": iso(start),
            "scheduled_until": iso(start + timedelta(hours=4)),
            "incident_updates": [],
            "components": [{"id": "gb3", "name": "GB3", "status": "operational"}],
        }
    ]


def _page(state: SandboxState) -> dict[str, Any]:
    return {
        "id": PAGE_ID,
        "name": "Cloud Platform",
        "url": state.base_url,
        "time_zone": "Etc/UTC",
        "updated_at": iso(utcnow()),
    }


def _components(open_incidents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    worst: dict[str, int] = {}
    for incident in open_incidents:
        for component in incident["components"]:
            level = IMPACTS.index(incident["impact"])
            worst[component["name"]] = max(worst.get(component["name"], 0), level)
    return [
        {
            "id": _component_id(name),
            "name": name,
            "status": _COMPONENT_STATUS[IMPACTS[worst.get(name, 0)]],
            "position": position,
            "description": None,
            "showcase": True,
            "start_date": None,
            "group_id": None,
            "page_id": PAGE_ID,
            "group": False,
            "only_show_if_degraded": False,
            "created_at": "2015-03-10T00:00:00Z",
            "updated_at": iso(utcnow()),
        }
        for position, name in enumerate(_component_names(), start=1)
    ]


def _status(open_incidents: list[dict[str, Any]]) -> dict[str, str]:
    level = max((IMPACTS.index(i["impact"]) for i in open_incidents), default=0)
    return {"indicator": IMPACTS[level], "description": _DESCRIPTION[IMPACTS[level]]}


def document(state: SandboxState, path: str) -> dict[str, Any]:
    """The JSON of one status page path."""
    key = path.rstrip("/").removesuffix(".json")
    every = _incidents(state)
    unresolved = [i for i in every if i["status"] not in RESOLVED]
    maintenances = _maintenances(state)
    page = {"page": _page(state)}
    if key == "/api/v2/summary":
        return {
            **page,
            "status": _status(unresolved),
            "components": _components(unresolved),
            "incidents": unresolved,
            "scheduled_maintenances": maintenances,
        }
    if key == "/api/v2/status":
        return {**page, "status": _status(unresolved)}
    if key == "/api/v2/components":
        return {**page, "components": _components(unresolved)}
    if key == "/api/v2/incidents":
        return {**page, "incidents": every[:50]}
    if key == "/api/v2/incidents/unresolved":
        return {**page, "incidents": unresolved}
    if key == "/api/v2/scheduled-maintenances/active":
        active = [m for m in maintenances if m["status"] in ("in_progress", "verifying")]
        return {**page, "scheduled_maintenances": active}
    if key == "/api/v2/scheduled-maintenances/upcoming":
        upcoming = [m for m in maintenances if m["status"] == "scheduled"]
        return {**page, "scheduled_maintenances": upcoming}
    return {**page, "scheduled_maintenances": maintenances}


def handle(state: SandboxState, method: str, path: str) -> Response:
    """Answer one status page call (GET only, no sign-in)."""
    if method != "GET":
        return invalid_endpoint().response
    return json_response(200, document(state, path))
