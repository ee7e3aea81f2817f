"""Outbox first, then exactly-once delivery: the core path of every new ticket."""

from __future__ import annotations

import pytest

from ctlsupport.core.redact import Redactor
from ctlsupport.core.submission import queue, send
from ctlsupport.errors import Queued
from ctlsupport.model import TicketDraft
from ctlsupport.secret import Secret
from ctlsupport.store import db
from ctlsupport.store.outbox import Outbox
from ctlsupport.transport.http import Credentials, DeskSession
from ctlsupport.transport.zendesk import DeskClient


def _draft(tmp_path) -> TicketDraft:
    log = tmp_path / "app.log"
    log.write_text("connecting with password=hunter2\nERROR refused\n")
    return TicketDraft(
        subject="ACME: db refused", customer_name="Acme", customer_alias="ACME",
        datacenter="VA1", server="VA1ACMEDB01", ip="8.8.8.8", portal_username="jdoe",
        full_name="Jo Doe", description="d", steps="s", error_text="ERROR refused",
        attachments=[str(log)], pin=Secret("4711"),
    )  # fmt: skip


def _client(url: str) -> DeskClient:
    creds = Credentials("support@partner.example", "token", Secret("sandbox-token"))
    return DeskClient(DeskSession(url, creds))


def test_queue_keeps_no_secret_and_send_delivers_once(sandbox, tmp_path):
    outbox = Outbox(db.connect())
    item = queue(outbox, "p", _draft(tmp_path), alias="support@partner.example",
                 redactor=Redactor(known=["4711"]))  # fmt: skip
    stored = db.connect().execute("SELECT payload FROM outbox").fetchone()[0]
    assert "4711" not in stored and "pin" not in __import__("json").loads(stored)
    sent = send(_client(sandbox.url), outbox, item, pin=Secret("4711"))
    assert sent.delivered.adopted is False
    request = sandbox.state.get_request(sent.delivered.result.id)
    assert f"Client reference: {item.client_ref}" in request["description"]
    assert "User PIN: 4711" in request["description"]
    assert outbox.get(item.id).state == "sent"
    comments = _client(sandbox.url).iter_comments(request["id"])
    attachment = next(comments).attachments[0]
    import requests as http

    content = http.get(attachment.content_url, timeout=5).text
    assert "hunter2" not in content and "password=[REDACTED]" in content


def test_failure_leaves_it_queued_with_the_reason(sandbox, tmp_path):
    outbox = Outbox(db.connect())
    item = queue(outbox, "p", _draft(tmp_path), alias="a@b.example")
    dead = _client("http://127.0.0.1:9")
    from ctlsupport.core.delivery import RetryPolicy

    with pytest.raises(Exception) as info:
        send(dead, outbox, item, pin=Secret("1"), policy=RetryPolicy(attempts=1))
    assert isinstance(info.value, Queued) or "cannot reach" in str(info.value)
    again = outbox.get(item.id)
    assert again.state == "queued" and "cannot reach the desk" in again.last_error
    claimed = outbox.claim("p")
    sent = send(_client(sandbox.url), outbox, claimed, pin=Secret("1"))
    assert sent.item.state == "sent"
    assert len(sandbox.state.list_requests()) == 1
