"""The sandbox desk's email channel, driven over real SMTP and read back through the API."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import requests
from mailhelp import ALIAS

from ctlsupport.sandbox import SandboxConfig, SandboxServer


def _api(server, path: str) -> dict:
    answer = requests.get(server.url + path, auth=(f"{ALIAS}/token", "sandbox-token"), timeout=10)
    answer.raise_for_status()
    return answer.json()


def _mail(server, message: EmailMessage, rcpt: list[str] | None = None) -> None:
    with smtplib.SMTP("127.0.0.1", server.smtp_port, timeout=10) as smtp:
        smtp.send_message(message, to_addrs=rcpt)


def _message(sender=ALIAS, to="high@ctl.io", subject="VA1ACMEWEB01 down", body="It is down.\n"):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{abs(hash((sender, subject, body)))}@partner.example>"
    message.set_content(body)
    return message


def test_mail_from_the_alias_becomes_a_request(mail_desk):
    message = _message(to="high@ctl.io")
    message["Cc"] = "rep@provider.example, Ops <ops@partner.example>"
    message.add_attachment(b"\x89PNG\r\n\x1a\n" + b"0" * 64, maintype="image",
                           subtype="png", filename="screen.png")  # fmt: skip
    _mail(mail_desk, message)
    [request] = _api(mail_desk, "/api/v2/requests.json")["requests"]
    assert request["subject"] == "VA1ACMEWEB01 down"
    assert request["priority"] == "high"
    assert request["via"]["channel"] == "email"
    assert request["recipient"] == "high@ctl.io"
    me = _api(mail_desk, "/api/v2/users/me.json")["user"]
    assert request["requester_id"] == me["id"]
    assert len(request["email_cc_ids"]) == 2
    comments = _api(mail_desk, f"/api/v2/requests/{request['id']}/comments.json")["comments"]
    assert comments[0]["body"] == "It is down.\n"
    assert [a["file_name"] for a in comments[0]["attachments"]] == ["screen.png"]


def test_the_receiving_address_sets_the_priority(mail_desk):
    for to in ("high@ctl.io", "help@ctl.io", "servicetasks@t3n.zendesk.com"):
        _mail(mail_desk, _message(to=to, subject=f"to {to}"))
    found = {r["recipient"]: r for r in mail_desk.state.list_requests()}
    assert found["high@ctl.io"]["priority"] == "high"
    assert found["help@ctl.io"]["priority"] == "normal"
    assert found["servicetasks@t3n.zendesk.com"]["type"] == "task"


def test_mail_from_another_address_is_suspended(mail_desk, cli):
    _mail(mail_desk, _message(sender="jdoe@partner.example"))
    assert mail_desk.state.list_requests() == []
    listed = requests.get(
        mail_desk.url + "/sandbox/suspended", headers=mail_desk.admin_headers, timeout=10
    ).json()
    [row] = listed["suspended_emails"]
    assert (row["cause"], row["sender"]) == ("unknown_author", "jdoe@partner.example")
    shown = cli("--json", "sandbox", "suspended", "--data", str(mail_desk.config.data_dir))
    assert shown.json()["data"]["suspended_emails"][0]["cause"] == "unknown_author"


def test_automated_and_blank_mail_is_suspended(mail_desk):
    auto = _message(subject="one")
    auto["Auto-Submitted"] = "auto-generated"
    bulk = _message(subject="two")
    bulk["Precedence"] = "bulk"
    _mail(mail_desk, auto)
    _mail(mail_desk, bulk)
    _mail(mail_desk, _message(subject="three", body="\n"))
    _mail(mail_desk, _message(sender="mailer-daemon@partner.example", subject="four"))
    causes = [row["cause"] for row in requests.get(
        mail_desk.url + "/sandbox/suspended", headers=mail_desk.admin_headers,
        timeout=10).json()["suspended_emails"]]  # fmt: skip
    assert causes == ["system_user", "blank", "auto_mailer", "auto_mailer"]
    assert mail_desk.state.list_requests() == []


def test_a_burst_from_one_sender_is_suspended_as_a_loop(tmp_path):
    config = SandboxConfig(data_dir=tmp_path / "desk", smtp_port=0, mail_loop_limit=3)
    with SandboxServer(config).start() as server:
        for number in range(5):
            _mail(server, _message(subject=f"burst {number}"))
        assert len(server.state.list_requests()) == 3
        from ctlsupport.sandbox.mail_intake import suspended

        assert [r["cause"] for r in suspended(server.state)] == ["loop", "loop"]


def test_replies_thread_by_in_reply_to_and_strangers_are_suspended(mail_desk):
    first = _message()
    _mail(mail_desk, first)
    [request] = mail_desk.state.list_requests()
    reply = _message(subject="Re: VA1ACMEWEB01 down", body="It is back.\n")
    reply["In-Reply-To"] = first["Message-ID"]
    _mail(mail_desk, reply)
    stranger = _message(sender="agent@provider.example", subject="Re: x", body="hi\n")
    stranger["References"] = first["Message-ID"]
    _mail(mail_desk, stranger)
    comments = _api(mail_desk, f"/api/v2/requests/{request['id']}/comments.json")["comments"]
    assert [c["body"] for c in comments] == ["It is down.\n", "It is back.\n"]
    assert len(mail_desk.state.list_requests()) == 1
    from ctlsupport.sandbox.mail_intake import suspended

    assert [r["cause"] for r in suspended(mail_desk.state)] == ["other_user_update"]


def test_a_reply_to_a_closed_request_opens_a_follow_up(mail_desk):
    first = _message(to="high@ctl.io")
    _mail(mail_desk, first)
    [request] = mail_desk.state.list_requests()
    mail_desk.state.set_status(request["id"], "closed")
    reply = _message(subject="Re: again", body="Down again.\n", to="high@ctl.io")
    reply["In-Reply-To"] = first["Message-ID"]
    _mail(mail_desk, reply)
    follow = mail_desk.state.list_requests()[-1]
    assert follow["id"] != request["id"]
    assert follow["priority"] == "normal"


def test_mail_to_the_escalation_address_is_an_escalation_linked_to_its_ticket(mail_desk):
    """The provider's automation: an escalated ticket for operations, linked both ways."""
    from ctlsupport.sandbox.escalations import (
        ESCALATED_FIELD,
        ESCALATED_IN_FIELD,
        ESCALATION_OF_FIELD,
        OPERATIONS_GROUP_ID,
    )

    _mail(mail_desk, _message(to="high@ctl.io", subject="VA1ACMEWEB01 down"))
    [ticket] = _api(mail_desk, "/api/v2/requests.json")["requests"]
    escalation = _message(to="escalation@ctl.io", subject=f"ESCALATION: Ticket - {ticket['id']}",
                          body="No answer for two hours.\n")  # fmt: skip
    _mail(mail_desk, escalation)
    found = {r["id"]: r for r in _api(mail_desk, "/api/v2/requests.json")["requests"]}
    [new_id] = set(found) - {ticket["id"]}
    fields = {f["id"]: f["value"] for f in found[new_id]["custom_fields"]}
    assert fields == {ESCALATED_FIELD: True, ESCALATION_OF_FIELD: ticket["id"]}
    assert found[new_id]["group_id"] == OPERATIONS_GROUP_ID
    shown = _api(mail_desk, f"/api/v2/requests/{ticket['id']}.json")["request"]
    assert {f["id"]: f["value"] for f in shown["custom_fields"]} == {ESCALATED_IN_FIELD: new_id}
    assert shown["updated_at"] >= ticket["updated_at"]


