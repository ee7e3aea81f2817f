"""The template and directory questions of `open`, keys queued into prompt_toolkit."""

from __future__ import annotations

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from ctlsupport.cli import open_template
from ctlsupport.cli.prompts import Prompter
from ctlsupport.core import compose, templates
from ctlsupport.errors import InvalidInput, MissingFields, UsageError

DOWN, ENTER, TAB, SPACE = "\x1b[B", "\r", "\t", " "


@pytest.fixture
def directory(cli):
    for args in (
        ["ACME", "--name", "Acme Corp", "--server", "VA1ACMEWEB01", "--ip", "203.0.113.10",
         "--datacenter", "VA1"],
        ["UMBR", "--name", "Umbrella Corporation", "--server", "UC1UMBRAPP01"],
        ["GLBX", "--name", "Globex"],
    ):  # fmt: skip
        assert cli("customers", "add", *args).code == 0
    assert cli("customers", "edit", "ACME", "--server", "VA1ACMEDB01", "--ip", "203.0.113.11",
               "--datacenter", "VA1").code == 0  # fmt: skip


def run(keys: str, ask, *args):
    """Call `ask(prompter, *args)` with `keys` typed; a Tab waits a moment first, as a
    person would (completions are computed in the background)."""
    import threading
    import time

    with create_pipe_input() as typed:

        def type_keys() -> None:
            for index, chunk in enumerate(keys.split(TAB)):
                if index:
                    time.sleep(0.5)
                    typed.send_text(TAB)
                    time.sleep(0.2)
                typed.send_text(chunk)

        threading.Thread(target=type_keys, daemon=True).start()
        with create_app_session(input=typed, output=DummyOutput()):
            return ask(Prompter(), *args)


@pytest.mark.parametrize(
    ("keys", "alias"),
    [
        ("acm" + TAB + ENTER, "ACME"),  # Tab takes the best fuzzy match
        ("umbrela" + TAB + ENTER, "UMBR"),  # a typo
        ("acme corp" + ENTER, "ACME"),  # the full name
        ("glbx" + ENTER, "GLBX"),  # the alias, any case
        ("corporation" + ENTER + ENTER, "UMBR"),  # a guess is confirmed
    ],
)
def test_the_customer_is_found_by_fuzzy_search(directory, keys, alias):
    values = compose.Values()
    found = run(keys, open_template.pick_customer, values)
    assert found.alias == alias
    assert values.get("customer_alias") == alias and values.get("customer_name") == found.name


def test_a_new_customer_keeps_what_was_typed(directory):
    values = compose.Values()
    assert run("Initech" + ENTER, open_template.pick_customer, values) is None
    assert values.data == {"customer_name": "Initech"}
    assert run(ENTER, open_template.pick_customer, compose.Values()) is None


def test_a_chosen_server_fills_ip_and_data_center(directory):
    values = compose.Values()
    acme = run("ACME" + ENTER, open_template.pick_customer, values)
    run(DOWN + ENTER, open_template.pick_server, acme, values)
    assert values.get("server") in ("VA1ACMEDB01", "VA1ACMEWEB01")
    other = {"VA1ACMEDB01": "203.0.113.10", "VA1ACMEWEB01": "203.0.113.11"}
    assert values.get("ip") != other[values.get("server")]
    assert values.get("datacenter") == "VA1"
    fresh = compose.Values()
    run(DOWN + DOWN + ENTER, open_template.pick_server, acme, fresh)  # "another server"
    assert fresh.data == {}


def test_checklist_reasons_are_asked_for_high_only():
    template = templates.load("client-vpn")  # normal, four items
    values = compose.Values(data={"priority": "normal", "steps": ""})
    run(SPACE + DOWN + SPACE + ENTER, open_template.ask_checklist, template, values)
    steps = str(values.get("steps"))
    assert steps.startswith("Checked before opening this ticket:\n- Downloaded a fresh")
    assert "Not done:\n- Checked that the saved credentials" in steps

    values = compose.Values(data={"priority": "high", "steps": "Called the user."})
    keys = "a" + SPACE + ENTER + "customer's own laptop" + ENTER
    run(keys, open_template.ask_checklist, template, values)
    steps = str(values.get("steps"))
    assert "- Downloaded a fresh client configuration from the Control Portal (why: " in steps
    assert steps.endswith("Also:\nCalled the user.")


def test_questions_go_into_the_description():
    template = templates.load("server-down")
    values = compose.Values(data={"description": "It is down."})
    run("ping fails" + ENTER + "09:12" + ENTER + ENTER + ENTER, open_template.ask_questions,
        template, values)  # fmt: skip
    assert values.get("description") == (
        "It is down.\n\nWhat fails (ping, SSH/RDP, the service) and from where? ping fails\n"
        "Since when (UTC) does it not answer? 09:12"
    )


def test_a_changed_ip_is_asked_about_and_the_directory_updated(directory, cli):
    values = compose.Values(data={"customer_alias": "ACME", "customer_name": "Acme Corp",
                                  "server": "VA1ACMEWEB01", "ip": "203.0.113.99",
                                  "datacenter": "VA1"})  # fmt: skip
    notes = open_template.confirm_changes(None, values)  # no person: reported, not written
    assert notes == [
        "ACME VA1ACMEWEB01: ip 203.0.113.10 in the directory, 203.0.113.99 now; the directory "
        "keeps 203.0.113.10 (`ctlsupport customers edit ACME` changes it)"
    ]
    assert "203.0.113.10" in cli("customers", "show", "ACME").stdout
    run("n", open_template.confirm_changes, values)
    assert "203.0.113.10" in cli("customers", "show", "ACME").stdout
    run(ENTER, open_template.confirm_changes, values)  # yes is the default
    shown = cli("customers", "show", "ACME").stdout
    assert "203.0.113.99" in shown and "203.0.113.10" not in shown


def test_scripted_fills_from_the_directory_and_the_template(directory):
    values = compose.Values(data={"customer_alias": "ACME", "server": "VA1ACMEWEB01",
                                  "priority": None, "steps": ""})  # fmt: skip
    template = templates.load("server-down")  # high: every item needs a flag
    with pytest.raises(MissingFields, match="--checked reboot or --unchecked reboot=REASON"):
        open_template.scripted(template, values, ["status", "power", "ping", "firewall"], [])
    notes = open_template.scripted(
        template, values, ["status", "power", "ping", "firewall"], ["reboot=not allowed"]
    )
    assert values.get("customer_name") == "Acme Corp"
    assert values.get("ip") == "203.0.113.10" and values.get("datacenter") == "VA1"
    assert values.get("subject") == "ACME: VA1ACMEWEB01 down or unreachable"
    assert values.get("priority") == "high"
    assert "(why: not allowed)" in str(values.get("steps"))
    assert "template server-down: Server down or unreachable" in notes
    with pytest.raises(InvalidInput, match="no item 'nope'"):
        open_template.scripted(template, compose.Values(), ["nope"], [])
    with pytest.raises(UsageError, match="go with --template"):
        open_template.scripted(None, compose.Values(), ["ping"], [])
