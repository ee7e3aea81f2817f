"""The --json contract: exactly one object on stdout, {"ok": ..., "data"|"error": ...}."""

from __future__ import annotations

import json

from ticketdata import FULL_FLAGS

from ctlsupport.exitcodes import ExitCode


def _single_object(text: str) -> dict:
    document = json.loads(text)  # raises if there is more than one document
    assert isinstance(document, dict)
    return document


def test_open_list_show_envelopes(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "1234")
    opened = cli("--sandbox", "--json", "--no-input", "open", *FULL_FLAGS, stdin="boom")
    assert opened.code == 0
    doc = _single_object(opened.stdout)
    assert doc["ok"] is True and set(doc) == {"ok", "data"}
    request_id = doc["data"]["id"]
    assert isinstance(request_id, int)

    listed = _single_object(cli("--sandbox", "--json", "list").stdout)
    assert listed["ok"] is True
    assert listed["data"]["requests"][0]["id"] == request_id
    assert {"id", "subject", "status", "priority", "updated_at"} <= set(
        listed["data"]["requests"][0]
    )

    shown = _single_object(cli("--sandbox", "--json", "show", str(request_id)).stdout)
    assert shown["data"]["request"]["id"] == request_id
    assert shown["data"]["comments"][0]["public"] is True


def test_error_envelope_on_stdout_and_stderr_empty(cli):
    result = cli("--sandbox", "--json", "show", "999999")
    assert result.code == ExitCode.NOT_FOUND
    assert result.stderr == ""
    doc = _single_object(result.stdout)
    assert doc["ok"] is False
    assert set(doc["error"]) >= {"code", "message", "hint"}
    assert doc["error"]["code"] == "not_found"


def test_missing_fields_envelope_lists_flags(cli):
    result = cli("--json", "--no-input", "open", "--subject", "x")
    assert result.code == ExitCode.INVALID_INPUT
    doc = _single_object(result.stdout)
    assert doc["error"]["code"] == "missing_fields"
    assert "--customer-name" in doc["error"]["details"]["missing"]


def test_usage_error_envelope(cli):
    result = cli("--json", "list", "--limit", "zero")
    assert result.code == ExitCode.USAGE
    assert _single_object(result.stdout)["error"]["code"] == "usage"


def test_version(cli):
    result = cli("--version")
    assert result.code == 0
    assert result.stdout.startswith("ctlsupport ")
