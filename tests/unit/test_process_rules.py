"""Triage, escalation-window and service-task rules, table-driven (time zones, weekends, DST)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ctlsupport.core import escalation, scope, triage
from ctlsupport.errors import InvalidInput


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("priority", "impact", "refused"),
    [
        ("urgent", None, True),
        ("urgent", "  ", True),
        ("high", None, True),
        ("high", "Checkout is down for every shopper", False),
        ("normal", None, False),
        ("low", None, False),
    ],
)
def test_urgent_and_high_need_an_impact(priority, impact, refused):
    if refused:
        with pytest.raises(InvalidInput, match="--impact"):
            triage.require_justification(priority, impact)
    else:
        triage.require_justification(priority, impact)


@pytest.mark.parametrize(
    ("breach", "expected"),
    [(False, ("high", "security incident")), (True, ("urgent", "security breach"))],
)
def test_security_priority(breach, expected):
    assert triage.security_priority(breach) == expected


@pytest.mark.parametrize(
    ("now_utc", "inside"),
    [
        ("2026-01-14T14:59:00", False),  # 06:59 PST
        ("2026-01-14T15:00:00", True),  # 07:00 PST
        ("2026-01-15T02:59:00", True),  # 18:59 PST on the 14th
        ("2026-01-15T03:00:00", False),  # 19:00 PST
        ("2026-07-14T14:00:00", True),  # 07:00 PDT (summer: UTC-7)
        ("2026-07-14T13:59:00", False),  # 06:59 PDT
        ("2026-01-17T18:00:00", True),  # a Saturday, 10:00 PST: escalations are daily
        ("2026-03-08T14:30:00", True),  # DST starts that night: 07:30 PDT
        ("2026-11-01T14:30:00", False),  # DST ends that night: 06:30 PST
    ],
)
def test_service_task_escalation_window(now_utc, inside):
    assert escalation.in_task_ack_window(utc(now_utc)) is inside


@pytest.mark.parametrize(
    ("now_utc", "ack_local"),
    [
        ("2026-01-15T04:00:00", "2026-01-15 07:00 PST"),  # 20:00 PST -> next morning
        ("2026-01-14T10:00:00", "2026-01-14 07:00 PST"),  # 02:00 PST -> this morning
        ("2026-03-08T09:00:00", "2026-03-08 07:00 PDT"),  # 01:00 PST, the DST day
    ],
)
def test_next_acknowledgement(now_utc, ack_local):
    assert f"{escalation.next_task_ack(utc(now_utc)):%Y-%m-%d %H:%M %Z}" == ack_local


@pytest.mark.parametrize(
    ("now_utc", "estimate_by"),
    [
        ("2026-01-14T18:00:00", "2026-01-15 10:00 PST"),  # Wed 10:00 -> Thu 10:00
        ("2026-01-16T18:00:00", "2026-01-19 10:00 PST"),  # Fri 10:00 -> Mon 10:00
        ("2026-01-17T18:00:00", "2026-01-20 09:00 PST"),  # Sat -> starts Mon 9:00 -> Tue
        ("2026-01-15T02:00:00", "2026-01-16 09:00 PST"),  # Wed 18:00 -> Thu 9:00 -> Fri
        ("2026-03-06T18:00:00", "2026-03-09 10:00 PDT"),  # Fri PST -> Mon PDT, same hour
    ],
)
def test_task_estimate_is_one_business_day(now_utc, estimate_by):
    assert f"{escalation.task_estimate_due(utc(now_utc)):%Y-%m-%d %H:%M %Z}" == estimate_by


@pytest.mark.parametrize(
    ("now_utc", "due_utc", "early"),
    [
        ("2026-01-14T10:10:00", "2026-01-14T10:15:00", True),
        ("2026-01-14T10:15:00", "2026-01-14T10:15:00", False),
        ("2026-01-14T11:00:00", "2026-01-14T10:15:00", False),
    ],
)
def test_escalation_is_early_before_the_first_response_target(now_utc, due_utc, early):
    assert escalation.is_early(utc(now_utc), utc(due_utc)) is early


@pytest.mark.parametrize(
    ("tier", "status", "refused"),
    [
        ("developer", "open", "paid support tier"),
        ("Professional", "closed", "is closed"),
        ("enterprise", "solved", None),
        ("professional", "open", None),
    ],
)
def test_who_may_escalate(tier, status, refused):
    if refused:
        with pytest.raises(escalation.EscalationRefused, match=refused):
            escalation.check_allowed(tier, status, 1042)
    else:
        escalation.check_allowed(tier, status, 1042)


def test_escalation_subject_and_body():
    text = escalation.compose(
        ticket_id=1042,
        ticket_subject="ACME: down",
        ticket_link="https://desk.example/hc/requests/1042",
        reason="Down for 3 hours",
        full_name="Jo Doe",
    )
    assert text.subject == "ESCALATION: Ticket - 1042"
    for part in ("ACME: down", "https://desk.example/hc/requests/1042", "Down for 3 hours"):
        assert part in text.body
    assert text.body.rstrip().endswith("Jo Doe")


def test_due_date_is_the_end_of_the_pacific_working_day():
    assert escalation.due_at("2026-01-20") == "2026-01-21T01:00:00Z"
    assert escalation.due_at("2026-07-20") == "2026-07-21T00:00:00Z"
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        escalation.due_at("20/01/2026")


@pytest.mark.parametrize(
    ("subject", "description", "rule"),
    [
        ("ACME: website slow", "Pages take 10 s to load", "os-or-application-performance"),
        ("ACME: high CPU on db", "mysql uses all of it", "os-or-application-performance"),
        ("ACME: cannot reach VPN", "their ISP drops packets upstream", "upstream-network"),
        ("ACME: VA1ACMEWEB01 unreachable", "Ping fails since 09:12", None),
        ("ACME: backup failed", "The nightly backup failed", None),
        # A web server's routine error about its own upstream is not the network outside.
        ("ACME: website down", "nginx: upstream timed out (110) while reading", None),
        ("ACME: 502", "no live upstreams while connecting to upstream", None),
        ("ACME: packet loss", "loss starts at the upstream provider", "upstream-network"),
    ],
)
def test_scope_rules(subject, description, rule):
    found = scope.check(subject, description)
    assert [f.rule for f in found][:1] == ([rule] if rule else [])


def test_kb_query_drops_codes_and_noise():
    query = triage.kb_query(
        "ACME: VA1ACMEWEB01 cannot reset PIN", "The PIN reset fails", drop=["acme"]
    )
    assert query.split() == ["reset", "pin", "fails"]


def test_duplicates_prefer_the_same_server_and_skip_solved():
    history = [
        {"id": 5, "subject": "x", "status": "open", "server": "VA1ACMEWEB01"},
        {"id": 6, "subject": "x", "status": "solved", "server": "VA1ACMEWEB01"},
    ]
    desk = [
        {"id": 7, "subject": "ACME: billing", "status": "new", "description": "acme"},
        {"id": 5, "subject": "x", "status": "open", "description": ""},
        {"id": 8, "subject": "Other", "status": "open", "description": "nothing"},
    ]
    found = triage.duplicates("VA1ACMEWEB01", "ACME", history=history, desk=desk)
    # Only the same server: the same customer alone is no duplicate.
    assert [(c.id, c.why) for c in found] == [(5, "server VA1ACMEWEB01")]


def test_an_escalation_request_is_never_a_duplicate():
    desk = [
        {"id": 9, "subject": "ESCALATION: Ticket - 5", "status": "open",
         "description": "Escalating: ACME: VA1ACMEWEB01 unreachable"},
        {"id": 5, "subject": "ACME: VA1ACMEWEB01 unreachable", "status": "open",
         "description": ""},
    ]  # fmt: skip
    found = triage.duplicates("VA1ACMEWEB01", "ACME", history=[], desk=desk)
    assert [c.id for c in found] == [5]
