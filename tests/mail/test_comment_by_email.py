"""`comment --via email` against the sandbox desk's SMTP intake: the comment is a reply to
the mail that opened the ticket, and the desk threads it by In-Reply-To/References."""

from __future__ import annotations

import pytest
from mailhelp import ALIAS, SmtpServer, free_port, write_profile
from ticketdata import FULL_FLAGS

from ctlsupport.exitcodes import ExitCode

ERROR = "curl: (7) Failed to connect\n"
TEXT = "The customer confirms the server is back."


@pytest.fixture
def api(monkeypatch):
    """The desk's API can be used too (for `show`, and to number mailed tickets)."""
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")


def _open_by_email(cli) -> dict:
    sent = cli("--json", "--no-input", "open", *FULL_FLAGS, "--no-duplicate-check", stdin=ERROR)
    assert sent.code == 0, sent.stdout + sent.stderr
    return sent.json()["data"]


def _comment(cli, request_id: int, *extra: str):
    return cli("--json", "--no-input", "comment", str(request_id), "--body", TEXT, *extra)


def _public_comments(cli, request_id: int) -> list[dict]:
    shown = cli("--json", "show", str(request_id))
    assert shown.code == 0, shown.stderr
    return shown.json()["data"]["comments"]


def _items(cli) -> list[dict]:
    return cli("--json", "outbox", "list").json()["data"]["items"]


def test_the_reply_lands_on_the_ticket_signed_by_the_alias_with_its_file(
    cli, mail_desk, api, tmp_path
):
    write_profile(mail_desk.url, mail_desk.smtp_port)  # via = "email" in the profile
    opened = _open_by_email(cli)
    ticket = opened["id"]
    assert ticket is not None
    log = tmp_path / "ping.log"
    log.write_text("64 bytes from 10.0.0.1: icmp_seq=1\n")

    sent = _comment(cli, ticket, "--attach", str(log))  # no --via: the profile's route
    assert sent.code == 0, sent.stdout + sent.stderr
    data = sent.json()["data"]
    assert (data["route"], data["kind"], data["id"]) == ("email", "comment", ticket)
    assert data["to"] == opened["to"] == "high@ctl.io"
    assert data["in_reply_to"] == opened["message_id"]
    assert data["subject"] == "Re: ACME: VA1ACMEWEB01 unreachable"
    assert data["status"] == "new" and data["attachments"] == ["ping.log"]

    assert len(mail_desk.state.list_requests()) == 1  # a comment, not a new ticket
    first, reply = _public_comments(cli, ticket)
    assert reply["public"] is True
    assert reply["author_id"] == first["author_id"] == mail_desk.state.user_by_email(ALIAS)["id"]
    body = reply["body"]
    assert body.startswith(TEXT + "\n\n--\nJo Doe\nPartner support (support@partner.example)\n")
    assert f"Client reference: {data['client_ref']}" in body
    assert [a["file_name"] for a in reply["attachments"]] == ["ping.log"]
    assert _items(cli) == []


def test_the_message_is_a_reply_from_the_alias_to_the_opening_address(cli, mail_desk, api):
    write_profile(mail_desk.url, mail_desk.smtp_port)
    opened = _open_by_email(cli)
    with SmtpServer() as server:
        write_profile(mail_desk.url, server.port)
        sent = _comment(cli, opened["id"], "--via", "email")
        assert sent.code == 0, sent.stdout + sent.stderr
        [(envelope_from, rcpt_tos, message, _raw)] = server.sink.messages
    assert (envelope_from, rcpt_tos) == (ALIAS, ["high@ctl.io"])
    assert (message["From"], message["To"]) == (ALIAS, "high@ctl.io")
    assert message["In-Reply-To"] == message["References"] == opened["message_id"]
    assert message["Subject"] == "Re: ACME: VA1ACMEWEB01 unreachable"
    assert message["Message-ID"] == sent.json()["data"]["message_id"] != opened["message_id"]
    for header in ("Cc", "Reply-To", "Auto-Submitted", "Precedence"):
        assert header not in message
    assert "#" not in message["Subject"]  # no legacy subject threading


def test_a_ticket_opened_through_the_api_is_refused_in_one_line(cli, mail_desk, api):
    write_profile(mail_desk.url, mail_desk.smtp_port)
    opened = cli("--json", "--no-input", "open", "--via", "api", *FULL_FLAGS,
                 "--no-duplicate-check", stdin=ERROR)  # fmt: skip
    assert opened.code == 0, opened.stdout + opened.stderr
    ticket = opened.json()["data"]["id"]

    refused = cli("--no-input", "comment", str(ticket), "--via", "email", "--body", TEXT)
    assert refused.code == ExitCode.INVALID_INPUT == 3
    assert refused.stdout == ""
    line, hint = refused.stderr.strip().splitlines()
    assert line.startswith(
        f"ctlsupport: error: no notification about #{ticket} was read from the alias's "
        "mailbox, and no message from here is known to have opened it"
    )
    assert "threads an emailed comment only as a reply" in line
    assert hint == (
        "hint: Read the desk's notifications with `ctlsupport sync` (see docs/email.md), "
        f"reply to the notification about #{ticket} from your mail client, or use "
        "`--via api`."
    )
    assert _items(cli) == []
    assert len(_public_comments(cli, ticket)) == 1


