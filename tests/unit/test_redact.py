"""Redaction of secrets from error text and text attachments."""

from __future__ import annotations

import base64

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctlsupport.core.redact import MASK, Redactor

KEY = """-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACDu0Tq3
-----END OPENSSH PRIVATE KEY-----
"""


@pytest.mark.parametrize(
    ("raw", "gone", "kept"),
    [
        ("db password=hunter2 port=5432", "hunter2", "port=5432"),
        ('{"api_key": "abc123def456"}', "abc123def456", '"api_key"'),
        ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz", "Authorization"),
        ("Cookie: session=0123456789abcdef", "0123456789abcdef", "Cookie"),
        ("curl -H 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig'", "eyJhbGciOiJIUzI1NiJ9", "curl"),
        ("key AKIAIOSFODNN7EXAMPLE used", "AKIAIOSFODNN7EXAMPLE", "used"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG", "wJalrXUtnFEMI", "aws_secret"),
        ("fetch https://admin:s3cret@10.0.0.5/x failed", "s3cret", "10.0.0.5/x failed"),
        ("token ghp_" + "a" * 36, "a" * 36, "token"),
    ],
)
def test_patterns(raw, gone, kept):
    redactor = Redactor()
    out = redactor.text(raw + "\n")
    assert gone not in out
    assert kept in out
    assert MASK in out
    assert redactor.found


def test_private_key_block_is_removed_whole():
    redactor = Redactor()
    out = redactor.text("before\n" + KEY + "after\n")
    assert out == f"before\n{MASK}\nafter\n"
    assert redactor.found["private key"] == 1


def test_own_secrets_and_pin_boundaries():
    redactor = Redactor(known=["4711", "pa55word"])
    out = redactor.text("pin 4711 but not 147112 and pa55word!\n")
    assert out == f"pin {MASK} but not 147112 and {MASK}!\n"
    assert redactor.summary() == "2 x your own secret"


def test_plain_log_is_untouched():
    log = "2026-11-28 09:12:01 ERROR upstream timed out (110: Connection timed out)\n"
    redactor = Redactor(known=["9999"])
    assert redactor.text(log) == log
    assert not redactor.found


SECRET = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*-_", min_size=4, max_size=16)


@given(st.text(), st.lists(SECRET.filter(lambda v: not v.isdigit()), max_size=3))
def test_never_fails_and_never_leaks_known_values(text, known):
    out = Redactor(known=known).text(text)
    assert isinstance(out, str)
    for value in known:
        assert value not in out


@given(st.text(), st.text(alphabet="0123456789", min_size=1, max_size=10))
def test_pin_never_survives_as_a_whole_number(text, pin):
    import re

    out = Redactor(known=[pin]).text(text)
    assert not re.search(rf"(?<!\d){pin}(?!\d)", out.replace("\r", "\n"))


# Units that made a pattern backtrack, repeated into lines of 20-25 KB, and base64 blobs.
ADVERSARIAL_UNITS = st.sampled_from(
    ["a-", "a.", "key", "token-", "a=", "pwd ", "://a:", "ghp_a", "xoxb--", "'", '"k', " ", "-"]
) | st.text(alphabet="aA0-_.=:'\" /@+", min_size=1, max_size=6)
BASE64_LINE = (
    st.binary(min_size=8_000, max_size=15_000)
    .flatmap(lambda raw: st.sampled_from([base64.b64encode(raw), base64.urlsafe_b64encode(raw)]))
    .map(bytes.decode)
)


@pytest.mark.timeout(120, method="thread")  # the old patterns: minutes; these: seconds
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.one_of(
        st.tuples(ADVERSARIAL_UNITS, st.integers(5_000, 40_000)).map(lambda t: t[0] * t[1]),
        BASE64_LINE,
    )
)
def test_long_adversarial_lines_take_linear_time_and_still_redact(filler):
    # The old patterns took half a minute on each such line; a regex cannot be
    # interrupted, so each call must end for the timeout to fire.
    filler = filler[:20_000]
    line = f"{filler} password=hunter2x Bearer abcdefghijklmnop {filler[-5_000:]}\n"
    out = Redactor().line(line)
    assert "hunter2x" not in out
    assert "abcdefghijklmnop" not in out


@pytest.mark.parametrize(
    "line",
    [
        "'a-' * 20_000 + ' key'",  # a word that may start a secret: the patterns look
        "__import__('base64').urlsafe_b64encode(__import__('random').Random(1)"
        ".randbytes(120_000)).decode()",
    ],
    ids=["40KB-of-a-dash", "160KB-of-base64"],
)
def test_the_lines_that_took_minutes_end_in_a_real_process(line):
    """The issue's two lines, each in a child process: a regex stuck in C cannot be
    interrupted by the test's own timeout, a process can (60 s: 100 times what they take)."""
    import subprocess
    import sys

    code = f"from ctlsupport.core.redact import Redactor; print(len(Redactor().line({line})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
