"""The template and directory questions of `open`, keys queued into prompt_toolkit."""

from __future__ import annotations

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from ctlsupport.actions import open_template
from ctlsupport.cli import open_template as terminal
from ctlsupport.cli.prompts import Prompter
from ctlsupport.core import compose, templates
from ctlsupport.errors import InvalidInput, MissingFields, UsageError

DOWN, ENTER, TAB, SPACE = "\x1b[B", "\r", "\t", " "


class TemplatePrompter(Prompter):
    """The terminal's prompts on a prompt_toolkit pipe, with the template flow's two
    kinds of question (as the terminal asker has them)."""

    def checkbox(self, label, choices):
        return terminal.checkbox(label, choices)

    def search(self, label, find):
        return terminal.search(label, find)


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
            return ask(TemplatePrompter(), *args)


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


def test_before_form_fills_a_repeat_ticket_from_template_and_directory(directory):
    """Template first, then the customer, the server, the questions and the checklist."""
    values = compose.Values(data={"datacenter": "UC1"})  # the profile's default data center
    down_to_server_down = DOWN * 6  # none, backup, client-vpn, ddos, latency, perf, server-down
    keys = (
        down_to_server_down + ENTER  # template
        + "acm" + TAB + ENTER  # customer
        + ENTER  # the most recently used server
        + "ping fails" + ENTER + ENTER + ENTER + ENTER  # questions: one answered
        + "a" + ENTER  # checklist: all done
    )  # fmt: skip
    template = run(keys, open_template.before_form, values, None)
    assert template.name == "server-down"
    data = values.data
    assert data["customer_alias"] == "ACME" and data["customer_name"] == "Acme Corp"
    assert data["datacenter"] == "VA1"  # the server's, not the profile's default
    assert data["subject"] == f"ACME: {data['server']} down or unreachable"
    assert data["priority"] == "high"
    assert data["description"].endswith("and from where? ping fails")
    assert data["steps"].startswith("Checked before opening this ticket:\n- Checked the status")
    assert data["checklist_open"] == []


def test_prefill_flags_without_a_person(directory):
    fields = {"customer_alias": "ACME", "server": "VA1ACMEWEB01", "description": "Since 09:12."}
    template = templates.load("client-vpn")  # normal: unexplained items are allowed
    notes = open_template.prefill_flags(fields, template, ["config"], [], asking=False)
    assert fields["ip"] == "203.0.113.10" and fields["customer_name"] == "Acme Corp"
    assert fields["priority"] == "normal"
    assert fields["description"].startswith("Users of Acme Corp cannot connect")
    assert fields["description"].endswith("\n\nSince 09:12.")
    assert [p["id"] for p in fields["checklist_open"]] == ["port", "password", "version"]
    assert "customer ACME: Acme Corp (from the directory)" in notes
    asking = {"customer_alias": "ACME", "server": "VA1ACMEWEB01"}
    assert open_template.prefill_flags(asking, None, None, None, asking=True) == []
    assert asking["datacenter"] == "VA1" and "subject" not in asking


def test_after_form_asks_late_reasons_and_keeps_the_rest_for_escalation(directory):
    from ctlsupport.model import TicketDraft

    pending = [{"id": "port", "text": "Confirmed UDP port 1194 is allowed"}]
    steps = (
        "Checked before opening this ticket:\n- x\nNot done:\n- Confirmed UDP port 1194 is allowed"
    )
    values = compose.Values(data={"checklist_open": pending, "customer_alias": "ACME",
                                  "server": "VA1ACMEWEB01", "ip": "203.0.113.10"})  # fmt: skip
    normal = TicketDraft(priority="normal", steps=steps)
    assert open_template.after_form(None, values, normal) == []
    assert normal.checklist_open == pending  # escalate asks later
    high = TicketDraft(priority="high", steps=steps)
    with pytest.raises(MissingFields, match="--unchecked port=REASON"):
        open_template.after_form(None, values, high)
    run("firewall is the customer's" + ENTER, open_template.after_form, values, high)
    assert high.steps.endswith(
        "- Confirmed UDP port 1194 is allowed (why: firewall is the customer's)"
    )
    assert high.checklist_open == []


def test_process_defaults_take_the_template_kind_and_criterion():
    from ctlsupport.actions.open_template import process_defaults

    class Options:
        kind, criterion = "incident", None

    options = Options()
    process_defaults(templates.load("ddos"), options)
    assert (options.kind, options.criterion) == ("security", "security incident")
    given = Options()
    given.kind, given.criterion = "task", "any new service request"
    process_defaults(templates.load("server-down"), given)
    assert (given.kind, given.criterion) == ("task", "any new service request")


def test_a_subject_given_skips_the_template_question(directory):
    values = compose.Values(data={"subject": "ACME: mail relay", "customer_alias": "ACME"})
    assert run(ENTER, open_template.before_form, values, None) is None  # the server only
    assert values.get("customer_name") == "Acme Corp"
    assert values.get("server") in ("VA1ACMEWEB01", "VA1ACMEDB01")
