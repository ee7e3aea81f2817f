"""A team history whose every response time is known, for the report's exact tests.

Tier professional; the period is 2026-03-02 to 2026-03-15 in Europe/Berlin (UTC+1 then),
so it runs from 2026-03-01T23:00Z to 2026-03-15T23:00Z. US daylight saving time starts on
Sunday 2026-03-08 (Pacific 9:00 is 17:00Z before and 16:00Z after): the service tasks
around it check that working hours are counted in Pacific time.

NOW is 2026-03-15T22:45Z (one ticket still waiting); a report run later (the CLI test
uses the real clock) sees that ticket missed and every open ticket 30+ days old.
"""

from __future__ import annotations

from dataclasses import dataclass

NOW = "2026-03-15T22:45:00Z"
PERIOD = ("2026-03-02", "2026-03-15", "Europe/Berlin")


@dataclass(frozen=True)
class T:
    id: int
    created: str
    priority: str
    status: str
    customer: str = ""
    engineer: str = ""
    datacenter: str = ""
    reply: str | None = None  # the provider's first public answer
    restored: str | None = None  # its last one, on a solved or closed ticket
    kind: str = "incident"
    subject: str = ""


TICKETS = [
    T(101, "2026-03-02T10:00:00Z", "urgent", "closed", "ACME", "Dana Whitfield", "VA1",
      "2026-03-02T10:10:00Z", "2026-03-02T13:00:00Z"),
    T(102, "2026-03-03T10:00:00Z", "urgent", "closed", "GLOBX", "Marco Ruiz", "UC1",
      "2026-03-03T10:20:00Z", "2026-03-03T15:00:00Z"),
    T(103, "2026-03-04T10:00:00Z", "urgent", "open", "ACME", "Dana Whitfield", "VA1",
      "2026-03-04T10:15:00Z"),
    # 00:30 in Berlin on 2 March: inside the period (it would be outside in UTC).
    T(104, "2026-03-01T23:30:00Z", "high", "closed", "INITC", "Priya Natarajan", "IL1",
      "2026-03-01T23:55:00Z", "2026-03-02T06:30:00Z"),
    T(105, "2026-03-05T12:00:00Z", "high", "solved", "GLOBX", "Marco Ruiz", "UC1",
      "2026-03-05T12:45:00Z", "2026-03-05T21:00:00Z"),
    # Monday 00:30 in Berlin: week of 9 March (Sunday 8 March in UTC).
    T(106, "2026-03-08T23:30:00Z", "high", "pending", "ACME", "Dana Whitfield", "VA1",
      "2026-03-09T00:00:00Z"),
    T(107, "2026-03-10T08:00:00Z", "normal", "closed", "", "Tom Becker", "",
      "2026-03-10T08:50:00Z", "2026-03-10T08:50:00Z"),
    T(108, "2026-03-11T08:00:00Z", "normal", "new", "INITC", "Priya Natarajan", "IL1"),
    T(109, "2026-03-12T08:00:00Z", "normal", "hold", "ACME", "Tom Becker", "VA1",
      "2026-03-12T10:00:00Z"),
    T(110, "2026-03-13T09:00:00Z", "low", "closed", "GLOBX", "Dana Whitfield", "UC1",
      "2026-03-13T10:00:00Z", "2026-03-13T10:00:00Z"),
    # Friday 15:00 PST; answered Monday 11:00 PDT: 2 h + 2 h of working time.
    T(111, "2026-03-06T23:00:00Z", "normal", "closed", "STARK", "Aiko Tanaka", "VA1",
      "2026-03-09T18:00:00Z", "2026-03-09T18:00:00Z", kind="task"),
    # Saturday; the clock starts Monday 9:00 PDT: 8 h Monday + 1.5 h Tuesday, late.
    T(112, "2026-03-07T18:00:00Z", "normal", "closed", "STARK", "Aiko Tanaka", "VA1",
      "2026-03-10T17:30:00Z", "2026-03-10T17:30:00Z", kind="task"),
    T(113, "2026-03-11T20:00:00Z", "normal", "closed", "ACME", "Priya Natarajan", "VA1",
      "2026-03-11T23:30:00Z", "2026-03-11T23:30:00Z", kind="task"),
    # 23:30 in Berlin on the last day; not answered yet at NOW.
    T(117, "2026-03-15T22:30:00Z", "low", "new", "WAYNE", "Tom Becker", "GB1"),
    # Outside the period: 00:10 on 16 March and 23:59 on 1 March in Berlin, and older.
    T(114, "2026-03-15T23:10:00Z", "urgent", "closed", "ACME", "Dana Whitfield", "VA1",
      "2026-03-15T23:15:00Z", "2026-03-15T23:40:00Z"),
    T(115, "2026-03-01T22:59:00Z", "normal", "closed", "ACME", "Dana Whitfield", "VA1",
      "2026-03-01T23:05:00Z", "2026-03-01T23:05:00Z"),
    T(116, "2026-02-01T10:00:00Z", "low", "open", "GLOBX", "Marco Ruiz", "UC1"),
    # Escalations: answered in 7 min; in 20 min (late); a service task's, sent Monday
    # 20:00 PDT, acknowledged from Tuesday 7:00 PDT and answered 7:10 (in time).
    T(201, "2026-03-05T12:50:00Z", "high", "open", reply="2026-03-05T12:57:00Z",
      subject="ESCALATION: Ticket - 105"),
    T(202, "2026-03-09T09:00:00Z", "high", "open", reply="2026-03-09T09:20:00Z",
      subject="ESCALATION: Ticket - 106"),
    T(203, "2026-03-10T03:00:00Z", "high", "open", reply="2026-03-10T14:10:00Z",
      subject="ESCALATION: Ticket - 112"),
]  # fmt: skip

