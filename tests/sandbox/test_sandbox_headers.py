"""Common response headers and the rate limit (contract §1, §6.4)."""

from __future__ import annotations

import pytest
import requests

AUTH = ("support@partner.example/token", "sandbox-token")
COMMON = (
    "x-rate-limit",
    "x-rate-limit-remaining",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "x-zendesk-api-version",
    "x-request-id",
)


def test_every_api_response_carries_the_common_headers(client, sandbox):
    responses = [
        client.get("/api/v2/users/me"),
        client.get("/api/v2/requests/424242"),
        client.post("/api/v2/requests", json={}),
        requests.get(f"{sandbox.url}/api/v2/requests", timeout=5),
        requests.get(f"{sandbox.url}/api/v2/unknown", timeout=5),
    ]
    for response in responses:
        for header in COMMON:
            assert header in response.headers, (response.status_code, header)
        assert response.headers["x-zendesk-api-version"] == "v2"
        assert response.headers["x-rate-limit"] == "700"
    ids = {response.headers["x-request-id"] for response in responses}
    assert len(ids) == len(responses)


def test_remaining_counts_down_per_credential(client, client_factory):
    first = int(client.get("/api/v2/users/me").headers["x-rate-limit-remaining"])
    second = int(client.get("/api/v2/users/me").headers["x-rate-limit-remaining"])
    assert second == first - 1
    other = client_factory(("support@partner.example", "sandbox"))
    assert other.get("/api/v2/users/me").headers["ratelimit-remaining"] == "699"


def test_rate_limit_429(make_server):
    server = make_server(rate_limit_per_minute=3)
    session = requests.Session()
    session.auth = AUTH
    url = f"{server.url}/api/v2/users/me"
    statuses = [session.get(url, timeout=5).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = session.get(url, timeout=5)
    assert limited.status_code == 429
    assert limited.headers["Content-Type"].startswith("text/plain")
    assert limited.text == "Number of allowed API requests per minute exceeded"
    assert len(limited.content) == 50
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["x-rate-limit-remaining"] == "0"
    assert limited.headers["x-rate-limit"] == "3"
    # Another credential has its own bucket; the admin side is never limited.
    other = requests.get(url, auth=("agent@provider.example/token", "sandbox-token"), timeout=5)
    assert other.status_code == 200
    assert requests.get(f"{server.url}/sandbox/health", timeout=5).status_code == 200
    session.close()


def test_errors_are_never_tracebacks(client, sandbox):
    response = client.put("/api/v2/requests/1", data=b"\xff\xfe", headers={"Content-Type": "x"})
    assert response.status_code in (400, 404)
    assert "Traceback" not in response.text
    assert response.headers["Content-Type"].startswith("application/json")


def test_injected_faults(client, sandbox):
    faults = f"{sandbox.url}/sandbox/faults"
    admin = sandbox.admin_headers
    planned = requests.post(
        faults, json={"status": 503, "retry_after": 7, "count": 2}, headers=admin, timeout=5
    )
    assert planned.json() == {"pending": 2}
    requests.post(faults, json={"status": 409}, headers=admin, timeout=5)
    first, second = client.get("/api/v2/users/me"), client.get("/api/v2/users/me")
    assert (first.status_code, second.status_code) == (503, 503)
    assert first.headers["Retry-After"] == "7"
    assert first.headers["Content-Type"].startswith("text/plain")
    assert client.get("/api/v2/requests").status_code == 409
    assert client.get("/api/v2/users/me").status_code == 200

    requests.post(faults, json={"status": 429}, headers=admin, timeout=5)
    limited = client.get("/api/v2/users/me")
    assert limited.status_code == 429 and limited.headers["x-rate-limit-remaining"] == "0"

    requests.post(faults, json={"delay_seconds": 0.3}, headers=admin, timeout=5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.session.get(f"{sandbox.url}/api/v2/users/me", timeout=0.1)

    requests.post(faults, json={"status": 500, "count": 5}, headers=admin, timeout=5)
    assert requests.delete(faults, headers=admin, timeout=5).json() == {"pending": 0}
    assert client.get("/api/v2/users/me").status_code == 200
    refused = requests.post(faults, json={"status": 418}, headers=admin, timeout=5)
    assert refused.status_code == 422
