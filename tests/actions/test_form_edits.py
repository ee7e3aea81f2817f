"""The form of `open`: edits start from the current value and reach every field (the
business impact too); a doubtful IP is corrected on the spot."""

from __future__ import annotations

import pytest
from asker import AskingSession, ScriptedAsker
from test_actions import FORM

from ctlsupport.actions.open import OpenOptions, open_ticket
from ctlsupport.actions.open_checks import Options
from ctlsupport.actions.session import QuietNotes


class RecordingAsker(ScriptedAsker):
    """Also keeps the value each text question started from."""

    def __init__(self, answers) -> None:
        super().__init__(answers)
        self.started: dict[str, tuple[str, bool]] = {}

    def text(self, label, *, default="", check=None, help="", edit=False):
        self.started[label] = (default, edit)
        return super().text(label, default=default, check=check, help=help, edit=edit)

    def select(self, label, choices, default):
        if label == "Which field?":
            self.fields = [value for value, _ in choices]
        return super().select(label, choices, default)


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    sessions = []

    def start(answers, process: Options):
        ask = RecordingAsker(answers)
        session = AskingSession(ask, notes=QuietNotes())
        sessions.append(session)
        return open_ticket(OpenOptions(process=process), session, ask), ask

    yield start
    for session in sessions:
        session.close()


def _form(**changes):
    return [(key, changes.get(key, value)) for key, value in FORM[:-1]]


def test_edit_starts_from_the_current_value_and_reaches_the_impact(run):
    process = Options(impact="Shop is down", criterion=None, duplicate_check=False, suggest=False)
    answers = [
        *_form(Priority="high"),
        ("Submit this ticket?", "edit"),
        ("Which field?", "impact"),
        ("Business impact", "No orders since 09:12"),
        ("Submit this ticket?", "edit"),
        ("Which field?", "description"),
        ("Brief description", "Stopped answering at 09:12 UTC, still down."),
        ("Submit this ticket?", "submit"),
    ]
    done, ask = run(answers, process)
    assert "impact" in ask.fields
    assert ask.started["Business impact, in one line"] == ("Shop is down", True)
    assert ask.started["Brief description"] == (
        "The web server stopped answering at 09:12 UTC.",
        True,
    )
    _, rows = ask.previews[-1]
    assert rows["Business impact"] == "No orders since 09:12"
    assert rows["Description"] == "Stopped answering at 09:12 UTC, still down."
    assert done is not None


def test_a_private_ip_is_corrected_on_the_spot(run):
    process = Options(duplicate_check=False, suggest=False)
    answers = [
        *_form(**{"External IP": "10.0.0.5"}),
        ("Correct the address now?", True),
        ("External IP", "64.15.183.10"),
        ("Submit this ticket?", "submit"),
    ]
    done, ask = run(answers, process)
    assert ask.asked.index("Correct the address now?") < ask.asked.index("Control Portal username")
    assert ask.previews[-1][1]["External IP"] == "64.15.183.10"
    assert done is not None


def test_knowledge_base_comes_right_after_the_description_and_matches(run):
    answers = [
        *_form(
            Subject="ACME: cannot reset the Control Portal PIN",
            **{"Brief description": "The PIN reset fails with an error."},
        ),
        ("Open the ticket anyway?", True),
        ("Submit this ticket?", "submit"),
    ]
    done, ask = run(answers, Options(duplicate_check=False, suggest=None))
    assert done is not None
    offered = ask.asked.index("Open the ticket anyway?")
    assert ask.asked[offered - 1] == "Brief description"  # early, not at the preview
    assert any("How to reset your Control Portal PIN" in line for line in ask.said)


def test_an_article_sharing_one_word_is_not_offered(run):
    answers = [
        *_form(
            Subject="ACME: web server down",
            **{"Brief description": "It stopped answering at 09:12."},
        ),
        ("Submit this ticket?", "submit"),
    ]
    done, ask = run(answers, Options(duplicate_check=False, suggest=None))
    assert done is not None
    assert "Open the ticket anyway?" not in ask.asked
    assert not any("Server power operations" in line for line in ask.said)


def test_the_matrix_is_shown_once_in_short_and_whole_on_request(run):
    answers = [
        ("Priority", "?"),  # show me the whole matrix
        ("Priority", "normal"),
        *[a for a in _form() if a[0] != "Priority"],
        ("Submit this ticket?", "edit"),
        ("Which field?", "priority"),
        ("Priority", "low"),
        ("Submit this ticket?", "submit"),
    ]
    done, ask = run(answers, Options(duplicate_check=False, suggest=False))
    assert done is not None
    assert ask.matrices == ["professional", "professional (whole)"]
    assert ask.previews[-1][1]["Priority"] == "low"


def test_a_draft_keeps_the_whole_error_output_it_was_given(run, monkeypatch):
    import io

    from ctlsupport.config import paths
    from ctlsupport.errors import Interrupted

    log = "".join(f"line {n}: upstream timed out\n" for n in range(500)).encode()
    ask = RecordingAsker([("Subject", "ACME: web server down"), ("Priority", KeyboardInterrupt())])
    session = AskingSession(ask, notes=QuietNotes())
    options = OpenOptions(stdin=io.BytesIO(log), error_lines=20, process=Options(suggest=False))
    try:
        with pytest.raises(Interrupted) as stopped:
            open_ticket(options, session, ask)
    finally:
        session.close()
    number = stopped.value.message.rsplit(" ", 1)[1]
    kept = list((paths.data_dir() / "drafts").glob("*/error-output.log.gz"))
    assert len(kept) == 1  # beside the drafts, not in a folder gone with the run

    answers = [a for a in _form() if a[0] != "Subject"] + [("Submit this ticket?", "submit")]
    process = Options(duplicate_check=False, suggest=False)
    ask = RecordingAsker([a for a in answers if a[0] != "Error output"])
    session = AskingSession(ask, notes=QuietNotes())
    try:
        done = open_ticket(OpenOptions(resume=number, process=process), session, ask)
    finally:
        session.close()
    assert done is not None and done.data["uploaded"] == ["error-output.log.gz"]
    assert not list((paths.data_dir() / "drafts").glob("*/error-output.log.gz"))
