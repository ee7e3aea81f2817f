"""What the action tests share: a session on the embedded desk whose questions go to a
scripted asker."""

from __future__ import annotations

import pytest
from asker import AskingSession, ScriptedAsker

from ctlsupport.actions.asker import NoAsker
from ctlsupport.actions.session import QuietNotes, Session


@pytest.fixture
def session_with(monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    made: list[Session] = []

    def make(answers=()):
        ask = ScriptedAsker(answers) if answers is not None else NoAsker()
        session = AskingSession(ask, notes=QuietNotes())
        made.append(session)
        return session, ask

    yield make
    for session in made:
        session.close()
