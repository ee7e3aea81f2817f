"""Random faults at configured rates: errors, slow answers, resets, lost answers."""

from __future__ import annotations

import pytest
import requests

from ctlsupport.sandbox import SandboxConfig, SandboxError, SandboxServer
from ctlsupport.sandbox.faults import RATE_KINDS, FaultDice, spread

AUTH = ("support@partner.example/token", "sandbox-token")
NEW = {"request": {"subject": "s", "comment": {"body": "b"}}}


def _desk(tmp_path, **rates):
    config = SandboxConfig(
        data_dir=tmp_path / "desk", fault_rates=rates, slow_seconds=1.0, fault_seed=7
    )
    return SandboxServer(config).start()


def test_drop_commits_then_loses_the_answer(tmp_path):
    with _desk(tmp_path, drop=1.0) as desk:
        with pytest.raises(requests.ConnectionError):
            requests.post(f"{desk.url}/api/v2/requests.json", json=NEW, auth=AUTH, timeout=5)
        assert [r["subject"] for r in desk.state.list_requests()] == ["s"]


def test_reset_processes_nothing(tmp_path):
    with _desk(tmp_path, reset=1.0) as desk:
        with pytest.raises(requests.ConnectionError):
            requests.post(f"{desk.url}/api/v2/requests.json", json=NEW, auth=AUTH, timeout=5)
        assert desk.state.list_requests() == []


@pytest.mark.parametrize("status", ["429", "500", "503"])
def test_error_statuses(tmp_path, status):
    with _desk(tmp_path, **{status: 1.0}) as desk:
        answer = requests.get(f"{desk.url}/api/v2/requests.json", auth=AUTH, timeout=5)
        assert answer.status_code == int(status)
        if status != "500":
            assert answer.headers["Retry-After"] == "1"


def test_slow_answers_pass_a_client_timeout(tmp_path):
    with _desk(tmp_path, slow=1.0) as desk, pytest.raises(requests.ReadTimeout):
        requests.get(f"{desk.url}/api/v2/requests.json", auth=AUTH, timeout=(2, 0.3))


def test_late_commits_after_the_client_gave_up(tmp_path):
    with _desk(tmp_path, late=1.0) as desk:
        with pytest.raises(requests.ReadTimeout):
            requests.post(f"{desk.url}/api/v2/requests.json", json=NEW, auth=AUTH, timeout=0.3)
        assert desk.state.list_requests() == []  # not yet: a look now finds nothing
        import time

        time.sleep(1.2)
        assert [r["subject"] for r in desk.state.list_requests()] == ["s"]


def test_slowupload_holds_only_uploads(tmp_path):
    import time

    with _desk(tmp_path, slowupload=1.0) as desk:
        started = time.monotonic()
        requests.get(f"{desk.url}/api/v2/requests.json", auth=AUTH, timeout=5)
        assert time.monotonic() - started < 0.8
        started = time.monotonic()
        answer = requests.post(
            f"{desk.url}/api/v2/uploads.json?filename=a.txt", data=b"x", auth=AUTH, timeout=5
        )
        assert answer.status_code == 201 and time.monotonic() - started >= 1.0


def test_rates_are_drawn_at_about_the_rate():
    dice = FaultDice(spread(0.3), slow_seconds=0, seed=1)
    rolls = [dice.roll() for _ in range(6000)]
    faults = sum(r is not None for r in rolls)
    assert 1600 < faults < 2000  # 30 % of 6000 = 1800
    share = 1800 / len(RATE_KINDS)
    assert all(share * 0.7 < dice.counts[k] < share * 1.3 for k in dice.counts)


def test_bad_rates_are_refused():
    with pytest.raises(SandboxError):
        FaultDice({"teapot": 0.1}, 0)
    with pytest.raises(SandboxError):
        FaultDice({"500": 0.8, "503": 0.5}, 0)
