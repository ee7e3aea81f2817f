"""`ctlsupport customers` through main(): the directory, its files, and tickets feeding it."""

from __future__ import annotations

from ticketdata import FULL_FLAGS

ACME = ["customers", "add", "ACME", "--name", "Acme Corp", "--server", "VA1ACMEWEB01",
        "--ip", "203.0.113.10", "--datacenter", "VA1"]  # fmt: skip


def _show(cli, alias: str) -> dict:
    result = cli("--json", "customers", "show", alias)
    assert result.code == 0, result.stderr
    return result.json()["data"]


def test_add_show_list_edit_remove(cli):
    assert cli(*ACME).code == 0
    assert cli("customers", "add", "glbx", "--name", "Globex").code == 0
    shown = _show(cli, "acme")
    assert shown["servers"] == [{"name": "VA1ACMEWEB01", "ip": "203.0.113.10", "datacenter": "VA1"}]

    listed = cli("customers", "list")
    assert listed.stdout.splitlines() == ["ACME\tAcme Corp\tVA1ACMEWEB01", "GLBX\tGlobex\t-"]
    typo = cli("--json", "customers", "list", "acme crop").json()["data"]["customers"]
    assert [c["alias"] for c in typo] == ["ACME"]

    edited = cli("customers", "edit", "ACME", "--server", "va1acmeweb01", "--ip", "203.0.113.20")
    assert edited.code == 0
    assert "VA1ACMEWEB01 ip: 203.0.113.10 -> 203.0.113.20" in edited.stderr
    assert cli("customers", "edit", "ACME", "--alias", "ACM2", "--name", "Acme Two").code == 0
    assert _show(cli, "ACM2")["servers"][0]["ip"] == "203.0.113.20"  # servers follow the alias

    refused = cli("customers", "remove", "ACM2")
    assert refused.code == 2 and "--yes" in refused.stderr
    assert cli("customers", "remove", "ACM2", "--yes").code == 0
    missing = cli("customers", "show", "ACM2")
    assert missing.code == 4 and "no customer 'ACM2'" in missing.stderr


def test_bad_input_is_one_line_naming_the_flag(cli):
    bad_ip = cli(
        "customers", "add", "ACME", "--name", "Acme", "--server", "X1", "--ip", "300.1.1.1"
    )
    assert bad_ip.code == 3
    assert bad_ip.stderr.startswith("ctlsupport: error: --ip: '300.1.1.1' is not")
    no_name = cli("customers", "add", "ACME")
    assert no_name.code == 3 and "missing required input: --name" in no_name.stderr
    assert cli("customers", "add", "TOOLONGALIAS", "--name", "x").code == 3
    assert cli(*ACME).code == 0
    twice = cli(*ACME)
    assert twice.code == 3 and "already in the directory" in twice.stderr
    assert "Traceback" not in twice.stderr


def test_export_then_import_round_trips_in_both_formats(cli, tmp_path):
    assert cli(*ACME).code == 0
    assert cli("customers", "add", "GLBX", "--name", "Globex").code == 0
    for fmt in ("csv", "toml"):
        path = tmp_path / f"team.{fmt}"
        assert cli("customers", "export", "--output", str(path)).code == 0
        before = cli("--json", "customers", "list").json()["data"]["customers"]
        assert cli("customers", "remove", "ACME", "--yes").code == 0
        assert cli("customers", "remove", "GLBX", "--yes").code == 0
        imported = cli("--json", "customers", "import", str(path))
        assert imported.code == 0, imported.stderr
        assert imported.json()["data"]["customers_added"] == ["ACME", "GLBX"]
        after = cli("--json", "customers", "list").json()["data"]["customers"]
        strip = lambda rows: [(r["alias"], r["name"], r["servers"]) for r in rows]  # noqa: E731
        assert strip(after) == strip(before)


