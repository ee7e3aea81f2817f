"""The desk admin's settings and what the real desk refuses: end-user priority, CCs."""

from __future__ import annotations

import re

import pytest

from ctlsupport.sandbox import SandboxError
from ctlsupport.sandbox.desk_settings import SETTINGS

WARN = re.compile(
    r'^\{:allowed_parameters=>\{:controller=>"requests", :action=>"create", '
    r":unpermitted_keys=>\[(.*)\], :invalid_values=>\[\]\}\}$"
)


def test_defaults_are_the_strict_desk(sandbox):
    assert sandbox.state.settings() == {"end_user_priority": "off", "ccs": "email_ccs"}
    assert {name: s.default for name, s in SETTINGS.items()} == sandbox.state.settings()


def test_an_end_users_priority_is_dropped_with_the_warning(client):
    """Zendesk answers 201 and keeps no priority an end user may not set (contract §13.2)."""
    response = client.post(
        "/api/v2/requests",
        json={"request": {"subject": "s", "comment": {"body": "b"}, "priority": "high"}},
    )
    assert response.status_code == 201
    assert response.json()["request"]["priority"] is None
    found = WARN.match(response.headers["X-Zendesk-Api-Warn"])
    assert found and found.group(1) == '"request.priority"'


def test_the_desk_setting_lets_end_users_set_priority(make_server):
    from conftest import Client

    server = make_server(desk_settings={"end_user_priority": "on"})
    api = Client(server.url)
    response = api.post(
        "/api/v2/requests",
        json={"request": {"subject": "s", "comment": {"body": "b"}, "priority": "high"}},
    )
    assert response.json()["request"]["priority"] == "high"
    assert "X-Zendesk-Api-Warn" not in response.headers
    api.close()


def test_email_ccs_are_dropped_where_ccs_and_followers_are_off(client, sandbox):
    sandbox.state.change_settings({"ccs": "collaborators"})
    response = client.post(
        "/api/v2/requests",
        json={
            "request": {
                "subject": "s",
                "comment": {"body": "b"},
                "email_ccs": [{"user_email": "rep@provider.example"}],
            }
        },
    )
    assert response.json()["request"]["email_cc_ids"] == []
    assert '"request.email_ccs"' in response.headers["X-Zendesk-Api-Warn"]


def test_unknown_settings_and_values_are_refused(sandbox):
    with pytest.raises(SandboxError, match="unknown desk setting"):
        sandbox.state.change_settings({"anybody_can_submit": "on"})
    with pytest.raises(SandboxError, match="must be one of"):
        sandbox.state.change_settings({"ccs": "both"})


def test_settings_from_the_command_line(cli, tmp_path):
    data = str(tmp_path / "desk")
    listed = cli("--json", "sandbox", "settings", "--data", data)
    assert listed.code == 0, listed.stderr
    rows = {r["name"]: r["value"] for r in listed.json()["data"]["settings"]}
    assert rows == {"end_user_priority": "off", "ccs": "email_ccs"}
    changed = cli("sandbox", "settings", "end_user_priority=on", "--data", data)
    assert changed.code == 0 and "end_user_priority\ton  (changed)" in changed.stdout
    bad = cli("sandbox", "settings", "ccs=both", "--data", data)
    assert bad.code != 0 and "must be one of" in bad.stderr and "Traceback" not in bad.stderr
