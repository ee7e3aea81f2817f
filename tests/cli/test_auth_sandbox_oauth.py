"""The sandbox desk's OAuth endpoints, spoken to directly: consent, PKCE, refresh, expiry."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from ctlsupport.transport.oauth import Pkce

REDIRECT = "http://127.0.0.1:9/callback"


@pytest.fixture
def desk(tmp_path):
    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    servers = []

    def make(**settings):
        server = SandboxServer(SandboxConfig(data_dir=tmp_path / f"d{len(servers)}", **settings))
        servers.append(server.start())
        return server

    yield make
    for server in servers:
        server.stop()
        assert server.last_error is None, server.last_error


def authorize(base: str, pkce: Pkce, **extra: str) -> requests.Response:
    params = {
        "response_type": "code",
        "client_id": "ctlsupport",
        "redirect_uri": REDIRECT,
        "state": "s1",
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
        "scope": "read write",
        **extra,
    }
    return requests.get(
        f"{base}/oauth/authorizations/new", params=params, allow_redirects=False, timeout=10
    )


def code_of(response: requests.Response) -> str:
    assert response.status_code == 302, response.text
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def tokens(base: str, **form: str) -> requests.Response:
    return requests.post(f"{base}/oauth/tokens", data=form, timeout=10)


def exchange(base: str, code: str, verifier: str) -> requests.Response:
    return tokens(
        base,
        grant_type="authorization_code",
        code=code,
        client_id="ctlsupport",
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )


def test_code_flow_with_pkce_and_rotating_refresh(desk):
    server = desk()
    pkce = Pkce.new()
    code = code_of(authorize(server.url, pkce))
    answer = exchange(server.url, code, pkce.verifier)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "bearer" and body["scope"] == "read write"
    assert body["expires_in"] == 7200
    me = requests.get(
        f"{server.url}/api/v2/users/me.json",
        headers={"Authorization": f"Bearer {body['access_token']}"},
        timeout=10,
    )
    assert me.json()["user"]["email"] == "support@partner.example"
    # A code works once.
    assert exchange(server.url, code, pkce.verifier).json()["error"] == "invalid_grant"
    renewed = tokens(
        server.url, grant_type="refresh_token", refresh_token=body["refresh_token"],
        client_id="ctlsupport",
    )  # fmt: skip
    assert renewed.status_code == 200 and renewed.json()["access_token"] != body["access_token"]
    again = tokens(
        server.url, grant_type="refresh_token", refresh_token=body["refresh_token"],
        client_id="ctlsupport",
    )  # fmt: skip
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_wrong_verifier_is_refused(desk):
    server = desk()
    code = code_of(authorize(server.url, Pkce.new()))
    answer = exchange(server.url, code, Pkce.new().verifier)
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "invalid_grant",
        "error_description": "The code_verifier does not match the challenge.",
    }


def test_without_pkce_the_browser_comes_back_with_an_error(desk):
    server = desk()
    answer = authorize(server.url, Pkce.new(), code_challenge="")
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["error"] == ["invalid_request"] and query["state"] == ["s1"]


def test_only_loopback_redirects(desk):
    server = desk()
    answer = authorize(server.url, Pkce.new(), redirect_uri="https://evil.example/cb")
    assert answer.status_code == 400 and "Location" not in answer.headers


def test_expired_access_token_gets_the_invalid_token_body(desk):
    server = desk(oauth_token_seconds=0)
    pkce = Pkce.new()
    body = exchange(server.url, code_of(authorize(server.url, pkce)), pkce.verifier).json()
    me = requests.get(
        f"{server.url}/api/v2/users/me.json",
        headers={"Authorization": f"Bearer {body['access_token']}"},
        timeout=10,
    )
    assert me.status_code == 401
    assert me.json()["error"] == "invalid_token"
    assert "expired, revoked, malformed" in me.json()["error_description"]


def test_json_token_requests_and_unknown_grants(desk):
    server = desk()
    answer = requests.post(
        f"{server.url}/oauth/tokens", json={"grant_type": "password"}, timeout=10
    )
    assert answer.status_code == 400 and answer.json()["error"] == "unsupported_grant_type"
