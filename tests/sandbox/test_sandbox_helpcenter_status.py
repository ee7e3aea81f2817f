"""The sandbox's public Help Center search and status page, over real HTTP."""

from __future__ import annotations

import requests


def test_article_search_shape_is_anonymous_and_paginated(sandbox):
    url = f"{sandbox.url}/api/v2/help_center/articles/search.json"
    page = requests.get(url, params={"query": "server", "per_page": 2}, timeout=5)
    assert page.status_code == 200
    data = page.json()
    assert data["count"] > 2 and len(data["results"]) == 2
    assert data["next_page"] and data["previous_page"] is None
    first = data["results"][0]
    assert first["result_type"] == "article"
    assert "<em>" in first["snippet"]
    assert first["html_url"].startswith(f"{sandbox.url}/hc/en-us/articles/")
    second = requests.get(data["next_page"], timeout=5).json()
    assert second["previous_page"]
    assert {r["id"] for r in second["results"]}.isdisjoint({r["id"] for r in data["results"]})


def test_article_search_needs_a_search_parameter(sandbox):
    for path in (
        "/api/v2/help_center/articles/search",
        "/api/v2/help_center/en-us/articles/search",
    ):
        answer = requests.get(sandbox.url + path, timeout=5)
        assert answer.status_code == 400
    labelled = requests.get(
        f"{sandbox.url}/api/v2/help_center/en-us/articles/search",
        params={"label_names": "ddos"},
        timeout=5,
    ).json()
    assert [r["title"] for r in labelled["results"]] == [
        "DDoS attacks: what the provider does and what you should do"
    ]


def test_status_page_paths(sandbox):
    from ctlsupport.sandbox import statuspage

    for path in sorted(statuspage.PATHS):
        answer = requests.get(f"{sandbox.url}{path}.json", timeout=5)
        assert answer.status_code == 200, path
        assert answer.json()["page"]["id"] == statuspage.PAGE_ID
    statuspage.raise_incident(
        sandbox.state,
        name="UC1 network",
        components=["uc1"],
        status="identified",
        impact="critical",
    )
    summary = requests.get(f"{sandbox.url}/api/v2/summary.json", timeout=5).json()
    assert summary["status"]["indicator"] == "critical"
    uc1 = next(c for c in summary["components"] if c["name"] == "UC1")
    assert uc1["status"] == "major_outage"
    unresolved = requests.get(f"{sandbox.url}/api/v2/incidents/unresolved.json", timeout=5)
    assert [i["name"] for i in unresolved.json()["incidents"]] == ["UC1 network"]
