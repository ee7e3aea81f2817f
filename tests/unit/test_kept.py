"""What the desk kept: the asked priority and CCs against the desk's answer."""

from __future__ import annotations

from ctlsupport.core import kept


def test_everything_kept():
    answer = {"priority": "high", "email_cc_ids": [7], "collaborator_ids": []}
    result = kept.compare(asked_priority="high", asked_ccs=["rep@p.example"], answer=answer,
                          emails={7: "Rep@P.example"})  # fmt: skip
    assert result.all_kept and result.as_data() == {"all_kept": True, "dropped": []}


def test_a_dropped_priority_is_said_with_the_fix():
    result = kept.compare(asked_priority="high", answer={"priority": None})
    [dropped] = result.dropped
    assert (dropped.field, dropped.asked, dropped.kept) == ("priority", "high", None)
    assert result.lines() == [
        "priority high was not kept: the desk has no priority; " + kept.PRIORITY_FIX
    ]
    assert "--via email" in kept.PRIORITY_FIX and "provider-setup.md" in kept.PRIORITY_FIX
    data = result.as_data()
    assert data["all_kept"] is False and data["dropped"][0]["field"] == "priority"


def test_a_changed_priority_counts_as_not_kept():
    result = kept.compare(asked_priority="urgent", answer={"priority": "normal"})
    assert result.lines()[0].startswith("priority urgent was not kept: the desk has normal")


def test_no_asked_priority_is_never_dropped():
    assert kept.compare(asked_priority=None, answer={"priority": "low"}).all_kept


def test_missing_ccs_named_by_address():
    answer = {"email_cc_ids": [], "collaborator_ids": [7]}
    result = kept.compare(asked_priority=None, asked_ccs=["a@p.example", "b@p.example"],
                          answer=answer, emails={7: "a@p.example"})  # fmt: skip
    [dropped] = result.dropped
    assert dropped.asked == ["b@p.example"]
    assert result.lines()[0].startswith("CC was not kept by the desk: b@p.example")


def test_missing_ccs_counted_when_addresses_are_unknown():
    result = kept.compare(asked_priority=None, asked_ccs=["a@p.example", "b@p.example"],
                          answer={"email_cc_ids": [], "collaborator_ids": []})  # fmt: skip
    assert result.dropped[0].message.startswith("CCs were not kept by the desk: a@p.example")
