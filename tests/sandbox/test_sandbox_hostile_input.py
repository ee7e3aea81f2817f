"""The sandbox answers hostile input as Zendesk does (400, 404), never with a 500; and
its cursor pages of requests ignore the sort asked, as the real desk was seen to."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("depth", [2000, 100000])
def test_deeply_nested_json_is_400(client, depth):
    body = ("[" * depth + "]" * depth).encode()
    response = client.post(
        "/api/v2/requests.json", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "InvalidJSON"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/requests/9223372036854775808.json",
        "/api/v2/requests/99999999999999999999999999.json",
        "/api/v2/requests/" + "9" * 5000 + ".json",
        "/api/v2/requests/9223372036854775808/comments.json",
        "/api/v2/attachments/18446744073709551616.json",
    ],
)
def test_ids_past_the_integer_range_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"] == "RecordNotFound"


def test_an_update_past_the_integer_range_is_404(client):
    body = {"request": {"comment": {"body": "x"}}}
    response = client.put("/api/v2/requests/9223372036854775808.json", json=body)
    assert response.status_code == 404


def test_a_nested_cursor_is_400(client):
    import base64

    cursor = base64.b64encode(b"[" * 5000).decode()
    response = client.get("/api/v2/requests.json", params={"page[after]": cursor})
    assert response.status_code == 400


@pytest.mark.parametrize("sort", ["updated_at", "created_at"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_cursor_pages_of_requests_come_in_id_order_whatever_the_sort(client, sort, order):
    ids = [client.create(subject=f"request {n}")["id"] for n in range(5)]
    client.put(f"/api/v2/requests/{ids[0]}.json", json={"request": {"comment": {"body": "up"}}})
    params = {"page[size]": 2, "sort_by": sort, "sort_order": order}
    page = client.get("/api/v2/requests.json", params=params).json()
    seen = [r["id"] for r in page["requests"]]
    while page["meta"]["has_more"]:
        page = client.session.get(page["links"]["next"], timeout=5).json()
        seen += [r["id"] for r in page["requests"]]
    assert seen == sorted(ids)


def test_offset_pages_are_sorted_as_asked(client):
    ids = [client.create(subject=f"request {n}")["id"] for n in range(3)]
    page = client.get("/api/v2/requests.json", params={"sort_order": "desc"}).json()
    assert [r["id"] for r in page["requests"]] == ids[::-1]
