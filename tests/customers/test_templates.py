"""Problem templates: the packaged ones are valid, a team's own wins, a bad one is named."""

from __future__ import annotations

import pytest

from ctlsupport.config import paths
from ctlsupport.core import priority, templates

EXPECTED = {
    "server-down", "client-vpn", "site-to-site-vpn", "backup-restore", "network-latency",
    "platform-performance", "ddos", "service-task",
}  # fmt: skip


def test_every_packaged_template_is_valid_and_rests_on_the_matrix():
    found = {t.name: t for t in templates.load_all()}
    assert set(found) == EXPECTED
    for t in found.values():
        assert t.criterion in priority.CRITERIA[t.priority], t.name
        assert t.checklist and t.articles and t.subject and t.description
    assert found["service-task"].kind == "task"
    assert found["ddos"].kind == "security"


def test_fill_puts_in_known_values_and_keeps_the_rest_visible():
    t = templates.load("server-down")
    subject, description = t.fill({"customer_alias": "ACME", "server": "VA1ACMEWEB01", "ip": ""})
    assert subject == "ACME: VA1ACMEWEB01 down or unreachable"
    assert "VA1ACMEWEB01 ({ip}, data center {datacenter})" in description


def _team_file(name: str, text: str) -> None:
    folder = paths.config_dir() / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.toml").write_text(text)


GOOD = """
title = "Our own"
subject = "{customer_alias}: mail relay"
priority = "normal"
criterion = "a new service request that is time sensitive"
description = "Mail relay of {customer_name}."
[[articles]]
title = "Public IP addresses and firewall rules"
[[checklist]]
id = "smtp"
text = "Tried port 25 from outside"
"""


def test_a_team_template_adds_to_and_overrides_the_packaged_ones(cli):
    _team_file("mail-relay", GOOD)
    _team_file("server-down", GOOD.replace("Our own", "Our server down"))
    listed = cli("templates", "list")
    assert listed.code == 0
    assert "mail-relay\tnormal\tOur own" in listed.stdout
    assert "server-down\tnormal\tOur server down" in listed.stdout
    shown = cli("templates", "show", "mail-relay")
    assert "[ ] smtp: Tried port 25 from outside" in shown.stdout


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('priority = "normal"', 'priority = "high"'), "criterion must be one of the matrix's"),
        (("{customer_alias}", "{customer}"), "subject: unknown {customer}"),
        (('id = "smtp"', 'id = "Has Space"'), "checklist #1: id must be"),
        (('priority = "normal"', 'priority = "asap"'), "priority must be one of"),
    ],
)
def test_a_bad_team_template_is_named_with_its_problem(cli, change, problem):
    _team_file("mail-relay", GOOD.replace(*change))
    result = cli("templates", "show", "mail-relay")
    assert result.code == 8  # a configuration error
    assert "mail-relay.toml: invalid template:" in result.stderr
    assert problem in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_template_is_not_found(cli):
    result = cli("templates", "show", "nope")
    assert result.code == 4 and "no template 'nope'" in result.stderr
