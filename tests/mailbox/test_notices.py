"""Recognising a notification from its text and headers alone (no desk needed)."""

from __future__ import annotations

import pytest

from ctlsupport.core.notices import NotANotice, parse

BODY = """##- Please type your reply above this line -##

Your request (4321) has been updated. To add additional comments, reply to this email.

----------------------------------------------

Sam Agent, Nov 30, 2026, 10:05 UTC

First line.
Second line.

----------------------------------------------

Jo Doe, Nov 30, 2026, 09:00 UTC

Original question.

----------------------------------------------
This email is a service from Provider Support.

[ABC123-X9Z0]
"""


def mail(body: str = BODY, **headers: str) -> bytes:
    head = {
        "From": "Provider Support <help@ctl.io>",
        "To": "support@partner.example",
        "Subject": "=?utf-8?q?=5BProvider_Support=5D_Re=3A_Caf=C3=A9_down?=",
        "Date": "Mon, 30 Nov 2026 10:05:00 +0100",
        "Message-ID": "<n1@desk.example>",
        "References": "<root@desk.example> <n0@desk.example>",
        "Content-Type": 'text/plain; charset="utf-8"',
        **headers,
    }
    lines = [f"{k}: {v}" for k, v in head.items() if v]
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


def test_a_reply_notification_is_read_whole():
    notice = parse(mail())
    assert (notice.ticket, notice.code, notice.kind) == (4321, "ABC123-X9Z0", "reply")
    assert (notice.author, notice.text) == ("Sam Agent", "First line.\nSecond line.")
    assert notice.title == "Café down"  # RFC 2047 decoded, trigger prefixes gone
    assert notice.sent_at == "2026-11-30T09:05:00Z"
    assert notice.references == ("<root@desk.example>", "<n0@desk.example>")
    assert notice.status is None  # an update says nothing sure of the status


def test_received_and_solved_imply_their_status():
    received = parse(mail(BODY.replace("has been updated", "has been received")))
    solved = parse(mail(BODY.replace("has been updated", "has been solved")))
    assert (received.status, solved.status) == ("new", "solved")


def test_a_notification_without_a_message_id_gets_a_stable_one():
    raw = mail(**{"Message-ID": ""})
    assert parse(raw).message_id == parse(raw).message_id
    assert parse(raw).message_id.startswith("<sha256:")


def test_the_number_may_come_from_the_subject_when_the_text_was_changed():
    body = BODY.replace("Your request (4321) has been updated.", "Something new.")
    notice = parse(mail(body, Subject="Update on #777"))
    assert notice.ticket == 777 and notice.kind == "update"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (mail(BODY.replace("[ABC123-X9Z0]", "")), "not_desk"),
        (mail(From="support@partner.example"), "own"),
        (b"", "malformed"),
    ],
)
def test_what_is_not_a_notification_says_why(raw, reason):
    with pytest.raises(NotANotice) as caught:
        parse(raw, own=frozenset({"support@partner.example"}))
    assert caught.value.reason == reason


def test_a_dashed_heading_inside_a_comment_does_not_end_it():
    body = BODY.replace("First line.\nSecond line.", "Description\n--------------------\nDown.")
    assert parse(mail(body)).text == "Description\n--------------------\nDown."
