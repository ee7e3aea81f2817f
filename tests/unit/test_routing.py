"""Which way tickets and escalations go to the real desk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ctlsupport.core import routing

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_urgent_and_high_go_by_email_where_mail_can_be_sent():
    for priority in ("urgent", "high"):
        choice = routing.ticket_route(priority, explicit=None, profile_via="api", can_mail=True)
        assert choice.route == "email" and "sets the priority" in choice.reason
    assert routing.ticket_route("high", explicit=None, profile_via="api",
                                can_mail=False).route == "api"  # fmt: skip
    assert routing.ticket_route("normal", explicit=None, profile_via="api",
                                can_mail=True).route == "api"  # fmt: skip
    assert routing.ticket_route("high", explicit="api", profile_via="email",
                                can_mail=True) == routing.Choice("api")  # fmt: skip


def test_escalations_go_by_email_or_are_handed_over_never_quietly_by_api():
    assert routing.escalation_route(explicit=None, can_mail=True).route == "email"
    handed = routing.escalation_route(explicit=None, can_mail=False)
    assert handed.route == "handoff" and "never goes as an ordinary request" in handed.reason
    api = routing.escalation_route(explicit="api", can_mail=True)
    assert api.route == "api" and "ordinary request" in api.reason


def test_can_send_mail_needs_a_server_and_the_alias():
    assert routing.can_send_mail("smtp.partner.example", "support@partner.example")
    assert not routing.can_send_mail("", "support@partner.example")


def test_early_only_warns_and_counts_from_the_last_answer():
    due = NOW + timedelta(minutes=40)
    note = routing.early_note(NOW, ticket_id=1042, since=NOW - timedelta(minutes=80), due=due,
                              answered=True)  # fmt: skip
    assert note and "1 h 20 min since the provider's last answer on #1042" in note
    assert "allowed" in note
    assert routing.early_note(NOW, ticket_id=1, since=NOW, due=NOW, answered=False) is None
    assert routing.early_note(NOW, ticket_id=1, since=NOW, due=None, answered=False) is None


def test_the_seeded_sandbox_client_matches_the_tools_defaults():
    """The embedded desk's public client is what a profile uses out of the box."""
    from ctlsupport.sandbox.oauth_clients import SEEDED_ID, SEEDED_REDIRECT
    from ctlsupport.transport import oauth

    ends = oauth.endpoints_for("https://support.ctl.io")
    assert (ends.client_id, ends.redirect_uri) == (SEEDED_ID, SEEDED_REDIRECT)
