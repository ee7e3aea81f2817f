"""Request search (contract §3.7) and request comments (§3.2, §3.4)."""

from __future__ import annotations

TOKEN = "sandbox-token"
SEARCH_LIMIT = {
    "error": "invalid",
    "description": "Invalid search: Requested response size was greater than Search Response "
    "Limits",
}


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["requests"]]


def test_search_matches_subject_and_comments_case_insensitively(client, sandbox):
    printer = client.create(subject="Printer on fire")
    vpn = client.create(subject="VPN drops", comment={"body": "OpenVPN client times out"})
    sandbox.state.agent_reply(vpn["id"], "Please send the PRINTER logs")  # public: searchable
    sandbox.state.agent_reply(printer["id"], "internal note vpn", public=False)  # private: not
    assert sorted(_ids(client.get("/api/v2/requests/search", params={"query": "printer"}))) == [
        printer["id"],
        vpn["id"],
    ]
    assert _ids(client.get("/api/v2/requests/search.json", params={"query": "openvpn"})) == [
        vpn["id"]
    ]
    assert _ids(client.get("/api/v2/requests/search", params={"query": "vpn client"})) == [
        vpn["id"]
    ]
    assert _ids(client.get("/api/v2/requests/search", params={"query": '"on fire"'})) == [
        printer["id"]
    ]


def test_search_status_filters(client, sandbox):
    first, second = client.create(subject="disk full"), client.create(subject="disk slow")
    sandbox.state.assign(second["id"])
    assert _ids(client.get("/api/v2/requests/search", params={"query": "disk status:open"})) == [
        second["id"]
    ]
    assert _ids(
        client.get("/api/v2/requests/search", params={"query": "disk", "status": "new,hold"})
    ) == [first["id"]]
    assert _ids(client.get("/api/v2/requests/search", params={"query": "status<open"})) == [
        first["id"]
    ]


def test_search_response_shape_and_scope(client, sandbox, client_factory):
    sandbox.state.ensure_end_user("other@else.example", "Other", "pw")
    other = client_factory(("other@else.example/token", TOKEN))
    other.create(subject="disk elsewhere")
    ccd = other.create(subject="disk shared", email_ccs=[{"user_email": "support@partner.example"}])
    mine = client.create(subject="disk here")
    body = client.get("/api/v2/requests/search", params={"query": "disk"}).json()
    assert set(body) == {"requests", "next_page", "previous_page", "count"}
    assert sorted(r["id"] for r in body["requests"]) == [ccd["id"], mine["id"]]
    only_cc = client.get("/api/v2/requests/search", params={"query": "disk", "cc_id": "true"})
    assert _ids(only_cc) == [ccd["id"]]


def test_search_is_offset_only_and_capped(client, sandbox):
    for n in range(3):
        client.create(subject=f"net {n}")
    page = client.get("/api/v2/requests/search", params={"query": "net", "per_page": 2}).json()
    assert page["count"] == 3 and len(page["requests"]) == 2
    assert page["next_page"].startswith(f"{sandbox.url}/api/v2/requests/search.json?page=2")
    # page[size] does not switch search to cursor pagination.
    ignored = client.get("/api/v2/requests/search", params={"query": "net", "page[size]": 1})
    assert "meta" not in ignored.json() and len(ignored.json()["requests"]) == 3
    assert client.get("/api/v2/requests/search", params={"query": "net", "page": 10}).ok
    capped = client.get("/api/v2/requests/search", params={"query": "net", "page": 11})
    assert capped.status_code == 422
    assert capped.json() == SEARCH_LIMIT
    small = client.get(
        "/api/v2/requests/search", params={"query": "net", "page": 21, "per_page": 50}
    )
    assert small.status_code == 422


def test_comments_are_public_only_and_in_order(client, sandbox):
    created = client.create(comment={"body": "First\n\nSecond paragraph & more"})
    sandbox.state.agent_reply(created["id"], "Private note", public=False)
    sandbox.state.agent_reply(created["id"], "We are on it")
    client.put(f"/api/v2/requests/{created['id']}", json={"request": {"comment": {"body": "Thx"}}})
    response = client.get(f"/api/v2/requests/{created['id']}/comments.json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"comments", "next_page", "previous_page", "count"}
    comments = body["comments"]
    assert [c["body"] for c in comments] == [
        "First\n\nSecond paragraph & more",
        "We are on it",
        "Thx",
    ]
    first = comments[0]
    assert list(first) == [
        "id", "type", "request_id", "body", "html_body", "plain_body", "public", "author_id",
        "attachments", "created_at",
    ]  # fmt: skip
    assert first["type"] == "Comment" and first["public"] is True
    assert first["html_body"] == (
        '<div class="zd-comment" dir="auto"><p dir="auto">First</p>'
        '<p dir="auto">Second paragraph &amp; more</p></div>'
    )
    assert first["author_id"] == created["requester_id"]
    assert len(str(first["id"])) in (13, 14)
    one = client.get(f"/api/v2/requests/{created['id']}/comments/{comments[1]['id']}")
    assert one.json()["comment"] == comments[1]


def test_comment_filters_sorting_and_cursor(client, sandbox):
    created = client.create()
    sandbox.state.agent_reply(created["id"], "agent one")
    sandbox.state.agent_reply(created["id"], "agent two")
    path = f"/api/v2/requests/{created['id']}/comments"
    agents = client.get(path, params={"role": "agent"}).json()["comments"]
    assert [c["body"] for c in agents] == ["agent one", "agent two"]
    users = client.get(path, params={"role": "end_user"}).json()["comments"]
    assert len(users) == 1
    assert client.get(path, params={"since": "2999-01-01T00:00:00Z"}).json()["count"] == 0
    assert client.get(path, params={"since": "garbage"}).status_code == 400
    newest = client.get(path, params={"sort_order": "desc"}).json()["comments"]
    assert newest[0]["body"] == "agent two"
    page = client.get(path, params={"page[size]": 2, "sort": "-created_at"}).json()
    assert [c["body"] for c in page["comments"]] == ["agent two", "agent one"]
    assert page["meta"]["has_more"] is True
    rest = client.session.get(page["links"]["next"], timeout=5).json()
    assert [c["body"] for c in rest["comments"]] == ["Server stopped answering."]
    assert rest["meta"]["has_more"] is False


def test_comments_hidden_from_strangers_and_private_ones_404(client, sandbox, client_factory):
    created = client.create()
    private = sandbox.state.agent_reply(created["id"], "secret", public=False)
    assert private["is_public"] is True  # the first comment is public
    sandbox.state.ensure_end_user("other@else.example", "Other", "pw")
    other = client_factory(("other@else.example/token", TOKEN))
    assert other.get(f"/api/v2/requests/{created['id']}/comments").status_code == 404
    with sandbox.state.reading() as conn:
        secret_id = conn.execute("SELECT id FROM comments WHERE public = 0").fetchone()[0]
    assert client.get(f"/api/v2/requests/{created['id']}/comments/{secret_id}").status_code == 404
