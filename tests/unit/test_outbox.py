"""The outbox: leases that keep two senders apart, and a sender that died."""

from __future__ import annotations

import multiprocessing

from ctlsupport.store import db
from ctlsupport.store.outbox import Outbox


def _claim_all(path: str, queue) -> None:
    outbox = Outbox(db.connect(__import__("pathlib").Path(path)))
    got = []
    while (item := outbox.claim()) is not None:
        got.append(item.id)
        outbox.mark_sent(item, 1000 + item.id)
    queue.put(got)


def test_parallel_senders_never_share_an_item(tmp_path):
    path = tmp_path / "o.sqlite3"
    outbox = Outbox(db.connect(path))
    for n in range(60):
        item = outbox.add("p", "request", {"subject": f"s{n}"})
        outbox.release(item, "queued for the test")
    queue = multiprocessing.get_context("fork").Queue()
    workers = [
        multiprocessing.get_context("fork").Process(target=_claim_all, args=(str(path), queue))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    claimed = [queue.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    flat = [i for ids in claimed for i in ids]
    assert sorted(flat) == list(range(1, 61))  # each exactly once
    assert outbox.pending() == []


def test_stale_lease_is_taken_over(tmp_path, monkeypatch):
    path = tmp_path / "o.sqlite3"
    first = Outbox(db.connect(path))
    item = first.add("p", "request", {"subject": "x"})  # leased to `first`, which "dies"
    second = Outbox(db.connect(path))
    assert second.claim() is None  # the lease still holds
    monkeypatch.setattr("ctlsupport.store.outbox.LEASE_SECONDS", -1)
    first.attempt(item)  # renews with a lease already in the past
    again = second.claim()
    assert again is not None and again.id == item.id


def test_attachments_are_copied_and_removed_when_sent(tmp_path, isolated_home):
    source = tmp_path / "shot.png"
    source.write_bytes(b"png")
    outbox = Outbox(db.connect())
    item = outbox.add("p", "request", {"subject": "x"}, attachments=[str(source)])
    copied = item.payload["attachments"][0]
    assert copied.endswith("/shot.png") and str(isolated_home) in copied
    source.unlink()  # the original may go away: the outbox has its own copy
    assert __import__("pathlib").Path(copied).read_bytes() == b"png"
    outbox.mark_sent(item, 1001)
    assert not item.files_dir.exists()


def test_drop_and_pending(tmp_path):
    outbox = Outbox(db.connect(tmp_path / "o.sqlite3"))
    item = outbox.add("p", "request", {"subject": "x"})
    outbox.release(item, "desk down")
    assert [i.last_error for i in outbox.pending("p")] == ["desk down"]
    outbox.drop(item.id)
    assert outbox.pending() == []
