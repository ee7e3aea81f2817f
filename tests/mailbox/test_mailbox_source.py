"""The mailbox as the source of show and comment when there is no API sign-in."""

from __future__ import annotations

import smtplib

from boxhelp import ALIAS, alias_maildir, mail_desk, profile

from ctlsupport.actions import mailbox
from ctlsupport.actions import sync as action
from ctlsupport.errors import AuthError
from ctlsupport.store import db
from ctlsupport.transport.imap import MaildirSource


def _synced(desk):
    p = profile(maildir=str(alias_maildir(desk)))
    conn = db.connect()
    action.sync(conn, p, MaildirSource(alias_maildir(desk)))
    return conn, p


def test_a_ticket_is_shown_from_its_notifications_with_where_and_when(desk):
    mail_desk(desk, "Mail server slow", "Mail takes an hour to arrive.\n")
    ticket = desk.state.list_requests()[0]["id"]
    desk.state.agent_reply(ticket, "Queue flushed.")
    conn, p = _synced(desk)
    shown = mailbox.ticket(conn, p, ticket)
    assert (shown.subject, shown.status) == ("Mail server slow", "open")
    assert [(e.author, e.body) for e in shown.thread] == [
        ("Partner Support", "Mail takes an hour to arrive."),
        ("Sam Agent", "Queue flushed."),
    ]
    data = shown.as_data()
    assert data["source"] == "mailbox" and data["synced_at"]
    assert "alias's mailbox, read just now" in "\n".join(shown.lines())
    assert mailbox.ticket(conn, p, 999999) is None


def test_a_comment_replies_to_the_latest_notification_and_lands_on_the_ticket(desk):
    from ctlsupport.core import mailout
    from ctlsupport.store.mail_log import MailLog
    from ctlsupport.store.outbox import Outbox

    mail_desk(desk, "Cert expired", "The certificate expired.\n")
    ticket = desk.state.list_requests()[0]["id"]
    desk.state.agent_reply(ticket, "Which domain?")
    conn, p = _synced(desk)
    target = mailbox.reply_target(conn, p, ticket)
    assert target.reply_to == "help@ctl.io" and target.subject.endswith("Cert expired")
    outbox = Outbox(conn)
    item = mailout.queue_notice_reply(
        outbox, MailLog(conn), "default", alias=ALIAS, ticket_id=ticket, notice=target,
        body="shop.example.com, thanks.\n", reference="ref-9", attachments=[],
    )  # fmt: skip
    message = mailout.build(item)
    assert message["In-Reply-To"] == target.message_id
    assert message["References"].split()[-1] == target.message_id
    assert f"[{target.code}]" in message.get_content()
    with smtplib.SMTP("127.0.0.1", desk.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)
    with desk.state.reading() as c:
        bodies = [
            r[0]
            for r in c.execute(
                "SELECT body FROM comments WHERE request_id = ? ORDER BY id", (ticket,)
            )
        ]
    assert bodies[-1] == "shop.example.com, thanks.\n"  # the quote is cut off
    assert len(desk.state.list_requests()) == 1


def test_without_credentials_there_is_no_api():
    def refuse():
        raise AuthError("no desk token")

    assert not mailbox.has_api(refuse)
    assert mailbox.has_api(lambda: object())


def test_a_mailbox_that_cannot_be_read_is_a_warning(tmp_path):
    warned = []
    p = profile(imap_host="127.0.0.1", imap_port="9", imap_security="none")
    result = mailbox.refresh(db.connect(), p, lambda kind: None, warned.append)
    assert result is None and "the mailbox was not read" in warned[0]
    assert mailbox.refresh(db.connect(), profile(), lambda kind: None, warned.append) is None