# Figures, worked out by hand from the history above.
MIN = 60
HOUR = 3600
FIRST_RESPONSE = {
    # key: (target_seconds, tickets, met, missed, waiting, median, p90)
    "urgent": (15 * MIN, 3, 2, 1, 0, 15 * MIN, 20 * MIN),
    "high": (30 * MIN, 3, 2, 1, 0, 30 * MIN, 45 * MIN),
    "normal": (HOUR, 3, 1, 2, 0, 50 * MIN, 2 * HOUR),
    "low": (HOUR, 2, 1, 0, 1, HOUR, HOUR),
    "task": (8 * HOUR, 3, 2, 1, 0, 4 * HOUR, 9 * HOUR + 30 * MIN),
}
RESTORATION = {
    "urgent": (3, 1, 2, 0, 3 * HOUR, 5 * HOUR),
    "high": (3, 1, 2, 0, 7 * HOUR, 9 * HOUR),
}
RESPONSE = {  # id: (seconds, outcome)
    101: (10 * MIN, "met"), 102: (20 * MIN, "missed"), 103: (15 * MIN, "met"),
    104: (25 * MIN, "met"), 105: (45 * MIN, "missed"), 106: (30 * MIN, "met"),
    107: (50 * MIN, "met"), 108: (None, "missed"), 109: (2 * HOUR, "missed"),
    110: (HOUR, "met"), 111: (4 * HOUR, "met"), 112: (9 * HOUR + 30 * MIN, "missed"),
    113: (3 * HOUR + 30 * MIN, "met"), 117: (None, "waiting"),
}  # fmt: skip
# Updates: the longest wait between two answers in a row and, while open, since the last
# one (urgent every 30 min, high hourly, normal daily, low every 2 days). #103 is still
# open: its wait runs from its only answer to the report's time (generated_at).
UPDATES = {
    # key: (target_seconds, tickets, met, missed, waiting, median, p90)
    "urgent": (30 * MIN, 3, 0, 3, 0, 4 * HOUR + 40 * MIN, None),
    "high": (HOUR, 3, 1, 2, 0, 6 * HOUR + 35 * MIN, 8 * HOUR + 15 * MIN),
    "normal": (86400, 2, 2, 0, 0, 0, 0),
    "low": (2 * 86400, 1, 1, 0, 0, 0, 0),
}
RUNNING_SINCE = "2026-03-04T10:15:00Z"  # #103's only answer
ESCALATIONS = [
    # (original, request, after_seconds, answer_seconds, outcome)
    (105, 201, 50 * MIN, 7 * MIN, "met"),
    (106, 202, 9 * HOUR + 30 * MIN, 20 * MIN, "missed"),
    (112, 203, 2 * 86400 + 9 * HOUR, 11 * HOUR + 10 * MIN, "met"),
]
ESCALATION_ANSWER = (3, 2, 1, 0, 20 * MIN, 11 * HOUR + 10 * MIN)
OPEN_BY_AGE = {"< 1 day": 1, "1-3 days": 0, "3-7 days": 3, "7-30 days": 1, "30+ days": 1}
WEEKS = {
    "2026-03-02": {"urgent": 3, "high": 2, "normal": 2, "low": 0},
    "2026-03-09": {"urgent": 0, "high": 1, "normal": 4, "low": 2},
}
BY = {
    # key: (tickets, open, escalated, met, missed, median, p90)
    "priority": {
        "urgent": (3, 1, 0, 2, 1, 15 * MIN, 20 * MIN),
        "high": (3, 1, 2, 2, 1, 30 * MIN, 45 * MIN),
        "normal": (6, 2, 1, 3, 3, 3 * HOUR + 30 * MIN, 9 * HOUR + 30 * MIN),
        "low": (2, 1, 0, 1, 0, HOUR, HOUR),
    },
    "customer": {
        "ACME": (5, 3, 1, 4, 1, 30 * MIN, 3 * HOUR + 30 * MIN),
        "GLOBX": (3, 0, 1, 1, 2, 45 * MIN, HOUR),
        "INITC": (2, 1, 0, 1, 1, 25 * MIN, 25 * MIN),
        "STARK": (2, 0, 1, 1, 1, 4 * HOUR, 9 * HOUR + 30 * MIN),
        "(none)": (1, 0, 0, 1, 0, 50 * MIN, 50 * MIN),
        "WAYNE": (1, 1, 0, 0, 0, None, None),
    },
    "engineer": {
        "Dana Whitfield": (4, 2, 1, 4, 0, 15 * MIN, HOUR),
        "Priya Natarajan": (3, 1, 0, 2, 1, 25 * MIN, 3 * HOUR + 30 * MIN),
        "Tom Becker": (3, 2, 0, 1, 1, 50 * MIN, 2 * HOUR),
        "Aiko Tanaka": (2, 0, 1, 1, 1, 4 * HOUR, 9 * HOUR + 30 * MIN),
        "Marco Ruiz": (2, 0, 1, 0, 2, 20 * MIN, 45 * MIN),
    },
    "datacenter": {
        "VA1": (7, 3, 2, 5, 2, 2 * HOUR, 9 * HOUR + 30 * MIN),
        "UC1": (3, 0, 1, 1, 2, 45 * MIN, HOUR),
        "IL1": (2, 1, 0, 1, 1, 25 * MIN, 25 * MIN),
        "(none)": (1, 0, 0, 1, 0, 50 * MIN, 50 * MIN),
        "GB1": (1, 1, 0, 0, 0, None, None),
    },
}
TOTALS = {"tickets": 14, "escalated_tickets": 3, "escalation_rate": 0.2143, "open": 6}


