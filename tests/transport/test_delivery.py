"""Exactly-once creation against a sandbox that loses answers, resets and refuses."""

from __future__ import annotations

import pytest

from ctlsupport.core.delivery import RetryPolicy, deliver
from ctlsupport.errors import DeskUnreachable, DeskValidation, Queued
from ctlsupport.sandbox import SandboxConfig, SandboxServer
from ctlsupport.sandbox.faults import FaultDice
from ctlsupport.secret import Secret
from ctlsupport.transport.http import Credentials, DeskSession
from ctlsupport.transport.zendesk import DeskClient

FAST = RetryPolicy(attempts=6, total_seconds=20, base_delay=0.01, max_delay=0.05, settle_seconds=0)


def _client(url: str, read_timeout: float = 5) -> DeskClient:
    creds = Credentials("support@partner.example", "token", Secret("sandbox-token"))
    return DeskClient(DeskSession(url, creds, timeout=(2, read_timeout)))


def _payload(ref: str):
    return lambda: {"request": {"subject": f"ref {ref}", "comment": {"body": f"Ref: {ref}"}}}


def _deliver(client, payload, ref, **kwargs):
    return deliver(
        lambda: client.create_request(payload()),
        lambda: client.find_by_reference(ref),
        **kwargs,
    )


@pytest.fixture
def desk(tmp_path):
    servers = []

    def start(**rates):
        config = SandboxConfig(
            data_dir=tmp_path / "desk", fault_rates=rates, slow_seconds=0.6, fault_seed=3
        )
        server = SandboxServer(config).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_lost_answer_is_adopted_not_duplicated(desk):
    server = desk(drop=1.0)
    client = _client(server.url)
    policy = RetryPolicy(attempts=2, total_seconds=20, base_delay=0.01)
    with pytest.raises(Queued):
        # Every call loses its answer, lookups included: nothing can be confirmed,
        # so nothing is sent twice; the outbox keeps it for a later look.
        _deliver(client, _payload("r1"), "r1", policy=policy, sleep=lambda s: None)
    assert len(server.state.list_requests()) == 1


class ScriptedDice(FaultDice):
    """Faults in a fixed order (then none), to make one exact story happen."""

    def __init__(self, *kinds: str | None) -> None:
        super().__init__({}, slow_seconds=0.6)
        self.script = list(kinds)

    def roll(self) -> str | None:
        return self.script.pop(0) if self.script else None


def test_adopts_after_one_lost_answer(desk):
    server = desk()
    server._httpd.app.dice = ScriptedDice("drop")
    result = _deliver(_client(server.url), _payload("r2"), "r2", policy=FAST, sleep=lambda s: None)
    assert result.adopted is True
    assert [r["subject"] for r in server.state.list_requests()] == ["ref r2"]


def test_reset_is_retried_and_created_once(desk):
    server = desk()
    server._httpd.app.dice = ScriptedDice("reset", "reset", None, "reset")
    result = _deliver(_client(server.url), _payload("x1"), "x1", policy=FAST, sleep=lambda s: None)
    assert result.adopted is False
    assert [r["subject"] for r in server.state.list_requests()] == ["ref x1"]


def test_slow_answer_is_adopted(desk):
    server = desk()
    server._httpd.app.dice = ScriptedDice("slow")
    client = _client(server.url, read_timeout=0.2)
    result = _deliver(client, _payload("s1"), "s1", policy=FAST, sleep=lambda s: None)
    assert result.adopted is True
    assert [r["subject"] for r in server.state.list_requests()] == ["ref s1"]


def test_rate_limit_waits_retry_after_then_sends(desk):
    server = desk()
    server._httpd.app.dice = ScriptedDice("429", "503")
    waits = []
    result = _deliver(_client(server.url), _payload("q1"), "q1", policy=FAST, sleep=waits.append)
    assert result.adopted is False and result.attempts == 3
    assert waits[0] == 1.0  # the desk's Retry-After
    assert [r["subject"] for r in server.state.list_requests()] == ["ref q1"]


def test_validation_errors_are_not_retried(desk):
    server = desk()
    bad = lambda: {"request": {"subject": "", "comment": {"body": "b"}}}  # noqa: E731
    with pytest.raises(DeskValidation):
        _deliver(_client(server.url), bad, "v1", policy=FAST, sleep=lambda s: None)


def test_refused_connection_is_not_ambiguous():
    client = _client("http://127.0.0.1:9")  # discard port: nothing listens
    with pytest.raises(DeskUnreachable) as info:
        client.create_request(_payload("n1")())
    assert info.value.maybe_sent is False
