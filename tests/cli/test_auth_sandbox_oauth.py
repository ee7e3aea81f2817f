"""The sandbox desk's OAuth endpoints, spoken to directly: the client registry, consent,
PKCE, JSON token requests, refresh, expiry only when asked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from ctlsupport.sandbox.oauth_clients import SEEDED_REDIRECT
from ctlsupport.transport.oauth import Pkce

REDIRECT = SEEDED_REDIRECT  # the seeded public client's (nothing needs to listen there)


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


def tokens(base: str, **form: object) -> requests.Response:
    return requests.post(f"{base}/oauth/tokens", json=form, timeout=10)


def exchange(base: str, code: str, verifier: str, **extra: object) -> requests.Response:
    return tokens(
        base,
        grant_type="authorization_code",
        code=code,
        client_id="ctlsupport",
        redirect_uri=REDIRECT,
        code_verifier=verifier,
        **extra,
    )


def test_code_flow_with_pkce_and_rotating_refresh(desk):
    server = desk()
    pkce = Pkce.new()
    code = code_of(authorize(server.url, pkce))
    answer = exchange(server.url, code, pkce.verifier, expires_in=3600)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "bearer" and body["scope"] == "read write"
    assert body["expires_in"] == 3600
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
    assert answer.json()["error"] == "invalid_grant"
    assert answer.json()["error_description"].startswith("The provided access grant is invalid")


def test_without_pkce_the_browser_comes_back_with_an_error(desk):
    server = desk()
    answer = authorize(server.url, Pkce.new(), code_challenge="")
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["error"] == ["invalid_request"] and query["state"] == ["s1"]


def test_an_unknown_client_gets_the_no_such_client_page(desk):
    server = desk()
    answer = authorize(server.url, Pkce.new(), client_id="someone-else")
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert "No such client" in answer.text
    refused = tokens(server.url, grant_type="refresh_token", refresh_token="x", client_id="nope")
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"


def test_a_redirect_must_be_exactly_a_registered_one(desk):
    server = desk()
    for other in (
        "http://127.0.0.1:47614/callback",  # another port: no match (contract §13.1)
        "http://localhost:47613/callback",
        "https://evil.example/cb",
    ):
        answer = authorize(server.url, Pkce.new(), redirect_uri=other)
        assert answer.status_code == 400 and "Location" not in answer.headers, other
        assert "not registered" in answer.text


def test_a_registered_client_works_and_a_removed_one_stops(desk, cli):
    server = desk()
    data = str(server.config.data_dir)
    added = cli("sandbox", "oauth-client", "add", "partner-cli", "--data", data,
                "--redirect", "http://127.0.0.1:50111/callback", "--scope", "read")  # fmt: skip
    assert added.code == 0, added.stderr
    listed = cli("--json", "sandbox", "oauth-client", "list", "--data", data).json()["data"]
    assert {c["identifier"] for c in listed["clients"]} == {"ctlsupport", "partner-cli"}
    pkce = Pkce.new()
    params = {"client_id": "partner-cli", "redirect_uri": "http://127.0.0.1:50111/callback"}
    refused = authorize(server.url, pkce, **params)  # asks read write, has read only
    assert parse_qs(urlsplit(refused.headers["Location"]).query)["error"] == ["invalid_scope"]
    assert code_of(authorize(server.url, pkce, scope="read", **params))
    assert cli("sandbox", "oauth-client", "remove", "partner-cli", "--data", data).code == 0
    assert "No such client" in authorize(server.url, pkce, scope="read", **params).text
    bad = cli("sandbox", "oauth-client", "add", "x", "--redirect", "http://example.com/cb",
              "--data", data)  # fmt: skip
    assert bad.code != 0 and "https" in bad.stderr


def test_a_confidential_client_proves_itself_with_its_secret(desk, cli):
    server = desk()
    data = str(server.config.data_dir)
    added = cli(
        "--json", "sandbox", "oauth-client", "add", "backend", "--kind", "confidential",
        "--redirect", "https://partner.example/cb", "--data", data,
    )  # fmt: skip
    secret = added.json()["data"]["secret"]
    params = {"client_id": "backend", "redirect_uri": "https://partner.example/cb"}
    answer = authorize(server.url, Pkce.new(), code_challenge="", **params)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, **params}
    assert tokens(server.url, **form).status_code == 401  # no PKCE and no secret
    answer = authorize(server.url, Pkce.new(), code_challenge="", **params)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    issued = tokens(server.url, **{**form, "code": code, "client_secret": secret})
    assert issued.status_code == 200 and "expires_in" not in issued.json()


def test_tokens_expire_only_when_asked(desk):
    server = desk()
    pkce = Pkce.new()
    body = exchange(server.url, code_of(authorize(server.url, pkce)), pkce.verifier).json()
    assert "expires_in" not in body and body["refresh_token"]
    pkce = Pkce.new()
    out_of_range = exchange(server.url, code_of(authorize(server.url, pkce)), pkce.verifier,
                            expires_in=10)  # fmt: skip
    assert (
        out_of_range.status_code == 400 and "expires_in" in out_of_range.json()["error_description"]
    )


def test_a_missing_verifier_is_refused(desk):
    server = desk()
    code = code_of(authorize(server.url, Pkce.new()))
    answer = exchange(server.url, code, "")
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"


def test_the_token_request_is_json_as_documented(desk):
    server = desk()
    pkce = Pkce.new()
    code = code_of(authorize(server.url, pkce))
    form = {"grant_type": "authorization_code", "code": code, "client_id": "ctlsupport",
            "redirect_uri": REDIRECT, "code_verifier": pkce.verifier}  # fmt: skip
    answer = requests.post(f"{server.url}/oauth/tokens", data=form, timeout=10)
    assert answer.status_code == 400 and "JSON" in answer.json()["error_description"]


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
