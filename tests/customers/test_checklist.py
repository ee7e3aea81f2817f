"""The L1 checklist's rules: the steps list, and reasons for urgent, high and escalations."""

from __future__ import annotations

import pytest

from ctlsupport.core import checklist, templates
from ctlsupport.errors import InvalidInput, MissingFields

ITEMS = templates.load("server-down").checklist  # status, power, ping, firewall, reboot


def test_what_was_done_becomes_the_steps_as_a_list():
    done, reasons = checklist.parse_flags(ITEMS, ["ping", "power"], ["reboot=customer forbids it"])
    outcome = checklist.resolve(ITEMS, done, reasons, priority="normal")
    steps = checklist.merge_steps(outcome, "Also looked at the logs.")
    assert steps.splitlines() == [
        "Checked before opening this ticket:",
        "- Checked in the Control Portal that the server is powered on",
        "- Pinged the external IP and tried the service port from outside the platform",
        "Not done:",
        "- Checked the status page for an incident or maintenance in the data center",
        "- Checked the firewall rules and public IP settings for recent changes",
        "- Rebooted the server from the Control Portal (with the customer's consent) "
        "(why: customer forbids it)",
        "",
        "Also:",
        "Also looked at the logs.",
    ]


@pytest.mark.parametrize("level", ["urgent", "high"])
def test_urgent_and_high_name_each_item_without_a_reason_like_a_missing_flag(level):
    done, reasons = checklist.parse_flags(ITEMS, ["status", "power", "ping"], ["firewall"])
    with pytest.raises(MissingFields) as caught:
        checklist.resolve(ITEMS, done, reasons, priority=level)
    assert caught.value.message == (
        "missing required input: --checked firewall or --unchecked firewall=REASON, "
        "--checked reboot or --unchecked reboot=REASON"
    )


def test_an_escalation_needs_reasons_whatever_the_priority():
    with pytest.raises(MissingFields, match="--unchecked status=REASON"):
        checklist.resolve(ITEMS, set(), {}, priority="low", escalating=True)
    everything = {item.id for item in ITEMS}
    assert checklist.resolve(ITEMS, everything, {}, priority="low", escalating=True).done


@pytest.mark.parametrize(
    ("checked", "unchecked", "problem"),
    [
        (["nope"], [], "--checked: no item 'nope'"),
        ([], ["ping=two\nlines"], "--unchecked ping: the reason must be one line"),
        ([], ["ping=  "], "--unchecked ping: the reason must not be empty"),
        (["ping"], ["ping=why"], "ping is also given as --checked"),
    ],
)
def test_bad_flags_are_refused(checked, unchecked, problem):
    with pytest.raises(InvalidInput, match=problem):
        checklist.parse_flags(ITEMS, checked, unchecked)


def test_an_escalation_asks_the_reason_of_each_item_the_ticket_went_without():
    done, reasons = checklist.parse_flags(ITEMS, ["status", "power", "ping"], [])
    pending = checklist.unexplained(checklist.resolve(ITEMS, done, reasons, priority="low"))
    assert [p["id"] for p in pending] == ["firewall", "reboot"]
    with pytest.raises(MissingFields, match="--unchecked reboot=REASON"):
        checklist.for_escalation(pending, {"firewall": "no access"})
    text = checklist.for_escalation(pending, {"firewall": "no access", "reboot": "forbidden"})
    assert text == (
        "L1 checklist items not done:\n"
        "- Checked the firewall rules and public IP settings for recent changes (why: no access)\n"
        "- Rebooted the server from the Control Portal (with the customer's consent) "
        "(why: forbidden)"
    )
    with pytest.raises(InvalidInput, match="no open item 'status'"):
        checklist.for_escalation(pending, {"status": "x"})
    assert checklist.for_escalation([], {}) == ""


def test_a_ticket_keeps_its_unexplained_items_for_the_escalation():
    """Through the outbox payload and the local history, as a sent ticket is recorded."""
    from ctlsupport.actions import prefill
    from ctlsupport.core.submission import draft_from_payload, draft_to_payload
    from ctlsupport.model import Request, TicketDraft
    from ctlsupport.store import db
    from ctlsupport.store.history import History

    pending = [{"id": "reboot", "text": "Rebooted the server"}]
    draft = TicketDraft(subject="s", customer_alias="ACME", checklist_open=pending)
    back = draft_from_payload(draft_to_payload(draft, alias="a@b.example", account_rep=""))
    request = Request(4201, "s", "new", "normal", "incident", "", "", "", "", "")
    History(db.connect()).record_submitted("lab", request, back)
    assert prefill.escalation_checklist("lab", 4201) == pending
    assert prefill.escalation_checklist("lab", 4202) == []


def test_escalation_reasons_from_flags_or_asked():
    from ctlsupport.actions import prefill
    from ctlsupport.model import Request, TicketDraft
    from ctlsupport.store import db
    from ctlsupport.store.history import History

    pending = [{"id": "reboot", "text": "Rebooted the server"}]
    request = Request(4201, "s", "new", "normal", "incident", "", "", "", "", "")
    History(db.connect()).record_submitted("lab", request, TicketDraft(checklist_open=pending))
    with pytest.raises(MissingFields, match="--unchecked reboot=REASON"):
        prefill.escalation_reasons(None, "lab", 4201, [])
    text = prefill.escalation_reasons(None, "lab", 4201, ["reboot=not allowed"])
    assert text == "L1 checklist items not done:\n- Rebooted the server (why: not allowed)"
    assert prefill.escalation_reasons(None, "lab", 4299, []) == ""

    class Person:
        interactive = True

        def __init__(self) -> None:
            self.asked: list[str] = []

        def text(self, label, *, check):
            self.asked.append(label)
            return check(" the customer said no ")

    person = Person()
    text = prefill.escalation_reasons(person, "lab", 4201, [])
    assert person.asked == ["#4201 went without: Rebooted the server. Why? (one line)"]
    assert text.endswith("(why: the customer said no)")
