"""The route of a new ticket: urgent and high by email where the profile can send mail
(the address sets the priority at the real desk), said in the preview and the result."""

from __future__ import annotations

from test_actions import FORM

HIGH_FORM = [
    ("Priority", "high"),
    *[answer for answer in FORM if answer[0] != "Priority"],
]


def _open(session, ask, route="auto", impact="The web shop is offline"):
    from ctlsupport.actions.open import OpenOptions, open_ticket
    from ctlsupport.actions.open_checks import Options

    process = Options(impact=impact, suggest=False, duplicate_check=False)
    return open_ticket(OpenOptions(route=route, process=process), session, ask)


def test_high_goes_by_email_and_the_preview_says_why(session_with):
    session, ask = session_with(HIGH_FORM)
    done = _open(session, ask)
    title, _ = ask.previews[-1]
    assert title == "New ticket by email from support@partner.example to high@ctl.io"
    assert any("High goes by email" in text for _, text in ask.notes[-1])
    assert done.data["route"] == "email" and "address" in done.data["route_reason"]
    assert done.lines[0].startswith(f"Opened request #{done.data['id']} by email to high@ctl.io")
    assert done.lines[1].strip().startswith("High goes by email")
    # The embedded desk made the request from the mail, at the priority of its address.
    request = session.client().get_request(done.data["id"])
    assert request.priority == "high" and done.data["kept"]["all_kept"]


def test_normal_stays_on_the_profile_route(session_with):
    session, ask = session_with(FORM)
    done = _open(session, ask, impact="")
    assert ask.previews[-1][0] == f"New ticket for {session.profile().desk_url}"
    assert done.data["route"] == "api" and done.data["route_reason"] is None


def test_via_api_is_kept_for_high_and_the_dropped_priority_is_said(session_with):
    session, ask = session_with(HIGH_FORM)
    done = _open(session, ask, route="api")
    assert ask.previews[-1][0] == f"New ticket for {session.profile().desk_url}"
    assert done.data["route"] == "api"
    # The strict desk drops an end user's priority sent through the API, and it is said.
    assert not done.data["kept"]["all_kept"]
    assert any(line.startswith("  NOT KEPT: priority high was not kept") for line in done.lines)


def test_without_a_mail_server_high_goes_by_the_api():
    from ctlsupport.core import routing

    choice = routing.ticket_route("high", explicit=None, profile_via="api", can_mail=False)
    assert choice.route == "api"
    urgent = routing.ticket_route("urgent", explicit=None, profile_via="api", can_mail=True)
    assert urgent.route == "email" and urgent.reason.startswith("Urgent goes by email")
    assert (
        routing.ticket_route("urgent", explicit="api", profile_via="email", can_mail=True).route
        == "api"
    )
