"""Lookups that only help (duplicates, the status banner) try once and never hold a
ticket up; ordinary reads retry a 503."""

from __future__ import annotations

import pytest

from ctlsupport.errors import CtlError
from ctlsupport.sandbox.faults import Fault
from ctlsupport.secret import Secret
from ctlsupport.transport.http import Credentials, DeskSession

CREDS = Credentials("support@partner.example", "token", Secret("sandbox-token"))


def test_a_quick_session_tries_once(sandbox):
    sandbox._httpd.app.faults.add(Fault(503, count=1))
    quick = DeskSession(sandbox.url, CREDS, retries=0, timeout=(2.0, 3.0))
    with pytest.raises(CtlError):
        quick.json("GET", "/api/v2/requests.json")
    assert quick.json("GET", "/api/v2/requests.json")["requests"] == []  # the fault is used up


def test_an_ordinary_read_retries_the_503(sandbox):
    sandbox._httpd.app.faults.add(Fault(503, count=1))
    patient = DeskSession(sandbox.url, CREDS)
    assert patient.json("GET", "/api/v2/requests.json")["requests"] == []


def test_open_goes_on_when_the_duplicate_search_fails(cli, sandbox, monkeypatch):
    from ticketdata import FULL_FLAGS

    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "sandbox-token")
    assert cli("--no-input", "setup", "--desk-url", sandbox.url, "--alias",
               "support@partner.example", "--auth", "token").code == 0  # fmt: skip
    assert cli("config", "set", "status_url", sandbox.url).code == 0
    # The first call of `open` is the status banner's, then the duplicate search: both
    # fail once each, and the ticket still goes out.
    sandbox._httpd.app.faults.add(Fault(503, count=2))
    opened = cli("--no-input", "--json", "open", *FULL_FLAGS, stdin="boom\n")
    assert opened.code == 0, opened.stderr
    assert opened.json()["data"]["id"]
