"""Global flags after the subcommand are moved before it, unless the command owns them."""

import pytest
import typer

from ctlsupport.cli.app import app
from ctlsupport.cli.global_flags import hoist

ROOT = typer.main.get_command(app)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["list", "--json"], ["--json", "list"]),
        (["list", "--limit", "5", "--debug"], ["--debug", "list", "--limit", "5"]),
        (["auth", "status", "--json"], ["--json", "auth", "status"]),
        (["config", "show", "--profile", "acme"], ["--profile", "acme", "config", "show"]),
        (["--json", "list"], ["--json", "list"]),
        # `config import` has its own --profile: it stays with the command.
        (
            ["config", "import", "t.toml", "--profile", "acme", "--no-input"],
            ["--no-input", "config", "import", "t.toml", "--profile", "acme"],
        ),
        # The value of an option is never taken for a global flag.
        (["open", "--subject", "--json"], ["open", "--subject", "--json"]),
        # After `--` nothing moves.
        (["open", "--", "--json"], ["open", "--", "--json"]),
        (["no-such-command", "--json"], ["no-such-command", "--json"]),
        ([], []),
    ],
)
def test_hoist(given, expected):
    assert hoist(given, ROOT) == expected


def test_json_after_the_subcommand_end_to_end(cli):
    result = cli("outbox", "list", "--json")
    assert result.code == 0, result.stderr
    assert result.json()["ok"] is True
