"""Authentication (contract §2): API token, password, bearer, and the failure answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests

EMAIL = "support@partner.example"
PASSWORD = "sandbox"
TOKEN = "sandbox-token"

AUTH_FAILED = b'{"error":"Couldn\'t authenticate you"}'
INVALID_TOKEN = {
    "error": "invalid_token",
    "error_description": "The access token provided is expired, revoked, malformed or "
    "invalid for other reasons.",
}


def _assert_auth_failed(response: requests.Response) -> None:
    assert response.status_code == 401
    assert response.content == AUTH_FAILED
    assert len(response.content) == 37
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Web Password"'


def test_api_token_acts_as_the_paired_user(client, sandbox):
    response = client.get("/api/v2/users/me.json")
    assert response.status_code == 200
    user = response.json()["user"]
    assert user["email"] == EMAIL
    assert user["role"] == "end-user"
    assert user["verified"] is True
    assert user["url"] == f"{sandbox.url}/api/v2/users/{user['id']}.json"
    assert len(str(user["id"])) in (13, 14)
    for key in ("name", "organization_id", "locale", "time_zone", "created_at", "active"):
        assert key in user


def test_api_token_is_account_wide(client_factory):
    agent = client_factory(("agent@provider.example/token", TOKEN))
    assert agent.get("/api/v2/users/me").json()["user"]["role"] == "agent"


def test_password_auth_is_refused_by_default(sandbox):
    """Password access to the API is gone at Zendesk (contract §2.3): the 401 body."""
    response = requests.get(f"{sandbox.url}/api/v2/users/me", auth=(EMAIL, PASSWORD), timeout=5)
    _assert_auth_failed(response)
    token = requests.get(
        f"{sandbox.url}/api/v2/users/me", auth=(f"{EMAIL}/token", TOKEN), timeout=5
    )
    assert token.status_code == 200


def test_password_auth_for_older_desks(make_server):
    server = make_server(password_access=True)
    response = requests.get(f"{server.url}/api/v2/users/me", auth=(EMAIL, PASSWORD), timeout=5)
    assert response.status_code == 200
    _assert_auth_failed(
        requests.get(f"{server.url}/api/v2/users/me", auth=(EMAIL, "wrong"), timeout=5)
    )


def test_wrong_credentials(client_factory):
    _assert_auth_failed(client_factory((EMAIL, "wrong")).get("/api/v2/users/me"))
    _assert_auth_failed(client_factory((f"{EMAIL}/token", "wrong")).get("/api/v2/requests"))
    _assert_auth_failed(client_factory(("nobody@x.example/token", TOKEN)).get("/api/v2/requests"))


def test_missing_or_malformed_header(sandbox):
    _assert_auth_failed(requests.get(f"{sandbox.url}/api/v2/users/me", timeout=5))
    for header in ("Basic !!!", "Basic " + "bm9jb2xvbg==", "Digest abc", "Bearer"):
        response = requests.get(
            f"{sandbox.url}/api/v2/users/me", headers={"Authorization": header}, timeout=5
        )
        _assert_auth_failed(response)


def test_credentials_in_the_url_are_ignored(sandbox):
    response = requests.get(f"{sandbox.url}/api/v2/users/me?email={EMAIL}&token={TOKEN}", timeout=5)
    assert response.status_code == 401


def test_bearer_token(sandbox):
    token = sandbox.state.issue_bearer(EMAIL)
    headers = {"Authorization": f"Bearer {token}"}
    response = requests.get(f"{sandbox.url}/api/v2/users/me", headers=headers, timeout=5)
    assert response.status_code == 200
    assert response.json()["user"]["email"] == EMAIL


def test_bearer_token_with_a_chosen_value(sandbox):
    assert sandbox.state.issue_bearer(EMAIL, token="fixed-token") == "fixed-token"
    headers = {"Authorization": "Bearer fixed-token"}
    assert requests.get(f"{sandbox.url}/api/v2/requests", headers=headers, timeout=5).ok


def test_invalid_expired_and_revoked_bearer(sandbox):
    past = datetime.now(UTC) - timedelta(minutes=1)
    expired = sandbox.state.issue_bearer(EMAIL, expires_at=past)
    revoked = sandbox.state.issue_bearer(EMAIL)
    sandbox.state.revoke_bearer(revoked)
    for token in ("never-issued", expired, revoked):
        response = requests.get(
            f"{sandbox.url}/api/v2/users/me",
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert response.status_code == 401
        assert response.json() == INVALID_TOKEN
        assert response.headers["Content-Type"].startswith("application/json")


def test_unverified_end_user_is_refused_reads(sandbox, client_factory):
    sandbox.state.ensure_end_user("new@partner.example", "New", "pw", verified=False)
    fresh = client_factory(("new@partner.example/token", TOKEN))
    created = fresh.create()
    for path in ("/api/v2/requests", f"/api/v2/requests/{created['id']}", "/api/v2/requests/open"):
        response = fresh.get(path)
        assert response.status_code == 403
        assert response.json()["error"] == "Forbidden"
        assert "You do not have access" in response.json()["description"]


def test_unknown_route_is_404_before_auth(sandbox):
    for path in ("/api/v2/nothing", "/api/v2/requests/abc", "/nowhere"):
        response = requests.get(f"{sandbox.url}{path}", timeout=5)
        assert response.status_code == 404
        assert response.json() == {"error": "InvalidEndpoint", "description": "Not found"}
    wrong_method = requests.delete(f"{sandbox.url}/api/v2/requests", timeout=5)
    assert wrong_method.status_code == 404
