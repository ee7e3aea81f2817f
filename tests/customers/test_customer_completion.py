"""TAB completes aliases, names and servers from the directory, fast and read-only."""

from __future__ import annotations

import os
import subprocess
import sys

from ctlsupport.cli.completion.engine import candidates


def offered(line: str) -> list[tuple[str, str]]:
    words = line.split(" ")
    return candidates(words[:-1], words[-1])


def _seed(cli) -> None:
    for args in (
        ["ACME", "--name", "Acme Corp", "--server", "VA1ACMEWEB01", "--ip", "203.0.113.10",
         "--datacenter", "VA1"],
        ["ACME2", "--name", "Acme Two"],
        ["GLBX", "--name", "Globex", "--server", "UC1GLBXDB01", "--datacenter", "UC1"],
    ):  # fmt: skip
        assert cli("customers", "add", *args).code == 0


def test_aliases_names_and_servers_complete_from_the_directory(cli):
    _seed(cli)
    assert offered("open --customer-alias AC") == [("ACME2", "Acme Two"), ("ACME", "Acme Corp")]
    assert offered("open --customer-name Gl") == [("Globex", "GLBX")]
    assert ("VA1ACMEWEB01", "203.0.113.10 VA1 ACME") in offered("open --server ")
    only_globex = offered("open --customer-alias GLBX --server ")
    assert [value for value, _ in only_globex] == ["UC1GLBXDB01"]
    assert [v for v, _ in offered("customers edit GLBX --remove-server ")] == ["UC1GLBXDB01"]
    assert [v for v, _ in offered("customers show G")] == ["GLBX"]
    assert offered("templates show server-d") == [("server-down", "")]


def test_a_like_wildcard_typed_is_taken_literally(cli):
    _seed(cli)
    assert offered("open --customer-name _") == []
    assert offered("open --customer-name %") == []


def test_a_history_from_before_the_directory_still_completes(cli, isolated_home):
    _seed(cli)
    import sqlite3

    from ctlsupport.store import db

    conn = sqlite3.connect(db.db_path())
    conn.execute("DROP TABLE customer_servers")
    conn.execute("DROP TABLE customers")
    conn.execute("INSERT INTO seen_values VALUES ('server', 'OLD1SRV01', '2024-01-01', 1)")
    conn.commit()
    conn.close()
    assert [v for v, _ in offered("open --server ")] == ["OLD1SRV01"]
    assert offered("open --customer-name A") == []


def test_completion_answers_without_importing_typer_or_the_fuzzy_matcher(cli):
    _seed(cli)
    probe = (
        "import sys, runpy;"
        "sys.argv=['ctlsupport'];"
        "from ctlsupport.cli import entry;"
        "code = None\n"
        "try:\n entry.run()\n"
        "except SystemExit as e:\n code = e.code\n"
        "print('LOADED', 'typer' in sys.modules, 'rapidfuzz' in sys.modules, file=sys.stderr)"
    )
    env = {
        **os.environ,
        "_CTLSUPPORT_COMPLETE": "complete_bash",
        "COMP_WORDS": "ctlsupport open --server VA",
        "COMP_CWORD": "3",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == ["VA1ACMEWEB01"]
    assert "LOADED False False" in result.stderr
