"""What TAB offers for each command's values, through the fast completion engine."""

from __future__ import annotations

import pytest
from shellsupport import seed_history

from ctlsupport.cli.completion.engine import candidates


def offered(line: str) -> list[str]:
    words = line.split(" ")
    return [value for value, _help in candidates(words[:-1], words[-1])]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("list --status p", ["pending"]),
        ("list -s ", ["open", "pending", "solved", "closed", "all"]),
        ("open --via ", ["api", "email"]),
        ("escalate 4201 --via e", ["email"]),
        ("auth login --method o", ["oauth"]),
        ("config import team.toml --method t", ["token"]),
        ("sandbox status 4201 h", ["hold"]),
        ("sandbox priority 4201 u", ["urgent"]),
        ("config set routes.e", ["routes.escalation", "routes.enterprise"]),
        ("config set smtp_p", ["smtp_port"]),
    ],
)
def test_values_complete(line, expected):
    assert offered(line) == expected


def test_ticket_ids_complete_for_every_command_that_takes_them():
    seed_history()
    for line in ("show 420", "comment 420", "solve 420", "escalate 420", "watch 4201 420"):
        found = offered(line)
        assert "4203" in found, line
    again = offered("watch 4202 4201 4")
    assert "4203" in again and "4201" not in again and "4202" not in again  # not twice
