"""`sandbox seed`: the history it writes is one the desk could have lived through, and the
end user sees it through the API like any other."""

from __future__ import annotations

from datetime import timedelta

import requests

from ctlsupport.sandbox import SandboxConfig, SandboxServer
from ctlsupport.sandbox.clock import iso, parse_iso
from ctlsupport.sandbox.seed import CLOSE_AFTER, ESCALATION_EMAIL, seed

NOW = parse_iso("2026-06-01T12:00:00Z")


def _seeded(tmp_path, tickets=200, days=60):
    server = SandboxServer(SandboxConfig(data_dir=tmp_path / "desk")).start()
    summary = seed(server.state, tickets=tickets, days=days, now=NOW, random_seed=11)
    return server, summary


def test_the_seeded_past_is_consistent(tmp_path):
    server, summary = _seeded(tmp_path)
    try:
        with server.state.reading() as conn:
            requests_ = {r["id"]: r for r in conn.execute("SELECT * FROM requests")}
            comments = conn.execute(
                "SELECT c.*, u.email FROM comments c JOIN users u ON u.id = c.author_id "
                "ORDER BY c.id"
            ).fetchall()
    finally:
        server.stop()
    assert len(requests_) == summary.tickets + summary.escalations
    thread: dict[int, list] = {}
    for comment in comments:
        thread.setdefault(comment["request_id"], []).append(comment)
    start = iso(NOW - timedelta(days=60))
    escalations = 0
    for rid, request in requests_.items():
        own = thread[rid]
        assert own[0]["email"] == "support@partner.example"  # the ticket's own body first
        assert own[0]["created_at"] == request["created_at"]
        assert start <= request["created_at"] <= iso(NOW)
        times = [c["created_at"] for c in own]
        assert times == sorted(times) and times[-1] <= iso(NOW)
        answered = len(own) > 1
        assert (request["status"] == "new") == (not answered), rid
        if request["status"] == "closed":  # closed by the 72-hour rule after solving
            solved = parse_iso(request["solved_at"])
            assert parse_iso(request["updated_at"]) == solved + CLOSE_AFTER <= NOW
        if request["subject"].startswith("ESCALATION: Ticket - "):
            escalations += 1
            original = requests_[int(request["subject"].rsplit(" ", 1)[1])]
            assert original["created_at"] < request["created_at"]
            assert all(c["email"] == ESCALATION_EMAIL for c in own[1:])
    assert escalations == summary.escalations >= 1
    kinds = {(r["priority"], r["type"]) for r in requests_.values()}
    assert {("urgent", "incident"), ("high", "incident"), ("low", "incident"),
            ("normal", "task")} <= kinds  # fmt: skip
    statuses = {r["status"] for r in requests_.values()}
    assert {"closed", "open"} <= statuses


def test_the_end_user_sees_the_seeded_tickets_over_the_api(tmp_path):
    server, summary = _seeded(tmp_path, tickets=30, days=10)
    try:
        session = requests.Session()
        session.auth = ("support@partner.example/token", "sandbox-token")
        page = session.get(f"{server.url}/api/v2/requests.json", params={"page[size]": 100},
                           timeout=10).json()  # fmt: skip
        listed = page["requests"]
        assert len(listed) == summary.tickets + summary.escalations
        answered = next(r for r in listed if r["status"] == "closed")
        thread = session.get(f"{server.url}/api/v2/requests/{answered['id']}/comments.json",
                             timeout=10).json()["comments"]  # fmt: skip
        assert len(thread) >= 2 and thread[1]["author_id"] != answered["requester_id"]
    finally:
        server.stop()
