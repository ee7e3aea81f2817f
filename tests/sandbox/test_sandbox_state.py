"""The agent side (SandboxState and /sandbox endpoints), persistence, and closing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests

from ctlsupport.sandbox import SandboxConfig, SandboxError, SandboxServer, SandboxState


def test_agent_methods(client, sandbox):
    created = client.create(type="incident")
    state = sandbox.state
    replied = state.agent_reply(created["id"], "Looking into it")
    assert replied["status"] == "open"
    assigned = state.assign(created["id"])
    assert assigned["assignee_id"] is not None
    assert assigned["can_be_solved_by_me"] is True
    assert state.set_priority(created["id"], "urgent")["priority"] == "urgent"
    assert state.set_status(created["id"], "pending")["status"] == "pending"
    assert (
        state.get_request(created["id"])
        == client.get(f"/api/v2/requests/{created['id']}").json()["request"]
    )
    assert [r["id"] for r in state.list_requests()] == [created["id"]]
    assert state.get_request(999) is None


def test_assign_opens_a_new_request_and_named_agents(client, sandbox):
    created = client.create()
    sandbox.state.ensure_agent("lead@provider.example", "Lee Lead")
    assigned = sandbox.state.assign(created["id"], "lead@provider.example")
    assert assigned["status"] == "open"
    reply = sandbox.state.agent_reply(
        created["id"], "Lead here", author_email="lead@provider.example"
    )
    comments = client.get(f"/api/v2/requests/{created['id']}/comments").json()["comments"]
    assert comments[-1]["author_id"] == assigned["assignee_id"] == reply["assignee_id"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s, rid: s.agent_reply(4242, "x"), "no request"),
        (lambda s, rid: s.assign(4242), "no request"),
        (lambda s, rid: s.set_status(rid, "done"), "unknown status"),
        (lambda s, rid: s.set_status(rid, "new") and s.set_status(rid, "open") and
         s.set_status(rid, "new"), "cannot go back"),
        (lambda s, rid: s.set_priority(rid, "p1"), "unknown priority"),
        (lambda s, rid: s.assign(rid, "nobody@x.example"), "no agent"),
        (lambda s, rid: s.assign(rid, "support@partner.example"), "not an agent"),
        (lambda s, rid: s.agent_reply(rid, "  "), "non-empty"),
    ],
)  # fmt: skip
def test_agent_methods_raise_sandbox_error(client, sandbox, call, message):
    created = client.create()
    with pytest.raises(SandboxError, match=message):
        call(sandbox.state, created["id"])
    assert issubclass(SandboxError, ValueError)


def test_closed_requests_refuse_agent_changes(client, sandbox):
    created = client.create()
    sandbox.state.set_status(created["id"], "closed")
    with pytest.raises(SandboxError, match="closed"):
        sandbox.state.agent_reply(created["id"], "late")


def test_solving_records_solved_at_and_close_due(client, sandbox):
    created = client.create()
    solved = sandbox.state.set_status(created["id"], "solved")
    assert solved["status"] == "solved" and solved["assignee_id"] is not None
    now = datetime.now(UTC)
    assert sandbox.state.close_due(now + timedelta(hours=71)) == 0
    assert sandbox.state.close_due(now + timedelta(hours=73)) == 1
    assert sandbox.state.get_request(created["id"])["status"] == "closed"
    assert sandbox.state.close_due(now + timedelta(hours=100)) == 0


def test_close_due_runs_lazily_on_api_calls(make_server):
    server = make_server(close_after_hours=0)
    session = requests.Session()
    session.auth = ("support@partner.example/token", "sandbox-token")
    created = session.post(
        f"{server.url}/api/v2/requests",
        json={"request": {"subject": "s", "comment": {"body": "b"}}},
        timeout=5,
    ).json()["request"]
    server.state.set_status(created["id"], "solved")
    shown = session.get(f"{server.url}/api/v2/requests/{created['id']}", timeout=5).json()
    assert shown["request"]["status"] == "closed"
    session.close()


def test_admin_endpoints(client, sandbox):
    created = client.create(type="question")
    admin = sandbox.admin_headers
    base = f"{sandbox.url}/sandbox/requests/{created['id']}"
    assert requests.get(f"{sandbox.url}/sandbox/health", headers=admin, timeout=5).json() == {
        "ok": True
    }
    reply = requests.post(
        f"{base}/reply", json={"body": "Hello", "public": True}, headers=admin, timeout=5
    )
    assert reply.status_code == 200 and reply.json()["request"]["status"] == "open"
    assign = requests.post(
        f"{base}/assign", json={"agent": "agent@provider.example"}, headers=admin, timeout=5
    )
    assert assign.json()["request"]["assignee_id"] is not None
    status = requests.post(f"{base}/status", json={"status": "pending"}, headers=admin, timeout=5)
    assert status.json()["request"]["status"] == "pending"
    priority = requests.post(f"{base}/priority", json={"priority": "low"}, headers=admin, timeout=5)
    assert priority.json()["request"]["priority"] == "low"
    assert requests.get(base, headers=admin, timeout=5).json()["request"]["id"] == created["id"]
    listed = requests.get(f"{sandbox.url}/sandbox/requests", headers=admin, timeout=5).json()
    assert [r["id"] for r in listed["requests"]] == [created["id"]]
    bad = requests.post(f"{base}/status", json={"status": "nope"}, headers=admin, timeout=5)
    assert bad.status_code == 422 and "unknown status" in bad.json()["description"]
    missing = requests.post(
        f"{sandbox.url}/sandbox/requests/9/reply", json={"body": "x"}, headers=admin, timeout=5
    )
    assert missing.status_code == 404
    broken = requests.post(f"{base}/reply", data=b"{", headers=admin, timeout=5)
    assert broken.status_code == 400
    later = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    requests.post(f"{base}/status", json={"status": "solved"}, headers=admin, timeout=5)
    closed = requests.post(
        f"{sandbox.url}/sandbox/close-due", json={"now": later}, headers=admin, timeout=5
    )
    assert closed.json() == {"closed": 1}


def test_persistence_across_restart(tmp_path):
    config = SandboxConfig(data_dir=tmp_path / "desk")
    auth = ("support@partner.example/token", "sandbox-token")
    payload = {"request": {"subject": "keep me", "comment": {"body": "b"}}}
    with SandboxServer(config).start() as first:
        created = requests.post(f"{first.url}/api/v2/requests", json=payload, auth=auth, timeout=5)
        first_id = created.json()["request"]["id"]
    with SandboxServer(config).start() as second:
        shown = requests.get(f"{second.url}/api/v2/requests/{first_id}", auth=auth, timeout=5)
        assert shown.json()["request"]["subject"] == "keep me"
        assert shown.json()["request"]["url"].startswith(second.url)
        again = requests.post(f"{second.url}/api/v2/requests", json=payload, auth=auth, timeout=5)
        assert again.json()["request"]["id"] == first_id + 1


def test_a_second_state_on_the_same_file_sees_the_server(client, sandbox):
    created = client.create()
    other = SandboxState(sandbox.state.db_path)  # e.g. the CLI's agent command
    assert other.base_url == sandbox.url
    assert other.close_after_hours == 72.0
    other.agent_reply(created["id"], "from another process")
    shown = client.get(f"/api/v2/requests/{created['id']}").json()["request"]
    assert shown["status"] == "open"


def test_public_url_and_migrations(tmp_path, make_server):
    server = make_server(public_url="https://support.example.test/")
    assert server.state.base_url == "https://support.example.test"
    session = requests.Session()
    session.auth = ("support@partner.example/token", "sandbox-token")
    me = session.get(f"{server.url}/api/v2/users/me", timeout=5).json()["user"]
    assert me["url"].startswith("https://support.example.test/api/v2/users/")
    session.close()
    from ctlsupport.sandbox import db

    assert db.schema_version(server.state.db_path) == db.MIGRATIONS[-1][0]
    with server.state.reading() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_seeding_is_idempotent(tmp_path):
    state = SandboxState(tmp_path / "s.sqlite3")
    first = state.ensure_end_user("a@b.example", "A", "pw")
    again = state.ensure_end_user("A@B.example", "A", "pw")
    assert first["id"] == again["id"]
    assert state.ensure_agent()["id"] == state.ensure_agent()["id"]
    state.ensure_api_token("t")
    state.ensure_api_token("t")
    with pytest.raises(SandboxError):
        state.issue_bearer("missing@x.example")


def test_serve_forever_returns_on_stop(tmp_path):
    server = SandboxServer(SandboxConfig(data_dir=tmp_path))
    runner = threading.Thread(target=server.serve_forever)
    runner.start()
    assert requests.get(f"{server.url}/sandbox/health", timeout=5).ok
    server.stop()
    runner.join(timeout=5)
    assert not runner.is_alive()


def test_serve_forever_after_start_waits_for_stop(tmp_path):
    server = SandboxServer(SandboxConfig(data_dir=tmp_path)).start()
    runner = threading.Thread(target=server.serve_forever)
    runner.start()
    assert requests.get(f"{server.url}/sandbox/health", timeout=5).ok
    server.stop()
    runner.join(timeout=5)
    assert not runner.is_alive()
