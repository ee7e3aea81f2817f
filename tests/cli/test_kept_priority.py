"""After every create, what the desk kept: a dropped priority is said plainly."""

from __future__ import annotations

from ticketdata import FULL_FLAGS

ERROR = "curl: (7) Failed to connect\n"


def test_a_dropped_priority_is_said_with_the_fix(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    made = cli("--sandbox", "--json", "--no-input", "open", "--via", "api", *FULL_FLAGS,
               "--no-duplicate-check", stdin=ERROR)  # fmt: skip
    assert made.code == 0, made.stderr
    data = made.json()["data"]
    assert data["priority"] is None  # the strict desk dropped it
    [dropped] = data["kept"]["dropped"]
    assert (dropped["field"], dropped["asked"], dropped["kept"]) == ("priority", "high", None)
    assert "--via email" in dropped["fix"]
    plain = cli("--sandbox", "--no-input", "open", "--via", "api", *FULL_FLAGS,
                "--no-duplicate-check", stdin=ERROR)  # fmt: skip
    assert "NOT KEPT: priority high was not kept: the desk has no priority" in plain.stdout


def test_a_kept_priority_says_nothing_more(cli, monkeypatch, lenient_priority):
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    made = cli("--sandbox", "--json", "--no-input", "open", "--via", "api", *FULL_FLAGS,
               "--no-duplicate-check", stdin=ERROR)  # fmt: skip
    assert made.code == 0, made.stderr
    assert made.json()["data"]["kept"] == {"all_kept": True, "dropped": []}
