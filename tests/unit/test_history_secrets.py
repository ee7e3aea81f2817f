"""The local history keeps what the desk keeps, with the known secrets masked."""

from __future__ import annotations

import json

import pytest

from ctlsupport.model import Request, TicketDraft
from ctlsupport.secret import SCRUBBER
from ctlsupport.store import db
from ctlsupport.store.history import History

PIN = "86413"


def _request(description: str, subject: str = "ACME: web down") -> Request:
    return Request(
        id=1042, subject=subject, status="new", priority="high", type="incident",
        description=description, created_at="2026-11-30T09:00:00Z",
        updated_at="2026-11-30T09:00:00Z", url="", web_url="",
    )  # fmt: skip


@pytest.fixture
def forgetful_scrubber():
    """The process-wide scrubber, emptied after the test (another run knows nothing)."""
    saved = set(SCRUBBER._values)
    yield SCRUBBER
    SCRUBBER._values = saved


def _stored(history: History) -> tuple[str, str]:
    row = history.known("default")[0]
    return row["subject"], json.loads(row["data"])["description"]


def test_a_pin_typed_into_the_description_is_not_kept(tmp_path, forgetful_scrubber):
    history = History(db.connect(tmp_path / "h.sqlite3"))
    forgetful_scrubber.add(PIN)  # `open` knows the PIN it sends
    body = f"User PIN: {PIN}\nThe customer says the PIN {PIN} no longer works.\n"
    history.record_submitted("default", _request(body, f"PIN {PIN} refused"), TicketDraft())
    subject, description = _stored(history)
    assert PIN not in description and PIN not in subject
    assert "no longer works" in description  # the rest is kept

    # A later run (`list`) that never read the PIN gets the same text from the desk.
    forgetful_scrubber._values = set()
    history.record_seen("default", [_request(body, "renamed at the desk")])
    subject, description = _stored(history)
    assert PIN not in description
    assert subject == "renamed at the desk"  # what can change at the desk is updated


def test_the_pin_line_is_masked_even_when_no_secret_is_known(tmp_path, forgetful_scrubber):
    forgetful_scrubber._values = set()
    history = History(db.connect(tmp_path / "h.sqlite3"))
    history.record_seen("default", [_request(f"Account alias: ACME\nUser PIN: {PIN}\n")])
    _subject, description = _stored(history)
    assert PIN not in description and "Account alias: ACME" in description


def test_only_free_text_is_scrubbed_and_a_pin_only_as_a_whole_number(forgetful_scrubber):
    from ctlsupport.secret import MASK, scrub_strings

    forgetful_scrubber._values = {"2026"}
    payload = {
        "description": "PIN 2026 refused; order 120267 fine",
        "attachments": ["/home/jo/outbox/2026-a/00/log-2026.txt"],
        "meta": {"reported_at": "2026-11-30T09:00:00Z"},
    }
    kept = scrub_strings(payload)
    assert kept["description"] == f"PIN {MASK} refused; order 120267 fine"
    assert kept["attachments"] == payload["attachments"]
    assert kept["meta"] == payload["meta"]
