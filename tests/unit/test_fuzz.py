"""Arbitrary input never crashes a validator, the body renderer or the piped-input path."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctlsupport.core import compose
from ctlsupport.core.fields import FIELDS
from ctlsupport.core.tickets import render_body
from ctlsupport.core.validate import FieldInvalid
from ctlsupport.model import TicketDraft
from ctlsupport.secret import Secret

NASTY = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300
) | st.sampled_from(["\x00", "a\x00b", "\r\n\r", "\u202e evil", "x" * 100000, "🚑" * 50])


@given(NASTY)
def test_every_validator_returns_text_or_refuses_cleanly(value):
    for spec in FIELDS:
        if spec.kind == "paths":
            continue  # touches the file system: covered by its own tests
        try:
            result = spec.check(value)
        except FieldInvalid as exc:
            assert str(exc)
            continue
        assert isinstance(result, str)
        assert "\x00" not in result


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "subject",
                "description",
                "steps",
                "error_text",
                "customer_name",
                "server",
                "full_name",
            ]
        ),
        NASTY,
    )
)
def test_body_renderer_takes_anything(fields):
    draft = TicketDraft(pin=Secret("1"), **fields)
    body = render_body(draft, alias="a@b.example", mask=True)
    assert isinstance(body, str) and body.endswith("\n")
    for name, value in fields.items():
        if name != "subject":  # the subject is the request's, not the body's
            assert value.rstrip() in body


@given(st.binary(max_size=5000))
def test_tail_text_decodes_any_bytes(raw):
    text = compose.tail_text(raw)
    assert "\x00" not in text
    text.encode("utf-8")  # always valid UTF-8 again


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=3000) | st.sampled_from([b"\xff\xfe\x00bad", b"a" * 300000 + b"\n"]))
def test_piped_input_never_crashes_open(cli, monkeypatch, raw):
    from ticketdata import FULL_FLAGS

    monkeypatch.setenv("CTLSUPPORT_PIN", "1234")
    result = cli("--sandbox", "--no-input", "open", *FULL_FLAGS, "--dry-run", stdin=raw)
    assert result.code in (0, 3), result.stderr
    assert "Traceback" not in result.stderr
    if result.code == 3:
        first = result.stderr.splitlines()[0]
        assert first.startswith("ctlsupport: error: ") and "--error-file" in first
