"""bash: the committed script, driven through bash's own programmable completion."""

from __future__ import annotations

import subprocess

import pytest
from shellsupport import COMPLETIONS, need, shell_env_for


@pytest.fixture
def shell_env(isolated_home):
    """A seeded history, and this checkout's `ctlsupport` first on PATH."""
    return shell_env_for(isolated_home)


def complete(env: dict[str, str], line: str) -> list[str]:
    """COMPREPLY for `line` (cursor at its end), as bash computes it on TAB."""
    bash = need("bash")
    script = f"""
source {COMPLETIONS / "ctlsupport.bash"}
spec=$(complete -p ctlsupport) || exit 3
func=$(sed -E 's/.*-F ([^ ]+) .*/\\1/' <<< "$spec")
COMP_LINE={line!r}
COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
"$func" ctlsupport "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    result = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", script],
        env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


def test_the_script_registers_a_completion_function(shell_env):
    result = subprocess.run(
        [need("bash"), "--norc", "-c", f"source {COMPLETIONS / 'ctlsupport.bash'}; complete -p"],
        env=shell_env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "-F _ctlsupport_completion ctlsupport" in result.stdout


def test_ticket_ids_of_the_current_profile(shell_env):
    found = complete(shell_env, "ctlsupport show 420")
    assert sorted(found) == [str(n) for n in range(4201, 4210)]
    assert "9901" not in complete(shell_env, "ctlsupport show ")


def test_ticket_ids_of_another_profile(shell_env):
    assert complete(shell_env, "ctlsupport --profile other show ") == ["9901"]


def test_data_centers(shell_env):
    assert complete(shell_env, "ctlsupport open --datacenter G") == ["GB1", "GB3"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ctlsupport o", ["open", "outbox"]),
        ("ctlsupport outbox ", ["list", "send", "drop"]),
        ("ctlsupport open --customer-alias A", ["ACME"]),
        ("ctlsupport open --server VA", ["VA1ACMEWEB01"]),
        ("ctlsupport open --priority ", ["urgent", "high", "normal", "low"]),
        ("ctlsupport completion f", ["fish"]),
    ],
)
def test_subcommands_and_values(shell_env, line, expected):
    assert complete(shell_env, line) == expected


def test_files_for_attachments(shell_env, tmp_path):
    (tmp_path / "screenshot.png").write_bytes(b"x")
    # No candidates from ctlsupport: `complete -o default` lets bash complete file names.
    assert complete(shell_env, f"ctlsupport open --attach {tmp_path}/scr") == []


def test_a_customer_name_with_a_space_stays_one_word(shell_env, cli):
    assert cli("customers", "add", "ACME", "--name", "Acme Corp's").code == 0
    assert complete(shell_env, "ctlsupport open --customer-name Ac") == [r"Acme\ Corp\'s"]