def test_without_the_api_a_mail_is_linked_by_its_message_id(cli, mail_desk):
    write_profile(mail_desk.url, mail_desk.smtp_port)  # SMTP only: no desk credentials
    opened = _open_by_email(cli)
    assert opened["id"] is None  # the desk's number never came back here
    [request] = mail_desk.state.list_requests()
    refused = cli("--json", "--no-input", "comment", str(request["id"]), "--body", TEXT)
    assert refused.code == ExitCode.INVALID_INPUT
    assert "no message from here is known" in refused.json()["error"]["message"]
    # The person knows the number from the desk's notification: --in-reply-to links them.
    wrong = _comment(cli, request["id"], "--in-reply-to", "<nobody@elsewhere.example>")
    assert wrong.code == ExitCode.INVALID_INPUT
    sent = _comment(cli, request["id"], "--in-reply-to", opened["message_id"])
    assert sent.code == 0, sent.stdout + sent.stderr
    again = _comment(cli, request["id"])  # remembered from then on
    assert again.code == 0, again.stdout + again.stderr
    with mail_desk.state.reading() as conn:
        rows = conn.execute(
            "SELECT body FROM comments WHERE request_id = ? ORDER BY id", (request["id"],)
        )
        bodies = [row[0] for row in rows]
    assert len(bodies) == 3 and bodies[1].startswith(TEXT) and bodies[2].startswith(TEXT)


def test_list_gives_a_mailed_ticket_its_number_from_the_client_reference(
    cli, mail_desk, monkeypatch
):
    write_profile(mail_desk.url, mail_desk.smtp_port)
    _open_by_email(cli)  # without the API: the desk's number is not known yet
    [request] = mail_desk.state.list_requests()
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")
    assert cli("list").code == 0
    from ctlsupport.store import db
    from ctlsupport.store.mail_log import MailLog

    opening = MailLog(db.connect()).opening("default", request["id"])
    assert opening is not None and opening.kind == "request"
    monkeypatch.delenv("CTLSUPPORT_TOKEN")  # from here on, SMTP only
    sent = _comment(cli, request["id"])
    assert sent.code == 0, sent.stdout + sent.stderr
    assert sent.json()["data"]["status"] is None  # not read: no API
    with mail_desk.state.reading() as conn:
        rows = conn.execute(
            "SELECT body FROM comments WHERE request_id = ? ORDER BY id", (request["id"],)
        )
        bodies = [row[0] for row in rows]
    assert len(bodies) == 2 and bodies[1].startswith(TEXT)


def test_smtp_down_keeps_the_reply_and_outbox_send_delivers_it_once(cli, mail_desk, api):
    write_profile(mail_desk.url, mail_desk.smtp_port)
    ticket = _open_by_email(cli)["id"]
    write_profile(mail_desk.url, free_port())  # nothing listens there
    failed = _comment(cli, ticket)
    assert failed.code == ExitCode.QUEUED
    error = failed.json()["error"]
    assert "refused the connection" in error["message"] and "outbox send" in error["hint"]
    [item] = _items(cli)
    assert (item["kind"], item["route"], item["state"]) == ("comment", "email", "queued")
    assert len(_public_comments(cli, ticket)) == 1

    write_profile(mail_desk.url, mail_desk.smtp_port)
    resent = cli("--json", "outbox", "send")
    assert resent.code == 0, resent.stdout + resent.stderr
    [delivered] = resent.json()["data"]["sent"]
    assert (delivered["kind"], delivered["id"]) == ("comment", ticket)
    assert cli("outbox", "send").code == 0
    comments = _public_comments(cli, ticket)
    assert len(comments) == 2 and comments[1]["body"].startswith(TEXT)  # exactly once
    with mail_desk.state.reading() as conn:  # the very Message-ID fixed when it was queued
        ids = {r[0] for r in conn.execute("SELECT message_id FROM mail_messages")}
    assert delivered["message_id"] in ids


def test_a_reply_on_a_closed_ticket_becomes_a_follow_up(cli, mail_desk, api):
    write_profile(mail_desk.url, mail_desk.smtp_port)
    ticket = _open_by_email(cli)["id"]
    mail_desk.state.set_status(ticket, "closed")

    refused = _comment(cli, ticket)
    assert refused.code == ExitCode.INVALID_INPUT
    assert "--follow-up" in refused.json()["error"]["hint"]
    assert len(mail_desk.state.list_requests()) == 1

    sent = _comment(cli, ticket, "--follow-up")
    assert sent.code == 0, sent.stdout + sent.stderr
    data = sent.json()["data"]
    [follow] = [r for r in mail_desk.state.list_requests() if r["id"] != ticket]
    assert data["follow_up_id"] == follow["id"]
    assert (follow["followup_source_id"], follow["priority"]) == (ticket, "normal")
    assert follow["description"].startswith(TEXT)