def body(t: T) -> str:
    """The request body ctlsupport would have written (customer, data center, signature)."""
    if t.subject:
        return f"Escalation of ticket\n\nWhy: stuck.\n\n--\n{t.engineer or 'Dana Whitfield'}\n"
    lines = ["Customer name: Someone"]
    if t.customer:
        lines.append(f"Account alias: {t.customer}")
    if t.datacenter:
        lines.append(f"Data center: {t.datacenter}")
    lines += ["", "Description", "It broke.", "", "--", t.engineer, "Partner support"]
    return "\n".join(lines) + "\n"


def _late(table: dict, key, missed_index: int, waiting_index: int | None) -> None:
    row = list(table[key])
    row[missed_index] += 1
    if waiting_index is not None:
        row[waiting_index] -= 1
    table[key] = tuple(row)


def expected(late: bool) -> dict:
    """The figures at NOW, or (`late`) long after, when #117 has missed its target and
    every open ticket is more than 30 days old."""
    first = dict(FIRST_RESPONSE)
    by = {name: dict(groups) for name, groups in BY.items()}
    response = dict(RESPONSE)
    ages = dict(OPEN_BY_AGE)
    if late:
        _late(first, "low", 3, 4)
        for name, key in (("priority", "low"), ("customer", "WAYNE"),
                          ("engineer", "Tom Becker"), ("datacenter", "GB1")):  # fmt: skip
            _late(by[name], key, 4, None)
        response[117] = (None, "missed")
        ages = dict.fromkeys(OPEN_BY_AGE, 0) | {"30+ days": 6}
    return {"first": first, "by": by, "response": response, "ages": ages}


