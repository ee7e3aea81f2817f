"""First-response clocks from the matrix: every tier and priority, service tasks in
business hours (weekends, DST), and the states on track / due soon / breached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ctlsupport.core import priority, sla, tracking
from ctlsupport.core.escalation import parse_time

CREATED = "2026-03-04T18:00:00Z"  # a Wednesday, 10:00 Pacific (PST)
T0 = parse_time(CREATED)


def _clock(tier, prio, *, kind="incident", status="new", after=timedelta(0), answered=False):
    return sla.clock(
        created_at=CREATED, status=status, prio=prio, kind=kind, tier=tier,
        now=T0 + after, answered=answered,
    )  # fmt: skip


MATRIX = [
    ("professional", "urgent", 15), ("professional", "high", 30),
    ("professional", "normal", 60), ("professional", "low", 60),
    ("enterprise", "urgent", 15), ("enterprise", "high", 30),
    ("enterprise", "normal", 30), ("enterprise", "low", 30),
    ("developer", "low", 480),
]  # fmt: skip


@pytest.mark.parametrize(("tier", "prio", "minutes"), MATRIX)
def test_due_time_is_the_matrix_target_for_each_tier_and_priority(tier, prio, minutes):
    assert _clock(tier, prio).due == T0 + timedelta(minutes=minutes)
    assert priority.target(tier, prio).first_response == timedelta(minutes=minutes)


@pytest.mark.parametrize(("tier", "prio", "minutes"), MATRIX)
def test_states_along_the_clock(tier, prio, minutes):
    target = timedelta(minutes=minutes)
    soon = min(target / 2, timedelta(hours=2))
    assert _clock(tier, prio).state == sla.ON_TRACK
    assert _clock(tier, prio, after=target - soon - timedelta(seconds=1)).state == sla.ON_TRACK
    assert _clock(tier, prio, after=target - soon).state == sla.DUE_SOON
    assert _clock(tier, prio, after=target - timedelta(seconds=1)).state == sla.DUE_SOON
    assert _clock(tier, prio, after=target).state == sla.BREACHED
    assert _clock(tier, prio, after=target * 10).state == sla.BREACHED


@pytest.mark.parametrize(
    ("status", "answered", "state"),
    [
        ("new", False, sla.BREACHED),
        ("open", False, sla.BREACHED),
        ("open", True, sla.ANSWERED),
        ("pending", False, sla.ANSWERED),
        ("hold", False, sla.ANSWERED),
        ("solved", False, sla.STOPPED),
        ("closed", True, sla.STOPPED),
    ],
)
def test_solved_closed_and_answered_tickets_have_no_running_clock(status, answered, state):
    clock = _clock("professional", "high", status=status, after=timedelta(hours=5),
                   answered=answered)  # fmt: skip
    assert clock.state == state
    assert clock.running is (state == sla.BREACHED)


def test_a_priority_the_tier_does_not_offer_has_no_target():
    clock = _clock("developer", "urgent")
    assert clock.state == sla.NO_TARGET and clock.due is None


def test_missing_priority_counts_as_normal():
    assert _clock("professional", None).due == T0 + timedelta(hours=1)


def _utc(text: str) -> datetime:
    return parse_time(text)


@pytest.mark.parametrize(
    ("created", "due"),
    [
        # Wednesday 10:00 PST -> Thursday 10:00 PST (one business day).
        ("2026-03-04T18:00:00Z", "2026-03-05T18:00:00Z"),
        # Wednesday 07:00 PST, before hours -> counts from 09:00 -> Thursday 09:00.
        ("2026-03-04T15:00:00Z", "2026-03-05T17:00:00Z"),
        # Wednesday 18:00 PST, after hours -> Thursday 09:00 start -> Friday 09:00.
        ("2026-03-05T02:00:00Z", "2026-03-06T17:00:00Z"),
        # Friday 16:00 PST -> Monday 16:00 (the weekend does not count).
        ("2026-02-28T00:00:00Z", "2026-03-03T00:00:00Z"),
        # Saturday -> starts Monday 09:00 -> Tuesday 09:00.
        ("2026-02-28T20:00:00Z", "2026-03-03T17:00:00Z"),
        # DST: Friday 16:00 PST before the switch (Sunday 8 March) -> Monday 16:00 PDT,
        # which is 23:00 UTC, not 00:00 UTC.
        ("2026-03-07T00:00:00Z", "2026-03-09T23:00:00Z"),
    ],
)
def test_service_tasks_count_business_hours_pacific(created, due):
    assert sla.first_response_due_at(_utc(created), "professional", "normal", "task") == _utc(due)


def test_service_task_target_is_the_same_for_every_tier():
    for tier in ("professional", "enterprise"):
        clock = sla.clock(created_at=CREATED, status="new", prio="low", kind="task", tier=tier,
                          now=T0)  # fmt: skip
        assert clock.due == _utc("2026-03-05T18:00:00Z")
        assert "business day" in clock.target


@pytest.mark.parametrize(
    ("tier", "prio", "due"),
    [
        ("professional", "urgent", "2026-03-04T22:00:00Z"),  # 4 h
        ("professional", "high", "2026-03-05T02:00:00Z"),  # 8 h
        ("professional", "normal", "2026-03-11T17:00:00Z"),  # 5 business days, PDT
        ("professional", "low", "2026-03-16T17:00:00Z"),  # 8 business days, across DST
        ("enterprise", "normal", "2026-03-05T18:00:00Z"),  # 1 business day
    ],
)
def test_restoration_targets_in_hours_and_business_days(tier, prio, due):
    assert sla.restoration_due(CREATED, tier, prio) == _utc(due)


def test_business_days_skip_the_weekend():
    friday = datetime(2026, 3, 6, 20, 0, tzinfo=UTC)  # Friday 12:00 PST
    assert sla.add_business_days(friday, 1) == _utc("2026-03-09T19:00:00Z")  # Monday, PDT


def test_escalation_uses_the_same_due_time():
    from ctlsupport.model import Request

    request = Request(
        id=1, subject="s", status="new", priority="high", type="incident", description="",
        created_at=CREATED, updated_at=CREATED, url="", web_url="",
    )  # fmt: skip
    assert sla.first_response_due(request, "professional") == T0 + timedelta(minutes=30)


def test_customer_alias_is_read_back_from_the_body_open_writes():
    from ctlsupport.core.tickets import render_body
    from ctlsupport.model import TicketDraft
    from ctlsupport.secret import Secret

    draft = TicketDraft(subject="s", customer_name="Acme", customer_alias="ACME",
                        pin=Secret("1"), full_name="Jo")  # fmt: skip
    assert tracking.customer_alias(render_body(draft)) == "ACME"
    assert tracking.customer_alias("no alias here") == ""


def test_backoff_doubles_caps_and_honours_retry_after():
    backoff = tracking.Backoff(interval=10, cap=60)
    assert backoff.after_failure() == 20
    assert backoff.after_failure() == 40
    assert backoff.after_failure() == 60
    assert backoff.after_failure(retry_after=120) == 120
    assert backoff.after_success() == 10
