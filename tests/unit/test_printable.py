"""Desk text made safe for a terminal: escape sequences and control characters go,
everything else (any script, emoji, tabs, newlines) stays; linear in the input."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctlsupport.model import Comment, Request, printable


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b]0;owned\x07Disk full", "Disk full"),  # window title (OSC, BEL)
        ("\x1b]8;;https://evil\x1b\\link\x1b]8;;\x1b\\", "link"),  # hyperlink (OSC, ST)
        ("a\x1b[2J\x1b[Hb", "ab"),  # clear screen, cursor home (CSI)
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x9b2Jc1\x9d0;t\x9c", "c1"),  # 8-bit CSI and OSC
        ("\x1bPq#0;2;0;0;0\x1b\\sixel", "sixel"),  # DCS string
        ("bell\x07 nul\x00 del\x7f", "bell nul del"),
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),
        ("tab\there\nnext", "tab\there\nnext"),
        ("\u202eevil.exe", "evil.exe"),  # right-to-left override
        ("Grüße, 東京 ✓", "Grüße, 東京 ✓"),
        ("dangling \x1b", "dangling "),
        ("\x1b]0;no end\nthe rest stays", "\nthe rest stays"),
    ],
)
def test_sequences_and_controls_are_removed(raw, shown):
    assert printable(raw) == shown


BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@given(st.text())
def test_no_control_character_is_left_and_it_is_stable(text):
    import unicodedata

    shown = printable(text)
    assert all(unicodedata.category(c) != "Cc" or c in "\t\n" for c in shown)
    assert not BIDI & set(shown)
    assert printable(shown) == shown


@pytest.mark.parametrize("unit", ["\x1b[", "\x1b]", "\x1bP", "\x9b1;", "a\x1b"])
def test_adversarial_lines_take_linear_time(unit):
    started = time.perf_counter()
    printable(unit * 200_000)
    assert time.perf_counter() - started < 2


def test_model_objects_clean_themselves():
    request = Request(1, "\x1b]0;x\x07s", "open", None, None, "d\x1b[2J", "", "", "", "")
    comment = Comment(1, 2, "Agent\x1b[5m", "hi\x07", True, "")
    assert (request.subject, request.description) == ("s", "d")
    assert (comment.author_name, comment.body) == ("Agent", "hi")
