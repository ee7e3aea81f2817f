"""The Requests API (contract §3): create, show, lists, update rules, follow-ups."""

from __future__ import annotations

import re

import pytest

TOKEN = "sandbox-token"
REQUEST_KEYS = [
    "url", "id", "status", "custom_status_id", "priority", "type", "subject", "description",
    "organization_id", "via", "custom_fields", "fields", "requester_id", "collaborator_ids",
    "email_cc_ids", "is_public", "due_at", "can_be_solved_by_me", "created_at", "updated_at",
    "recipient", "followup_source_id", "assignee_id", "group_id", "ticket_form_id",
]  # fmt: skip
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
WARN = re.compile(
    r'^\{:allowed_parameters=>\{:controller=>"requests", :action=>"(create|update)", '
    r":unpermitted_keys=>\[(.*)\], :invalid_values=>\[\]\}\}$"
)


def test_create_returns_the_full_object(client, sandbox):
    sandbox.state.change_settings({"end_user_priority": "on"})
    response = client.post(
        "/api/v2/requests",
        json={
            "request": {
                "subject": "ACME: VA1ACMEWEB01 unreachable",
                "priority": "high",
                "type": "incident",
                "comment": {"body": "Partner ticket P-77.\n\nNo ping since 09:12 UTC."},
                "custom_fields": [{"id": 360000000101, "value": "VA1"}],
            }
        },
    )
    assert response.status_code == 201
    request = response.json()["request"]
    assert list(request) == REQUEST_KEYS
    assert request["id"] == 1001
    assert response.headers["Location"] == f"{sandbox.url}/api/v2/requests/1001.json"
    assert request["url"] == response.headers["Location"]
    assert request["status"] == "new"
    assert request["priority"] == "high"
    assert request["via"] == {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}}
    assert request["description"] == "Partner ticket P-77.\n\nNo ping since 09:12 UTC."
    assert request["custom_fields"] == [{"id": 360000000101, "value": "VA1"}]
    assert request["fields"] == request["custom_fields"]
    assert request["is_public"] is True
    assert request["can_be_solved_by_me"] is False
    assert STAMP.match(request["created_at"]) and STAMP.match(request["updated_at"])
    assert "X-Zendesk-Api-Warn" not in response.headers
    me = client.get("/api/v2/users/me").json()["user"]
    assert request["requester_id"] == me["id"]
    assert request["organization_id"] == me["organization_id"]


def test_ids_are_sequential(client):
    assert [client.create()["id"] for _ in range(3)] == [1001, 1002, 1003]


def test_json_suffix_and_bare_paths(client):
    created = client.create()
    for path in (f"/api/v2/requests/{created['id']}", f"/api/v2/requests/{created['id']}.json"):
        assert client.get(path).json()["request"]["id"] == created["id"]
    assert client.get("/api/v2/requests.json").json()["count"] == 1


@pytest.mark.parametrize(
    ("payload", "field_keys"),
    [
        ({}, ["subject", "description"]),
        ({"request": {"comment": {"body": "x"}}}, ["subject"]),
        ({"request": {"subject": "  ", "comment": {"body": "x"}}}, ["subject"]),
        ({"request": {"subject": "s"}}, ["description"]),
        ({"request": {"subject": "s", "comment": {"body": "x"}, "priority": "p1"}}, ["priority"]),
        ({"request": {"subject": "s", "comment": {"body": "x"}, "type": "bug"}}, ["type"]),
        (
            {"request": {"subject": "s", "comment": {"body": "x"}, "due_at": "2030-01-01"}},
            ["due_at"],
        ),
        ({"request": {"subject": "s", "comment": {"body": "x"}, "due_at": "soon"}}, ["due_at"]),
    ],
)
def test_create_validation_422(client, sandbox, payload, field_keys):
    sandbox.state.change_settings({"end_user_priority": "on"})  # else priority is dropped
    response = client.post("/api/v2/requests", json=payload)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "RecordInvalid"
    assert body["description"] == "Record validation errors"
    assert [entry["field_key"] for entry in body["details"]["base"]] == field_keys
    if "subject" in field_keys:
        assert body["details"]["base"][0] == {
            "description": "Subject: cannot be blank",
            "error": "BlankValue",
            "field_key": "subject",
        }
    assert client.get("/api/v2/requests").json()["count"] == 0


def test_due_at_for_tasks(client):
    created = client.create(type="task", due_at="2030-01-02T10:00:00+02:00")
    assert created["due_at"] == "2030-01-02T08:00:00Z"


def test_html_body_input_is_accepted(client):
    created = client.create(comment={"html_body": "<p>Line one</p><p>Line &amp; two</p>"})
    assert created["description"] == "Line one\nLine & two"


