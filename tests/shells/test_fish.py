"""fish: the committed script, asked through fish's own `complete -C`."""

from __future__ import annotations

import subprocess

import pytest
from shellsupport import COMPLETIONS, need, shell_env_for


@pytest.fixture
def shell_env(isolated_home):
    """A seeded history, and this checkout's `ctlsupport` first on PATH."""
    return shell_env_for(isolated_home)


def complete(env: dict[str, str], line: str) -> list[str]:
    """fish's candidates for `line`, as "value<TAB>description" lines."""
    command = f"source {COMPLETIONS / 'ctlsupport.fish'}; complete -C {line!r}"
    result = subprocess.run(
        [need("fish"), "--no-config", "-c", command],
        env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_ticket_ids_with_subjects(shell_env):
    found = complete(shell_env, "ctlsupport show 420")
    assert "4201\tACME web 0 down [open]" in found
    assert len(found) == 9
    assert not any(line.startswith("9901") for line in complete(shell_env, "ctlsupport show "))


def test_data_centers(shell_env):
    assert complete(shell_env, "ctlsupport open --datacenter G") == [
        "GB1\tPortsmouth, United Kingdom",
        "GB3\tLondon, United Kingdom",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ctlsupport comp", ["completion"]),
        ("ctlsupport sandbox rep", ["reply"]),
        ("ctlsupport --prof", ["--profile"]),
    ],
)
def test_subcommands_and_options(shell_env, line, expected):
    assert [item.split("\t")[0] for item in complete(shell_env, line)] == expected


def test_files_when_ctlsupport_has_nothing(shell_env, tmp_path):
    (tmp_path / "trace.log").write_text("x")
    found = complete(shell_env, f"ctlsupport open --attach {tmp_path}/tra")
    assert found == [f"{tmp_path}/trace.log"]