def test_an_escalation_naming_someone_elses_ticket_is_not_linked(mail_desk):
    from ctlsupport.sandbox.escalations import ESCALATED_FIELD

    mail_desk.state.ensure_end_user("other@else.example", "Other", verified=True)
    _mail(mail_desk, _message(sender="other@else.example", to="help@ctl.io", subject="theirs"))
    [theirs] = mail_desk.state.list_requests()
    _mail(
        mail_desk, _message(to="escalation@ctl.io", subject=f"ESCALATION: Ticket - {theirs['id']}")
    )
    mine = [r for r in mail_desk.state.list_requests() if r["id"] != theirs["id"]]
    assert [{f["id"]: f["value"] for f in r["custom_fields"]} for r in mine] == [
        {ESCALATED_FIELD: True}
    ]
    assert mail_desk.state.get_request(theirs["id"])["custom_fields"] == []


def test_mail_priority_ignores_the_end_user_priority_setting(mail_desk):
    """Priority by address is the admin's trigger, not the end user's field."""
    assert mail_desk.state.settings()["end_user_priority"] == "off"
    _mail(mail_desk, _message(to="high@ctl.io", subject="high one"))
    assert mail_desk.state.list_requests()[0]["priority"] == "high"


def test_urgent_mail_takes_the_high_address_and_becomes_high(mail_desk):
    """The provider's pages send urgent to the high address; urgent is the provider's
    call, so the desk files it as high (unless the admin has an urgent trigger)."""
    from ctlsupport.core import mailroutes

    to = mailroutes.resolve(None, priority="urgent").address
    assert to == mailroutes.resolve(None, priority="high").address
    _mail(mail_desk, _message(to=to, subject="urgent one"))
    assert mail_desk.state.list_requests()[0]["priority"] == "high"
