"""The admin endpoints need this run's secret; an upload is its uploader's alone."""

from __future__ import annotations

import requests

OTHER = "other@partner.example"


def test_admin_calls_without_the_secret_are_refused(sandbox, client):
    created = client.create()
    base = f"{sandbox.url}/sandbox"
    attempts = [
        ("get", f"{base}/requests", {}),
        ("post", f"{base}/requests/{created['id']}/status", {"json": {"status": "solved"}}),
        # What a web page in a local browser can send: a simple cross-site form post.
        ("post", f"{base}/faults", {"data": '{"status": 500, "count": 99}',
                                    "headers": {"Content-Type": "text/plain",
                                                "Origin": "http://evil.example"}}),
        ("post", f"{base}/close-due", {"headers": {"X-Sandbox-Admin": "guessed"}}),
    ]  # fmt: skip
    for method, url, kwargs in attempts:
        response = getattr(requests, method)(url, timeout=5, **kwargs)
        assert response.status_code == 403, (url, response.text)
        assert "X-Sandbox-Admin" in response.json()["description"]
    assert sandbox.state.get_request(created["id"])["status"] == "new"
    assert client.get("/api/v2/users/me").status_code == 200  # no fault was planted
    # The liveness probe tells nothing and stays open; with the secret, all works.
    assert requests.get(f"{base}/health", timeout=5).json() == {"ok": True}
    listed = requests.get(f"{base}/requests", headers=sandbox.admin_headers, timeout=5)
    assert listed.status_code == 200


def test_the_secret_is_new_each_run_and_private(make_server, tmp_path):
    first = make_server(tmp_path / "desk")
    secret_file = tmp_path / "desk" / "admin-secret"
    assert secret_file.read_text().strip() == first.admin_headers["X-Sandbox-Admin"]
    assert secret_file.stat().st_mode & 0o777 == 0o600
    first.stop()
    second = make_server(tmp_path / "desk")
    assert second.admin_headers != first.admin_headers


def test_a_user_cannot_delete_or_fill_another_users_upload(sandbox, client):
    sandbox.state.ensure_end_user(OTHER, "Other Partner")
    other = requests.Session()
    other.auth = (f"{OTHER}/token", "sandbox-token")  # the account-wide API token
    upload = client.post(
        "/api/v2/uploads", params={"filename": "mine.log"}, data=b"mine",
        headers={"Content-Type": "text/plain"},
    ).json()["upload"]  # fmt: skip
    token = upload["token"]
    assert other.delete(f"{sandbox.url}/api/v2/uploads/{token}", timeout=5).status_code == 404
    added = other.post(
        f"{sandbox.url}/api/v2/uploads", timeout=5, data=b"theirs",
        params={"filename": "theirs.log", "token": token}, headers={"Content-Type": "text/plain"},
    )  # fmt: skip
    assert added.status_code == 422
    assert requests.get(upload["attachment"]["content_url"], timeout=5).content == b"mine"
    assert client.delete(f"/api/v2/uploads/{token}").status_code == 204  # the owner may
