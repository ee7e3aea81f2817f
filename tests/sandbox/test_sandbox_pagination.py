"""Cursor and offset pagination (contract §5)."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qsl, urlsplit

import pytest


def _create(client, count: int) -> list[int]:
    return [client.create(subject=f"request {n}")["id"] for n in range(count)]


def _walk(client, params: dict) -> tuple[list[int], list[dict]]:
    """Follow links.next until has_more is false; return ids and every page body."""
    pages = [client.get("/api/v2/requests.json", params=params).json()]
    while pages[-1]["meta"]["has_more"]:
        next_url = pages[-1]["links"]["next"]
        pages.append(client.session.get(next_url, timeout=5).json())
        assert len(pages) < 20
    return [r["id"] for page in pages for r in page["requests"]], pages


@pytest.mark.parametrize("count", [0, 1, 3, 7])
def test_cursor_pages_cover_everything_once(client, count):
    ids = _create(client, count)
    seen, pages = _walk(client, {"page[size]": 3})
    assert seen == ids
    assert len(pages) == max(1, -(-count // 3))
    for page in pages:
        assert set(page) == {"requests", "meta", "links"}
        # Both links are present and non-null even on the last (or an empty) page.
        assert page["links"]["next"] and page["links"]["prev"]
        assert set(page["meta"]) == {"has_more", "after_cursor", "before_cursor"}
    assert pages[-1]["meta"]["has_more"] is False


def test_exactly_one_full_page(client):
    ids = _create(client, 3)
    page = client.get("/api/v2/requests", params={"page[size]": 3}).json()
    assert [r["id"] for r in page["requests"]] == ids
    assert page["meta"]["has_more"] is False
    following = client.session.get(page["links"]["next"], timeout=5).json()
    assert following["requests"] == [] and following["meta"]["has_more"] is False
    assert following["links"]["next"] and following["links"]["prev"]


def test_empty_list_cursor_shape(client):
    page = client.get("/api/v2/requests", params={"page[size]": 10}).json()
    assert page["requests"] == []
    assert page["meta"] == {"has_more": False, "after_cursor": None, "before_cursor": None}
    assert page["links"]["next"].endswith("page%5Bafter%5D=&page%5Bsize%5D=10")


def test_links_are_sorted_and_percent_encoded(client, sandbox):
    _create(client, 2)
    page = client.get(
        "/api/v2/requests",
        params={"sort_order": "desc", "page[size]": 1, "include": "users"},
    ).json()
    next_url = page["links"]["next"]
    assert next_url.startswith(f"{sandbox.url}/api/v2/requests.json?")
    query = urlsplit(next_url).query
    keys = [part.split("=")[0] for part in query.split("&")]
    assert keys == ["include", "page%5Bafter%5D", "page%5Bsize%5D", "sort_order"]
    assert keys == sorted(keys)
    cursor = dict(parse_qsl(query))["page[after]"]
    assert cursor == page["meta"]["after_cursor"]
    decoded = json.loads(base64.b64decode(cursor))
    assert set(decoded) == {"o", "v"}
    assert "users" in page


def test_descending_cursor_pages_and_prev(client):
    ids = _create(client, 5)
    seen, pages = _walk(client, {"page[size]": 2, "sort_order": "desc"})
    assert seen == ids  # cursor pages of requests come in id order whatever the sort
    back = client.session.get(pages[1]["links"]["prev"], timeout=5).json()
    assert [r["id"] for r in back["requests"]] == [r["id"] for r in pages[0]["requests"]]
    assert back["meta"]["has_more"] is False


def test_cursor_stays_stable_when_requests_are_added(client):
    ids = _create(client, 3)
    first = client.get("/api/v2/requests", params={"page[size]": 2}).json()
    added = client.create()["id"]
    rest = client.session.get(first["links"]["next"], timeout=5).json()
    assert [r["id"] for r in rest["requests"]] == [ids[2], added]


@pytest.mark.parametrize(
    "params",
    [
        {"page[size]": 0},
        {"page[size]": 101},
        {"page[size]": "ten"},
        {"page[after]": "not-a-cursor"},
        {"page[after]": base64.b64encode(b'{"o":"other","v":[1]}').decode()},
        {"page[after]": "eyJ9", "page[before]": "eyJ9"},
    ],
)
def test_bad_cursor_parameters_are_400(client, params):
    response = client.get("/api/v2/requests", params=params)
    assert response.status_code == 400
    assert response.json()["error"] == "InvalidPaginationParameter"
    assert response.json()["description"]


def test_cursor_from_another_sort_order_is_refused(client):
    _create(client, 2)
    page = client.get("/api/v2/requests", params={"page[size]": 1}).json()
    response = client.get(
        "/api/v2/requests",
        params={"page[size]": 1, "page[after]": page["meta"]["after_cursor"], "sort_order": "desc"},
    )
    assert response.status_code == 400


def test_offset_pages(client, sandbox):
    ids = _create(client, 5)
    first = client.get("/api/v2/requests", params={"per_page": 2}).json()
    assert set(first) == {"requests", "next_page", "previous_page", "count"}
    assert first["count"] == 5
    assert first["previous_page"] is None
    assert first["next_page"] == f"{sandbox.url}/api/v2/requests.json?page=2&per_page=2"
    seen = [r["id"] for r in first["requests"]]
    page = first
    while page["next_page"]:
        page = client.session.get(page["next_page"], timeout=5).json()
        seen += [r["id"] for r in page["requests"]]
    assert seen == ids
    assert page["previous_page"] == f"{sandbox.url}/api/v2/requests.json?page=2&per_page=2"


def test_offset_defaults_and_empty(client):
    page = client.get("/api/v2/requests").json()
    assert page == {"requests": [], "next_page": None, "previous_page": None, "count": 0}
    _create(client, 1)
    clamped = client.get("/api/v2/requests", params={"per_page": 500}).json()
    assert clamped["count"] == 1 and clamped["next_page"] is None


def test_offset_beyond_ten_thousand_records_is_400(client):
    assert client.get("/api/v2/requests", params={"page": 100, "per_page": 100}).ok
    response = client.get("/api/v2/requests", params={"page": 101, "per_page": 100})
    assert response.status_code == 400
    assert response.json()["error"] == "InvalidPaginationParameter"