def test_non_writable_keys_are_dropped_with_a_warning(client):
    response = client.post(
        "/api/v2/requests",
        json={
            "request": {
                "subject": "s",
                "comment": {"body": "b", "public": False},
                "tags": ["vip"],
                "status": "solved",
                "assignee_id": 1,
                "group_id": 2,
                "made_up": True,
            }
        },
    )
    assert response.status_code == 201
    request = response.json()["request"]
    assert request["status"] == "new"
    assert request["assignee_id"] is None and request["group_id"] is None
    found = WARN.match(response.headers["X-Zendesk-Api-Warn"])
    assert found and found.group(1) == "create"
    assert found.group(2) == (
        '"request.tags", "request.status", "request.assignee_id", "request.group_id", '
        '"request.made_up", "request.comment.public"'
    )


def test_malformed_json_is_400(client):
    response = client.post(
        "/api/v2/requests", data=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "InvalidJSON"


def test_email_ccs_and_collaborators(client, sandbox, client_factory):
    """CCs and followers on (the default): `email_ccs` kept, `collaborators` dropped."""
    sandbox.state.ensure_end_user("colleague@partner.example", "Colleague", "pw")
    colleague_id = (
        client_factory(("colleague@partner.example/token", TOKEN))
        .get("/api/v2/users/me")
        .json()["user"]["id"]
    )
    created = client.create(
        email_ccs=[
            {"user_email": "rep@provider.example", "user_name": "Account Rep"},
            {"user_id": colleague_id},
            {"user_id": 12345},  # unknown ids are ignored
        ],
        collaborators=["third@partner.example", {"name": "Fourth", "email": "4@p.example"}],
    )
    assert len(created["email_cc_ids"]) == 2 and created["email_cc_ids"][1] == colleague_id
    assert created["collaborator_ids"] == []
    shown = client.get(f"/api/v2/requests/{created['id']}?include=users").json()
    users = {user["email"]: user for user in shown["users"]}
    assert users["rep@provider.example"]["name"] == "Account Rep"
    assert users["rep@provider.example"]["verified"] is False
    assert "support@partner.example" in users and "4@p.example" not in users


def test_collaborators_on_a_desk_without_ccs_and_followers(client, sandbox):
    sandbox.state.change_settings({"ccs": "collaborators"})
    created = client.create(
        email_ccs=[{"user_email": "rep@provider.example"}],
        collaborators=["third@partner.example", {"name": "Fourth", "email": "4@p.example"}],
    )
    assert created["email_cc_ids"] == [] and len(created["collaborator_ids"]) == 2


def test_lists_are_scoped_to_the_caller(client, sandbox, client_factory):
    sandbox.state.ensure_end_user("other@else.example", "Other", "pw")
    other = client_factory(("other@else.example/token", TOKEN))
    mine = client.create()
    theirs = other.create(email_ccs=[{"user_email": "support@partner.example"}])
    assert [r["id"] for r in client.get("/api/v2/requests").json()["requests"]] == [mine["id"]]
    assert [r["id"] for r in client.get("/api/v2/requests/ccd").json()["requests"]] == [
        theirs["id"]
    ]
    # CC'd users can read the request; strangers get the RecordNotFound envelope.
    assert client.get(f"/api/v2/requests/{theirs['id']}").status_code == 200
    missing = other.get(f"/api/v2/requests/{mine['id']}")
    assert missing.status_code == 404
    assert missing.json() == {"error": "RecordNotFound", "description": "Not found"}
    assert client.get("/api/v2/requests/99999").status_code == 404


def test_open_and_solved_lists_and_status_filter(client, sandbox):
    first, second, third = client.create(), client.create(), client.create(type="question")
    sandbox.state.assign(second["id"])
    sandbox.state.set_status(third["id"], "solved")
    open_ids = [r["id"] for r in client.get("/api/v2/requests/open").json()["requests"]]
    solved_ids = [r["id"] for r in client.get("/api/v2/requests/solved").json()["requests"]]
    assert open_ids == [second["id"]]
    assert solved_ids == [third["id"]]
    filtered = client.get("/api/v2/requests", params={"status": "new,solved"}).json()
    assert [r["id"] for r in filtered["requests"]] == [first["id"], third["id"]]


def test_sort_by_and_sort_order(client, sandbox):
    ids = [client.create()["id"] for _ in range(3)]
    desc = client.get("/api/v2/requests", params={"sort_order": "desc"}).json()["requests"]
    assert [r["id"] for r in desc] == ids[::-1]
    # Timestamps have one-second precision; spread them so the order is unambiguous.
    with sandbox.state.writing() as conn:
        for day, request_id in enumerate(ids, start=1):
            conn.execute(
                "UPDATE requests SET updated_at = ? WHERE id = ?",
                (f"2020-01-0{day}T00:00:00Z", request_id),
            )
    sandbox.state.agent_reply(ids[0], "Looking")
    by_update = client.get(
        "/api/v2/requests", params={"sort_by": "updated_at", "sort_order": "desc"}
    ).json()["requests"]
    assert [r["id"] for r in by_update] == [ids[0], ids[2], ids[1]]


def test_comment_reopens_pending_and_solved(client, sandbox):
    created = client.create(type="incident")
    sandbox.state.set_status(created["id"], "pending")
    path = f"/api/v2/requests/{created['id']}"
    response = client.put(path, json={"request": {"comment": {"body": "Still down"}}})
    assert response.status_code == 200
    assert response.json()["request"]["status"] == "open"
    sandbox.state.set_status(created["id"], "solved")
    reopened = client.put(path, json={"request": {"comment": {"body": "Back again"}}}).json()
    assert reopened["request"]["status"] == "open"
    hold = client.create()
    sandbox.state.set_status(hold["id"], "hold")
    kept = client.put(
        f"/api/v2/requests/{hold['id']}", json={"request": {"comment": {"body": "?"}}}
    )
    assert kept.json()["request"]["status"] == "hold"


def test_update_drops_other_keys_with_a_warning(client):
    created = client.create()
    response = client.put(
        f"/api/v2/requests/{created['id']}",
        json={"request": {"subject": "new", "priority": "urgent", "comment": {"body": "more"}}},
    )
    assert response.status_code == 200
    assert response.json()["request"]["subject"] == created["subject"]
    assert response.json()["request"]["priority"] is None
    found = WARN.match(response.headers["X-Zendesk-Api-Warn"])
    assert found and found.groups() == ("update", '"request.subject", "request.priority"')


def test_empty_comment_on_update_is_422(client):
    created = client.create()
    response = client.put(
        f"/api/v2/requests/{created['id']}", json={"request": {"comment": {"body": " "}}}
    )
    assert response.status_code == 422
    assert response.json()["details"]["base"][0]["field_key"] == "comment"


def test_update_adds_and_removes_ccs(client):
    created = client.create()
    path = f"/api/v2/requests/{created['id']}"
    added = client.put(
        path,
        json={
            "request": {
                "email_ccs": [{"user_email": "rep@provider.example"}],
                "additional_collaborators": ["x@partner.example"],
            }
        },
    ).json()["request"]
    # CCs and followers on: additional_collaborators is dropped.
    assert len(added["email_cc_ids"]) == 1 and added["collaborator_ids"] == []
    removed = client.put(
        path,
        json={
            "request": {"email_ccs": [{"user_email": "rep@provider.example", "action": "delete"}]}
        },
    ).json()["request"]
    assert removed["email_cc_ids"] == []


def test_solving_needs_an_assignee_and_a_solvable_type(client, sandbox):
    question = client.create(type="question")
    path = f"/api/v2/requests/{question['id']}"
    refused = client.put(path, json={"request": {"solved": True}})
    assert refused.status_code == 422
    assert refused.json()["error"] == "RecordInvalid"
    assert refused.json()["details"]["base"][0]["field_key"] == "solved"
    assert sandbox.state.assign(question["id"])["can_be_solved_by_me"] is True
    solved = client.put(path, json={"request": {"solved": "true", "comment": {"body": "Fixed"}}})
    assert solved.status_code == 200
    assert solved.json()["request"]["status"] == "solved"
    assert solved.json()["request"]["can_be_solved_by_me"] is False

    problem = client.create(type="problem")
    sandbox.state.assign(problem["id"])
    refused = client.put(f"/api/v2/requests/{problem['id']}", json={"request": {"solved": True}})
    assert refused.status_code == 422
    untyped = client.create()
    sandbox.state.assign(untyped["id"])
    assert (
        client.get(f"/api/v2/requests/{untyped['id']}").json()["request"]["can_be_solved_by_me"]
        is False
    )


def test_closed_refuses_updates_and_takes_follow_ups(client, sandbox):
    created = client.create(type="incident")
    sandbox.state.set_status(created["id"], "closed")
    response = client.put(
        f"/api/v2/requests/{created['id']}", json={"request": {"comment": {"body": "Again"}}}
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": "RecordInvalid",
        "description": "Record validation errors",
        "details": {"status": [{"description": "Status: closed prevents ticket update"}]},
    }
    follow_up = client.create(subject="Again", via_followup_source_id=created["id"])
    assert follow_up["followup_source_id"] == created["id"]
    assert follow_up["via"]["source"]["rel"] == "follow_up"
    assert follow_up["status"] == "new"
    # Only a closed source makes a follow-up.
    live = client.create()
    assert client.create(via_followup_source_id=live["id"])["followup_source_id"] is None


def test_concurrent_creates_get_distinct_ids(sandbox):
    from concurrent.futures import ThreadPoolExecutor

    import requests

    def create(n: int) -> int:
        response = requests.post(
            f"{sandbox.url}/api/v2/requests",
            auth=("support@partner.example/token", TOKEN),
            json={"request": {"subject": f"s{n}", "comment": {"body": "b"}}},
            timeout=10,
        )
        assert response.status_code == 201
        return response.json()["request"]["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(create, range(16)))
    assert sorted(ids) == list(range(1001, 1017))