def test_bad_rows_are_named_by_line_and_nothing_is_imported(cli, tmp_path):
    path = tmp_path / "team.csv"
    path.write_text(
        "alias,name,server,ip,datacenter\n"
        "ACME,Acme Corp,VA1ACMEWEB01,203.0.113.10,VA1\n"
        "GLBX,Globex,UC1GLBXDB01,999.1.1.1,UC1\n"
        '"INIT","Initech\nLtd",,,\n'
        "TOOLONGX,Too long,,,\n"
        "ACME,Acme Other,,,\n"
    )
    result = cli("customers", "import", str(path))
    assert result.code == 3
    message = result.stderr
    assert "nothing imported" in message
    assert "line 3: '999.1.1.1' is not an IPv4 or IPv6 address" in message
    assert "line 4:" in message  # a name over two lines
    assert "line 6: account alias" in message  # the quoted cell moved the count on
    assert "line 7: ACME is named 'Acme Other' here but 'Acme Corp' on line 2" in message
    assert cli("--json", "customers", "list").json()["data"]["customers"] == []


def test_toml_bad_rows_named_by_line(cli, tmp_path):
    path = tmp_path / "team.toml"
    path.write_text(
        '[[customers]]\nalias = "ACME"\nname = "Acme Corp"\n\n'
        '[[customers.servers]]\nname = "VA1ACMEWEB01"\nip = "203.0.113.10"\ndatacenter = "VA1"\n\n'
        '[[customers.servers]]\nname = "VA1ACMEWEB02"\nip = "203.0.113.11"\ndatacenter = "XX9"\n'
    )
    result = cli("customers", "import", str(path))
    assert result.code == 3
    assert "line 11: unknown data center 'XX9'" in result.stderr
    assert cli("--json", "customers", "list").json()["data"]["customers"] == []


def test_a_changed_ip_in_a_file_is_not_taken_without_update(cli, tmp_path):
    assert cli(*ACME).code == 0
    path = tmp_path / "team.csv"
    path.write_text(
        "alias,name,server,ip,datacenter\n"
        "GLBX,Globex,,,\n"
        "ACME,Acme Corp,VA1ACMEWEB01,203.0.113.99,VA1\n"
    )
    refused = cli("customers", "import", str(path))
    assert refused.code == 3
    assert "line 3: ACME VA1ACMEWEB01: ip 203.0.113.10 in the directory, 203.0.113.99 now" in (
        refused.stderr
    )
    assert "--update" in refused.stderr
    assert _show(cli, "ACME")["servers"][0]["ip"] == "203.0.113.10"
    assert cli("customers", "show", "GLBX").code == 4  # nothing half imported

    taken = cli("--json", "customers", "import", str(path), "--update")
    assert taken.code == 0
    assert taken.json()["data"]["changed"] == [
        "line 3: ACME VA1ACMEWEB01: ip 203.0.113.10 in the directory, 203.0.113.99 now"
    ]
    assert _show(cli, "ACME")["servers"][0]["ip"] == "203.0.113.99"


def test_a_blank_in_a_file_keeps_the_directory_value(cli, tmp_path):
    assert cli(*ACME).code == 0
    path = tmp_path / "team.csv"
    path.write_text("alias,name,server\nACME,Acme Corp,VA1ACMEWEB01\n")
    assert cli("customers", "import", str(path)).code == 0
    assert _show(cli, "ACME")["servers"][0]["ip"] == "203.0.113.10"


def test_every_ticket_opened_is_remembered_and_never_overwrites(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    opened = cli("--sandbox", "--no-input", "open", *FULL_FLAGS, stdin="HTTP 503\n")
    assert opened.code == 0, opened.stderr
    shown = _show(cli, "ACME")
    assert shown["name"] == "Acme Corp"
    assert shown["servers"] == [{"name": "VA1ACMEWEB01", "ip": "64.15.183.10", "datacenter": "VA1"}]

    flags = [*FULL_FLAGS]
    flags[flags.index("64.15.183.10")] = "64.15.183.77"
    again = cli("--sandbox", "--no-input", "open", *flags, "--no-duplicate-check", stdin="x\n")
    assert again.code == 0, again.stderr
    assert _show(cli, "ACME")["servers"][0]["ip"] == "64.15.183.10"  # a ticket never overwrites