def check(data: dict, *, late: bool = False, by: str = "priority") -> None:
    """Assert every figure of a report's JSON data against the worked-out ones."""
    want = expected(late)
    assert data["tier"] == "professional"
    assert data["period"]["from"] == "2026-03-01T23:00:00Z"
    assert data["period"]["to"] == "2026-03-15T23:00:00Z"
    assert data["period"]["time_zone"] == "Europe/Berlin"
    assert data["totals"] == TOTALS
    rows = {r["key"]: r for r in data["first_response"]}
    assert list(rows) == list(FIRST_RESPONSE)
    names = ("target_seconds", "tickets", "met", "missed", "waiting", "median_seconds",
             "p90_seconds")  # fmt: skip
    for key, figures in want["first"].items():
        assert tuple(rows[key][n] for n in names) == figures, key
    assert rows["task"]["basis"] == "business hours"
    assert {rows[k]["basis"] for k in ("urgent", "high", "normal", "low")} == {"24x7"}
    rows = {r["key"]: r for r in data["updates"]}
    assert list(rows) == list(UPDATES)
    running = _seconds(RUNNING_SINCE, data["generated_at"])
    for key, figures in UPDATES.items():
        want_row = figures if figures[-1] is not None else (*figures[:-1], running)
        assert tuple(rows[key][n] for n in names) == want_row, key
    rows = {r["key"]: r for r in data["restoration"]}
    assert list(rows) == list(RESTORATION)
    for key, figures in RESTORATION.items():
        assert tuple(rows[key][n] for n in names[1:]) == figures, key
    answer = data["escalations"]["answer"]
    assert tuple(answer[n] for n in names[1:]) == ESCALATION_ANSWER
    items = [(e["original_id"], e["request_id"], e["after_seconds"], e["answer_seconds"],
              e["answer"]) for e in data["escalations"]["items"]]  # fmt: skip
    assert items == ESCALATIONS
    assert {a["age"]: a["tickets"] for a in data["open_by_age"]} == want["ages"]
    assert {w.pop("week"): w for w in data["tickets_per_week"]} == WEEKS
    _check_breakdown(data["breakdown"], want["by"][by], by)
    tickets = {t["id"]: (t["response_seconds"], t["first_response"]) for t in data["tickets"]}
    assert tickets == want["response"]
    _check_tickets(data["tickets"], running)


def _check_breakdown(breakdown: dict, groups: dict, by: str) -> None:
    assert breakdown["by"] == by
    names = ("tickets", "open", "escalated", "first_response_met", "first_response_missed",
             "median_seconds", "p90_seconds")  # fmt: skip
    found = {g["key"]: tuple(g[n] for n in names) for g in breakdown["groups"]}
    assert list(found) == list(groups)
    assert found == groups


def _check_tickets(tickets: list[dict], running: int) -> None:
    by_id = {t.id: t for t in TICKETS}
    intervals = {"urgent": 30 * MIN, "high": HOUR, "normal": 86400, "low": 2 * 86400}
    for row in tickets:
        t = by_id[row["id"]]
        if t.reply is None or t.kind == "task":
            assert (row["updates"], row["longest_update_gap_seconds"]) == ("", None)
        else:
            gap = running if t.status == "open" else update_gap(t)
            outcome = "met" if gap <= intervals[t.priority] else "missed"
            assert (row["updates"], row["longest_update_gap_seconds"]) == (outcome, gap), t.id
        assert (row["created_at"], row["priority"], row["type"], row["status"]) == (
            t.created, t.priority, t.kind, t.status)  # fmt: skip
        assert (row["customer"], row["engineer"], row["datacenter"]) == (
            t.customer, t.engineer, t.datacenter)  # fmt: skip
        assert row["first_reply_at"] == t.reply
        restoration = {"urgent": 4 * HOUR, "high": 8 * HOUR}.get(t.priority)
        if restoration is None or t.kind == "task":
            assert row["restoration"] == "" and row["restoration_seconds"] is None
            continue
        if t.restored is not None and t.status in ("solved", "closed"):
            seconds = _seconds(t.created, t.restored)
            assert row["restoration_seconds"] == seconds
            assert row["restoration"] == ("met" if seconds <= restoration else "missed")
        else:
            assert (row["restoration"], row["restoration_seconds"]) == ("missed", None)
    assert [r["id"] for r in tickets] == sorted(
        (r["id"] for r in tickets), key=lambda i: by_id[i].created
    )


def update_gap(t: T) -> int | None:
    """The longest wait between two of the provider's answers to `t` (reply, restored)."""
    if t.reply is None:
        return None
    return _seconds(t.reply, t.restored) if t.restored and t.restored != t.reply else 0


def _seconds(start: str, end: str) -> int:
    from datetime import datetime

    def moment(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    return int((moment(end) - moment(start)).total_seconds())
