"""Never the same ticket twice: the outbox lease lives as long as its holder works, a
holder that lost it stops, a taker looks first, a doubted send is waited out, and the
look at the desk is complete and blind to page order."""

from __future__ import annotations

import json
import random
import threading
import time

import pytest
from hostile import Reply, Seen, request_json

from ctlsupport.core.delivery import RetryPolicy, deliver
from ctlsupport.core.submission import queue, send
from ctlsupport.errors import Queued
from ctlsupport.model import TicketDraft
from ctlsupport.sandbox import SandboxConfig, SandboxServer
from ctlsupport.secret import Secret
from ctlsupport.store import db
from ctlsupport.store.outbox import LeaseLost, Outbox
from ctlsupport.transport.http import Credentials, DeskSession
from ctlsupport.transport.zendesk import DeskClient

CREDS = Credentials("support@partner.example", "token", Secret("sandbox-token"))
QUICK = RetryPolicy(attempts=4, total_seconds=20, base_delay=0.05, settle_seconds=0)


def _client(url: str, read: float = 5.0) -> DeskClient:
    return DeskClient(DeskSession(url, CREDS, timeout=(1, read)))


class Desk:
    """A hostile desk that keeps the requests created on it and lists them back in
    pages of `page_size`, in no particular order, with a search that lags (empty)."""

    def __init__(self, server, page_size: int = 100) -> None:
        self.server = server
        self.made: list[dict] = []
        self.page_size = page_size
        server.route("POST", "/api/v2/uploads", Reply.json({"upload": {"token": "t1"}}, 201))
        server.route("POST", "/api/v2/requests", self.create)
        server.route("GET", "/api/v2/requests", self.pages)
        server.route("GET", "/api/v2/requests/search", Reply.json({"requests": []}))

    def create(self, seen: Seen) -> Reply:
        """Commit once the body is in, and answer with what was made."""
        reply = Reply.json({}, 201)

        def commit(seen: Seen) -> None:
            comment = json.loads(seen.body)["request"]["comment"]["body"]
            self.made.append(request_json(1000 + len(self.made), description=comment))
            reply.body = json.dumps({"request": self.made[-1]}).encode()

        reply.on_done = commit
        return reply

    def pages(self, seen: Seen) -> Reply:
        number = int(seen.path.rsplit("page=", 1)[1]) if "page=" in seen.path else 0
        chunk = self.made[number * self.page_size : (number + 1) * self.page_size]
        more = (number + 1) * self.page_size < len(self.made)
        nxt = f"{self.server.url}/api/v2/requests.json?page={number + 1}"
        body = {"requests": chunk, "meta": {"has_more": more}, "links": {"next": nxt}}
        return Reply.json(body)


def _draft(tmp_path, attach: bool = True) -> TicketDraft:
    log = tmp_path / "trace.log"
    log.write_text("trace\n" * 100)
    return TicketDraft(
        subject="ACME: db refused", customer_name="Acme", customer_alias="ACME",
        datacenter="VA1", server="VA1ACMEDB01", ip="8.8.8.8", portal_username="jdoe",
        full_name="Jo Doe", description="d", steps="s", error_text="e",
        attachments=[str(log)] if attach else [], pin=Secret("4711"),
    )  # fmt: skip


def test_the_lease_is_renewed_during_a_slow_upload(hostile, tmp_path, monkeypatch):
    monkeypatch.setattr("ctlsupport.store.outbox.LEASE_SECONDS", 0.6)
    desk = Desk(hostile())
    desk.server.route("POST", "/api/v2/uploads", Reply.json({"upload": {"token": "t"}}, 201,
                                                            delay=2.0))  # fmt: skip
    done: list = []
    queued = threading.Event()

    def holder() -> None:
        mine = Outbox(db.connect())
        item = queue(mine, "p", _draft(tmp_path), alias="a@b.example")
        queued.set()
        done.append(send(_client(desk.server.url), mine, item, pin=Secret("1")))

    worker = threading.Thread(target=holder)
    worker.start()
    assert queued.wait(10)
    time.sleep(1.3)  # two leases long, in the middle of the upload
    other = Outbox(db.connect())
    assert other.claim("p") is None  # still held: the holder is alive and working
    worker.join(timeout=20)
    assert done and done[0].item.state == "sent"
    assert len(desk.made) == 1 and other.claim("p") is None


def test_a_holder_that_lost_its_lease_sends_nothing(hostile, tmp_path, monkeypatch):
    desk = Desk(hostile())
    monkeypatch.setattr("ctlsupport.store.outbox.LEASE_SECONDS", 0.05)
    mine = Outbox(db.connect())
    item = queue(mine, "p", _draft(tmp_path), alias="a@b.example")
    time.sleep(0.1)  # this holder froze; its lease ran out
    monkeypatch.setattr("ctlsupport.store.outbox.LEASE_SECONDS", 60)
    other = Outbox(db.connect())
    taken = other.claim("p")
    assert taken is not None and taken.taken_over
    with pytest.raises(LeaseLost):
        send(_client(desk.server.url), mine, item, pin=Secret("1"))
    assert desk.made == [] and desk.server.requests_to("POST", "/api/v2/requests") == []
    row = db.connect().execute("SELECT state, lease_owner FROM outbox").fetchone()
    assert tuple(row) == ("sending", other.owner)  # the new holder's lease is untouched


