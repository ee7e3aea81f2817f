"""The sandbox desk mails what Zendesk's default triggers mail, and threads replies to it."""

from __future__ import annotations

import re
import smtplib
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import requests
from boxhelp import ALIAS, alias_maildir, mail_desk

CODE = re.compile(r"\[([0-9A-Z]{6}-[0-9A-Z]{4})\]")


def notifications(path) -> list[EmailMessage]:
    """The Maildir's messages in delivery order."""
    from ctlsupport.transport.imap import MaildirSource

    source = MaildirSource(path)
    parse = BytesParser(policy=policy.default).parsebytes
    return [parse(f.raw) for f in source.fetch(source.pending(0, set()))]


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def _api_ticket(desk, subject="Disk full", ccs=()):
    response = requests.post(
        f"{desk.url}/api/v2/requests.json",
        auth=(f"{ALIAS}/token", "sandbox-token"),
        json={"request": {"subject": subject, "comment": {"body": "The disk is full."},
                          "email_ccs": [{"user_email": a} for a in ccs]}},
        timeout=10,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return response.json()["request"]["id"]


def test_received_reply_and_solved_carry_what_zendesk_notifications_carry(desk):
    ticket = _api_ticket(desk, ccs=["cc@customer.example"])
    desk.state.agent_reply(ticket, "We are on it.")
    desk.state.agent_reply(ticket, "Internal: check the array.", public=False)
    desk.state.set_status(ticket, "solved")

    mails = notifications(alias_maildir(desk))
    assert len(mails) == 3  # the private note mails nobody
    received, reply, solved = mails
    assert f"({ticket})" in text_of(received) and "has been received" in text_of(received)
    assert "We are on it." in text_of(reply) and "Internal" not in text_of(reply)
    assert "has been solved" in text_of(solved)
    codes = {CODE.search(text_of(m)).group(1) for m in mails}
    assert len(codes) == 1  # one encoded id per ticket, in every notification
    for message in mails:
        assert text_of(message).startswith("##- Please type your reply above this line -##")
        assert message["Reply-To"].addresses[0].addr_spec == "help@ctl.io"
        assert message["To"].addresses[0].addr_spec == ALIAS
        assert message["Cc"].addresses[0].addr_spec == "cc@customer.example"
        assert message.get_body(("html",)) is not None
    # Threading: each one refers to the earlier ones, so mail clients show one thread.
    assert reply["In-Reply-To"] == received["Message-ID"]
    assert received["Message-ID"] in solved["References"]
    # The CC's own mailbox got the same mail.
    from ctlsupport.sandbox import notify

    assert len(notifications(notify.mailbox_path(desk.state, "cc@customer.example"))) == 3


def test_a_mailed_ticket_is_answered_as_a_reply_to_the_mail_that_opened_it(desk):
    opened = mail_desk(desk, "VPN down", "The VPN is down.\n")
    (received,) = notifications(alias_maildir(desk))
    assert received["In-Reply-To"] == opened
    assert received["Subject"] == "[Request received] VPN down"


def _reply(desk, to: EmailMessage, body: str, *, headers: bool = True) -> None:
    message = EmailMessage()
    message["From"] = ALIAS
    message["To"] = to["Reply-To"]
    message["Subject"] = "Re: " + to["Subject"]
    if headers:
        message["In-Reply-To"] = to["Message-ID"]
        message["References"] = f"{to['References'] or ''} {to['Message-ID']}".strip()
    quoted = "\n".join("> " + line for line in text_of(to).splitlines())
    message.set_content(f"{body}\n\nOn Monday the desk wrote:\n{quoted}\n")
    with smtplib.SMTP("127.0.0.1", desk.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)


def test_a_reply_threads_by_references_and_only_text_above_the_delimiter_counts(desk):
    ticket = _api_ticket(desk)
    desk.state.agent_reply(ticket, "Which volume?")
    latest = notifications(alias_maildir(desk))[-1]
    _reply(desk, latest, "The /data volume.")
    comments = _comments(desk, ticket)
    # The quoted notification, and the mail client's "On ... wrote:", are cut off.
    assert comments[-1] == "The /data volume.\n"
    assert len(desk.state.list_requests()) == 1


def test_a_reply_without_threading_headers_threads_by_the_encoded_id(desk):
    ticket = _api_ticket(desk)
    latest = notifications(alias_maildir(desk))[-1]
    _reply(desk, latest, "Any news?", headers=False)
    assert _comments(desk, ticket)[-1].startswith("Any news?")
    assert len(desk.state.list_requests()) == 1


def test_mail_that_is_no_reply_makes_a_new_ticket(desk):
    _api_ticket(desk)
    mail_desk(desk, "Another problem", "Something else broke.\n")
    assert len(desk.state.list_requests()) == 2


def test_notifications_relay_over_smtp_when_the_desk_has_a_relay(tmp_path):
    from boxhelp import SmtpSink

    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    with SmtpSink() as relay:
        config = SandboxConfig(data_dir=tmp_path / "d", notify_smtp=f"127.0.0.1:{relay.port}")
        with SandboxServer(config) as server:
            ticket = _api_ticket(server.start())
        (mail_from, rcpts, message) = relay.messages[0]
    assert mail_from == "help@ctl.io" and rcpts == [ALIAS]
    assert f"({ticket})" in text_of(message)


def test_a_notification_that_cannot_be_delivered_never_fails_the_reply(tmp_path):
    from dovecot import free_port

    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(data_dir=tmp_path / "d", notify_smtp=f"127.0.0.1:{free_port()}")
    with SandboxServer(config) as server:
        ticket = _api_ticket(server.start())
        answer = server.state.agent_reply(ticket, "Done.")
        assert answer["status"] == "open"
        with server.state.reading() as conn:
            rows = conn.execute("SELECT delivered_at, error FROM notifications").fetchall()
    assert rows and all(r["delivered_at"] is None and "SMTP relay" in r["error"] for r in rows)


def _comments(desk, ticket: int) -> list[str]:
    with desk.state.reading() as conn:
        rows = conn.execute(
            "SELECT body FROM comments WHERE request_id = ? ORDER BY id", (ticket,)
        ).fetchall()
    return [row["body"] for row in rows]
