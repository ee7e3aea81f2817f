"""A realistic past for the sandbox desk: a partner team's tickets over the last days, with
the provider's answers at realistic delays (a few late ones), restorations, follow-ups,
escalations and their answers. Written straight into the desk's database in one
transaction, as if the desk had lived through it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import db, users
from .clock import iso, utcnow
from .errors import SandboxError
from .shapes import html_body
from .state import DEFAULT_AGENT_EMAIL, SandboxState

ESCALATION_EMAIL, ESCALATION_NAME = "escalations@provider.example", "Erin Escalation"
ENGINEERS = ("Dana Whitfield", "Marco Ruiz", "Priya Natarajan", "Tom Becker", "Aiko Tanaka")
CUSTOMERS = {
    "ACME": "Acme Corporation", "GLOBX": "Globex", "INITC": "Initech",
    "UMBRL": "Umbrella Health", "WAYNE": "Wayne Logistics", "STARK": "Stark Retail",
}  # fmt: skip
DATACENTERS = ("VA1", "UC1", "IL1", "WA1", "CA3", "GB1", "DE1")
# (priority or "task", share, first answer in minutes: typical, spread, share that is late)
KINDS = (
    ("urgent", 0.06, 9, 0.5, 0.10),
    ("high", 0.16, 18, 0.5, 0.12),
    ("normal", 0.45, 35, 0.6, 0.08),
    ("low", 0.21, 40, 0.6, 0.08),
    ("task", 0.12, 150, 0.8, 0.10),
)
# Service tasks: one business day of working time (8 hours, Monday-Friday 9-17 Pacific).
TARGET_MINUTES = {"urgent": 15, "high": 30, "normal": 60, "low": 60, "task": 8 * 60}
PACIFIC = ZoneInfo("America/Los_Angeles")
# Hours to restore (typical); urgent and high have targets of 4 h and 8 h.
RESTORE_HOURS = {"urgent": 2.0, "high": 3.5, "normal": 30.0, "low": 60.0, "task": 40.0}
PROBLEMS = {
    "urgent": ("all servers unreachable", "control portal down for every user"),
    "high": ("backup jobs failing", "storage latency above 200 ms", "VPN tunnel drops"),
    "normal": ("snapshot restore needed", "DNS record not resolving", "server slow to boot"),
    "low": ("question about billing tags", "add a firewall rule", "template request"),
    "task": ("resize data disk", "add a public IP", "schedule a maintenance window"),
}
# The provider's updates, as the Professional matrix promises them (minutes).
UPDATE_MINUTES = {"urgent": 30, "high": 60, "normal": 24 * 60, "low": 48 * 60}
MAX_UPDATES = 30
ESCALATION_SHARE = 0.08
STUCK_SHARE = 0.05  # waiting on a vendor, a change window, the customer: open for days
CLOSE_AFTER = timedelta(hours=72)


@dataclass
class _Rows:
    requests: list[tuple] = field(default_factory=list)
    comments: list[tuple] = field(default_factory=list)


@dataclass
class SeedSummary:
    tickets: int
    escalations: int
    comments: int
    first_id: int | None
    last_id: int | None

    def as_data(self) -> dict:
        return self.__dict__.copy()


def seed(
    state: SandboxState,
    *,
    tickets: int,
    days: int,
    email: str = "support@partner.example",
    now: datetime | None = None,
    random_seed: int | None = None,
) -> SeedSummary:
    """Add `tickets` tickets created over the last `days` days (and their escalations)."""
    if tickets < 1 or days < 1:
        raise SandboxError("seed needs at least one ticket and one day")
    rng = random.Random(random_seed)
    now = (now or utcnow()).replace(microsecond=0)
    state.ensure_agent()
    state.ensure_agent(ESCALATION_EMAIL, ESCALATION_NAME)
    with state.writing() as conn:
        requester = users.by_email(conn, email)
        if requester is None:
            raise SandboxError(f"no end user {email!r} on this desk; start it once first")
        agent = users.by_email(conn, DEFAULT_AGENT_EMAIL)["id"]
        manager = users.by_email(conn, ESCALATION_EMAIL)["id"]
        who = (requester["id"], requester["organization_id"], agent, manager)
        rows = _Rows()
        moments = sorted(_created(rng, now, days) for _ in range(tickets))
        escalations = 0
        for created in moments:
            escalations += _ticket(conn, rng, rows, who, created, now)
        _insert(conn, rows)
    ids = [r[0] for r in rows.requests]
    return SeedSummary(tickets, escalations, len(rows.comments), min(ids), max(ids))


def _created(rng: random.Random, now: datetime, days: int) -> datetime:
    """A creation moment in the last `days` days, mostly on weekdays in working hours
    (the partner's L1 team is in Europe and the US)."""
    while True:
        moment = now - timedelta(seconds=rng.uniform(600, days * 86400))
        hour = moment.hour
        busy = moment.weekday() < 5 and 7 <= hour < 23
        if busy or rng.random() < 0.25:
            return moment.replace(microsecond=0)


def _kind(rng: random.Random) -> tuple:
    pick = rng.random()
    for kind in KINDS:
        pick -= kind[1]
        if pick <= 0:
            return kind
    return KINDS[2]


def _delay(rng: random.Random, typical: float, spread: float, late: float, target: float) -> float:
    """Minutes to an answer: mostly around `typical`, a share `late` past the target."""
    if rng.random() < late:
        return target * rng.uniform(1.1, 3.0)
    return min(target * 0.98, rng.lognormvariate(0, spread) * typical)


def _ticket(conn, rng: random.Random, rows: _Rows, who: tuple, created: datetime, now) -> int:
    """One ticket, its thread and maybe its escalation; returns 1 when escalated."""
    requester, org, agent, _manager = who
    name, _share, typical, spread, late = _kind(rng)
    prio = "normal" if name == "task" else name
    alias = rng.choice(list(CUSTOMERS))
    engineer, dc = rng.choice(ENGINEERS), rng.choice(DATACENTERS)
    problem = rng.choice(PROBLEMS[name])
    request_id = db.next_id(conn, "requests")
    body = _body(alias, dc, prio, problem, engineer, created)
    thread = [(requester, body, created)]
    minutes = _delay(rng, typical, spread, late, TARGET_MINUTES[name])
    # Service tasks are answered in the provider's working hours only.
    reply = _working(created, minutes) if name == "task" else created + timedelta(minutes=minutes)
    restored = reply + timedelta(hours=rng.lognormvariate(0, 0.7) * RESTORE_HOURS[name])
    if rng.random() < STUCK_SHARE:
        restored = now + timedelta(days=1)  # still open today
    if reply < now:
        thread.append((agent, f"Thanks, we are looking into the {problem} now.", reply))
        if name != "task":
            thread += _updates(rng, agent, prio, reply, min(restored, now))
    status, updated, solved = _status(rng, created, thread[-1][2], restored, now)
    if solved is not None:
        thread.append((agent, "Service is restored; please confirm on your side.", solved))
    escalated = 0
    if reply < now and rng.random() < ESCALATION_SHARE:
        escalated = _escalation(conn, rng, rows, who, request_id, created, reply, now)
    rows.requests.append((
        request_id, f"{alias}: {problem}", body, status, prio, name if name == "task" else
        "incident", requester, org, agent if reply < now else None, iso(created), iso(updated),
        iso(solved) if solved else None,
    ))  # fmt: skip
    for author, text, moment in thread:
        _comment(conn, rows, request_id, author, text, moment)
    return escalated


def _updates(rng: random.Random, agent: int, prio: str, start: datetime, end: datetime):
    """The provider's updates between its first answer and `end`, about as often as it
    promises (a few late); at most MAX_UPDATES, after which a forgotten ticket waits."""
    every = UPDATE_MINUTES[prio]
    found, moment = [], start
    while len(found) < MAX_UPDATES:
        factor = rng.uniform(1.1, 2.5) if rng.random() < 0.08 else rng.uniform(0.4, 0.98)
        moment += timedelta(minutes=every * factor)
        if moment >= end:
            break
        found.append((agent, "Update: still working on it; next update soon.", moment))
    return found


def _status(rng: random.Random, created, last: datetime, restored: datetime, now: datetime):
    """(status, updated_at, solved_at) as the desk would show them now, with `last` the
    thread's last comment so far."""
    if last == created or last >= now:
        return "new", created, None
    if restored >= now:
        return rng.choice(("open", "open", "pending", "hold")), last, None
    if restored + CLOSE_AFTER <= now:
        return "closed", restored + CLOSE_AFTER, restored
    return "solved", restored, restored


def _escalation(conn, rng, rows: _Rows, who: tuple, original: int, created, reply, now) -> int:
    """An escalation request for `original`, sent after the first answer, and the
    escalation team's answer (a few come late)."""
    requester, org, _agent, manager = who
    sent = reply + timedelta(minutes=rng.uniform(20, 240))
    if sent >= now:
        return 0
    request_id = db.next_id(conn, "requests")
    body = (
        f"Escalation of ticket #{original}\n\nWhy it needs escalation:\n"
        "The customer's business is stopped and the ticket has not moved.\n\n--\n"
        f"{rng.choice(ENGINEERS)}\nPartner support\n"
    )
    minutes = rng.uniform(16, 45) if rng.random() < 0.15 else rng.uniform(3, 14)
    answer = sent + timedelta(minutes=minutes)
    thread = [(requester, body, sent)]
    status, updated = "new", sent
    if answer < now:
        thread.append((manager, "Escalation received; a shift lead has taken the ticket.", answer))
        status, updated = "open", answer
    rows.requests.append((
        request_id, f"ESCALATION: Ticket - {original}", body, status, "high", "incident",
        requester, org, manager if answer < now else None, iso(sent), iso(updated), None,
    ))  # fmt: skip
    for author, text, moment in thread:
        _comment(conn, rows, request_id, author, text, moment)
    return 1


def _working(start: datetime, minutes: float) -> datetime:
    """The moment `minutes` of working time (Monday-Friday 9-17 Pacific) after `start`."""
    left = timedelta(minutes=minutes)
    day = start.astimezone(PACIFIC).date()
    while True:
        if day.weekday() < 5:
            opens = datetime.combine(day, time(9), tzinfo=PACIFIC).astimezone(UTC)
            closes = datetime.combine(day, time(17), tzinfo=PACIFIC).astimezone(UTC)
            begin = max(start, opens)
            if begin < closes:
                if begin + left <= closes:
                    return (begin + left).replace(microsecond=0)
                left -= closes - begin
        day += timedelta(days=1)


def _comment(conn, rows: _Rows, request_id: int, author: int, text: str, moment) -> None:
    comment_id = db.next_id(conn, "comments")
    rows.comments.append((comment_id, request_id, author, text, html_body(text), iso(moment)))


def _body(alias, dc, prio, problem, engineer, created: datetime) -> str:
    return (
        f"Customer name: {CUSTOMERS[alias]}\nAccount alias: {alias}\n"
        f"Data center: {dc}\nServer(s) affected: {dc}{alias}WEB01\nPriority: {prio}\n"
        f"Reported at: {created.strftime('%Y-%m-%d %H:%M UTC')}\n\nDescription\n"
        f"{problem.capitalize()} since {created.strftime('%H:%M UTC')}.\n\n"
        f"--\n{engineer}\nPartner support\n"
    )


def _insert(conn, rows: _Rows) -> None:
    conn.executemany(
        """INSERT INTO requests (id, subject, description, status, priority, type,
               requester_id, organization_id, assignee_id, via_channel, created_at,
               updated_at, solved_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'api', ?, ?, ?)""",
        rows.requests,
    )
    conn.executemany(
        """INSERT INTO comments (id, request_id, author_id, body, html_body, public, created_at)
           VALUES (?, ?, ?, ?, ?, 1, ?)""",
        rows.comments,
    )