def test_attempt_and_renew_refuse_a_lost_lease(tmp_path, monkeypatch):
    monkeypatch.setattr("ctlsupport.store.outbox.LEASE_SECONDS", 0.05)
    mine = Outbox(db.connect(tmp_path / "o.sqlite3"))
    item = mine.add("p", "request", {"subject": "x"})
    time.sleep(0.1)
    other = Outbox(db.connect(tmp_path / "o.sqlite3"))
    assert other.claim() is not None
    with pytest.raises(LeaseLost):
        mine.attempt(item)
    with pytest.raises(LeaseLost):
        mine.renew(item)
    mine.release(item, "gave up")  # not ours any more: no effect
    assert other.get(item.id).state == "sending"


def test_a_taker_looks_at_the_desk_before_sending(hostile, tmp_path, monkeypatch):
    desk = Desk(hostile())
    monkeypatch.setattr("ctlsupport.store.outbox.LEASE_SECONDS", 0.05)
    first = Outbox(db.connect())
    item = queue(first, "p", _draft(tmp_path, attach=False), alias="a@b.example")
    # The first holder sent it (uploads done, attempt not yet counted), then froze.
    desk.made.append(request_json(77, description=f"Client reference: {item.client_ref}"))
    time.sleep(0.1)
    monkeypatch.setattr("ctlsupport.store.outbox.LEASE_SECONDS", 60)
    taker = Outbox(db.connect())
    claimed = taker.claim("p")
    assert claimed is not None and claimed.attempts == 0
    sent = send(_client(desk.server.url), taker, claimed, pin=Secret("1"), policy=QUICK)
    assert sent.delivered.adopted and sent.delivered.result.id == 77
    assert desk.server.requests_to("POST", "/api/v2/requests") == []


def test_a_send_committed_after_the_timeout_is_waited_out(tmp_path):
    from ctlsupport.sandbox.faults import FaultDice

    class Late(FaultDice):
        def __init__(self) -> None:
            super().__init__({}, slow_seconds=1.0)
            self.script = ["late"]

        def roll(self):
            return self.script.pop(0) if self.script else None

    server = SandboxServer(SandboxConfig(data_dir=tmp_path / "desk")).start()
    try:
        server._httpd.app.dice = Late()
        client = _client(server.url, read=0.4)
        payload = {"request": {"subject": "late", "comment": {"body": "Ref: L1"}}}
        policy = RetryPolicy(attempts=4, total_seconds=20, base_delay=0.05, settle_seconds=1.6)
        result = deliver(
            lambda: client.create_request(payload),
            lambda: client.find_by_reference("L1"),
            policy=policy,
        )
        assert result.adopted is True
        time.sleep(1.0)  # anything still in flight lands
        assert [r["subject"] for r in server.state.list_requests()] == ["late"]
    finally:
        server.stop()


def test_an_unsettled_doubt_is_queued_not_resent(hostile):
    desk = Desk(hostile())
    desk.server.route("POST", "/api/v2/requests", Reply(never=True))
    client = _client(desk.server.url, read=0.3)
    payload = {"request": {"subject": "s", "comment": {"body": "Ref: U1"}}}
    policy = RetryPolicy(attempts=4, total_seconds=2, base_delay=0.05, settle_seconds=30)
    with pytest.raises(Queued):
        deliver(lambda: client.create_request(payload), lambda: client.find_by_reference("U1"),
                policy=policy)  # fmt: skip
    assert len(desk.server.requests_to("POST", "/api/v2/requests")) == 1


def test_the_lookup_is_complete_and_blind_to_page_order(hostile):
    desk = Desk(hostile())
    target = request_json(5, description="Client reference: R-old")
    newer = [request_json(100 + n, description=f"other {n}") for n in range(350)]
    desk.made = [*newer, target]
    random.Random(3).shuffle(desk.made)
    desk.made.remove(target)
    desk.made.append(target)  # the very last page: past any window of "newest" requests
    found = _client(desk.server.url).find_by_reference("R-old")
    assert found is not None and found.id == 5


def test_lists_are_sorted_here_whatever_the_page_order(hostile):
    desk = Desk(hostile(), page_size=3)
    stamps = [f"2026-01-0{d}T00:00:00Z" for d in (3, 1, 5, 2, 4, 6, 7)]
    desk.made = [request_json(n + 1, updated_at=s) for n, s in enumerate(stamps)]
    got = [r.id for r in _client(desk.server.url).iter_requests(sort_by="updated_at")]
    assert got == [7, 6, 3, 5, 1, 4, 2]
