"""The user actions with no terminal: a scripted asker answers, the embedded sandbox desk
takes the tickets, and the results are read as data."""

from __future__ import annotations

import pytest

from ctlsupport.errors import Cancelled, MissingFields
from ctlsupport.secret import MASK

FORM = [
    ("Subject", "ACME: VA1ACMEWEB01 unreachable"),
    ("Priority", "normal"),
    ("Partner ticket", ""),
    ("Customer name", "Acme Corp"),
    ("Customer account alias", "ACME"),
    ("Data center", "VA1"),
    ("Server", "VA1ACMEWEB01"),
    ("External IP", "64.15.183.10"),
    ("Control Portal username", "jdoe"),
    ("Your full name", "Jo Doe"),
    ("Brief description", "The web server stopped answering at 09:12 UTC."),
    ("Attachment 1", ""),
    ("CC", ""),
    ("Troubleshooting", "Rebooted it from the Control Portal."),
    ("Error output", "ping: timeout"),
    ("Must the provider log in", False),
    ("Submit this ticket?", "submit"),
]


def test_open_asks_every_field_previews_and_sends(session_with):
    from ctlsupport.actions.open import OpenOptions, open_ticket

    session, ask = session_with(FORM)
    done = open_ticket(OpenOptions(process=_quiet_process()), session, ask)
    assert done is not None and done.data["id"] >= 1
    assert done.lines[0].startswith(f"Opened request #{done.data['id']}")
    title, rows = ask.previews[-1]
    assert rows["Customer"] == "Acme Corp (ACME)"
    assert rows["Portal user / PIN"] == f"jdoe / {MASK}"  # the PIN never shown
    assert title == f"New ticket for {session.profile().desk_url}"
    assert ask.asked.count("Subject") == 1  # each field asked once


def test_open_cancelled_at_the_preview_sends_nothing(session_with):
    from ctlsupport.actions.open import OpenOptions, open_ticket

    answers = [*FORM[:-1], ("Submit this ticket?", "cancel")]
    session, ask = session_with(answers)
    with pytest.raises(Cancelled):
        open_ticket(OpenOptions(process=_quiet_process()), session, ask)
    assert session.client().search_requests("VA1ACMEWEB01") == []


def test_open_without_a_person_names_the_missing_flags(session_with):
    from ctlsupport.actions.open import OpenOptions, open_ticket

    session, ask = session_with(None)
    with pytest.raises(MissingFields) as caught:
        open_ticket(OpenOptions(fields={"subject": "ACME: down"}), session, ask)
    assert "--customer-name" in caught.value.message


def test_comment_asks_for_the_text_and_signs_it(session_with):
    from ctlsupport.actions.comment import CommentOptions, comment
    from ctlsupport.actions.open import OpenOptions, open_ticket

    session, ask = session_with([*FORM, ("Your comment", "The customer confirms it is back.")])
    opened = open_ticket(OpenOptions(process=_quiet_process()), session, ask)
    done = comment(CommentOptions(request_id=opened.data["id"], full_name="Jo Doe"), session)
    assert done.data["id"] == opened.data["id"] and not done.data["adopted"]
    bodies = [c.body for c in session.client().iter_comments(opened.data["id"])]
    assert any("The customer confirms it is back." in b and "Jo Doe" in b for b in bodies)


def test_escalate_by_api_sends_the_exact_message(session_with):
    from ctlsupport.actions.escalate import EscalateOptions, escalate
    from ctlsupport.actions.open import OpenOptions, open_ticket

    session, ask = session_with([*FORM, ("Escalate anyway?", True)])
    opened = open_ticket(OpenOptions(process=_quiet_process()), session, ask)
    opts = EscalateOptions(
        opened.data["id"], reason="Store down for 3 hours", full_name="Jo Doe", route="api"
    )
    done = escalate(opts, session)
    assert done.data["route"] == "api" and done.data["original_id"] == opened.data["id"]
    assert (
        done.lines[0] == f"Escalated #{opened.data['id']} as request #{done.data['escalation_id']}"
    )


def _quiet_process():
    from ctlsupport.actions.open_checks import Options

    return Options(suggest=False, duplicate_check=False)
