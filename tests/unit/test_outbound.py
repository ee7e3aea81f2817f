"""The outbound gate: what may leave for the desk."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctlsupport.core.outbound import Gate, gate
from ctlsupport.core.redact import MASK
from ctlsupport.errors import InvalidInput
from ctlsupport.model import TicketDraft
from ctlsupport.secret import Secret


@pytest.fixture(autouse=True)
def _no_secrets_of_other_tests():
    """The process-wide scrubber starts empty here (other tests' PINs are not ours)."""
    from ctlsupport.secret import SCRUBBER

    saved = set(SCRUBBER._values)
    SCRUBBER._values = set()
    yield
    SCRUBBER._values = saved


TEXT = "Authorization: Bearer abcdefghijklmnop1234\npassword=hunter2\nPIN 4711 refused\n"


def test_text_is_redacted_and_known_secrets_masked():
    out = gate(TEXT, [Secret("4711")])
    for secret in ("abcdefghijklmnop1234", "hunter2", "4711"):
        assert secret not in out
    assert out.count(MASK) == 3


def test_no_redact_keeps_the_text_but_not_the_known_secrets():
    out = gate(TEXT, ["4711"], redact=False)
    assert "hunter2" in out and "abcdefghijklmnop1234" in out
    assert "4711" not in out


def test_ticket_fields_pass_the_gate():
    draft = TicketDraft(subject="token abcdefghijklmnop1234", description=TEXT, steps="pwd=x1")
    Gate(["4711"]).ticket(draft)
    assert "abcdefghijklmnop1234" not in draft.subject
    assert "hunter2" not in draft.description and "4711" not in draft.description
    assert "x1" not in draft.steps


def test_files_are_copied_through_the_gate_privately(tmp_path):
    text = tmp_path / "app.log"
    text.write_text(TEXT)
    binary = tmp_path / "core.bin"
    binary.write_bytes(b"\x00\x01password=hunter2")
    copies = [Path(p) for p in Gate(["4711"]).files([str(text), str(binary)])]
    assert [p.name for p in copies] == ["app.log", "core.bin"]
    assert "hunter2" not in copies[0].read_text() and "4711" not in copies[0].read_text()
    assert copies[1].read_bytes() == binary.read_bytes()  # binary: byte for byte
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in copies)
    target = gate(text, ["4711"], target=tmp_path / "out.log")
    assert "hunter2" not in Path(target).read_text()


def test_an_unreadable_file_is_one_clear_error(tmp_path):
    with pytest.raises(InvalidInput, match="cannot read"):
        Gate().files([str(tmp_path / "missing.log")])
