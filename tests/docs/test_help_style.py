"""Help texts in one style, examples as written, and errors without internals."""

from __future__ import annotations

import itertools
import re

import pytest

from ctlsupport.cli.help_texts import HELP


@pytest.mark.parametrize("path", sorted(HELP), ids=lambda p: p or "ctlsupport")
def test_one_style_of_placeholder(path):
    text = HELP[path]
    assert not re.search(r"<(str|int|float|path|int range|float range)>", text), text
    words = text.replace("[required]", "")
    assert not re.search(r"\{[a-z_]+\}|\[[a-z_]+\]", words), text  # {request_id}, [item_id]
    assert not re.search(r"\b(INTEGER|FLOAT)\b", text), text


@pytest.mark.parametrize("path", sorted(HELP), ids=lambda p: p or "ctlsupport")
def test_examples_are_never_rewrapped_in_a_command(path):
    text = HELP[path]
    if "Examples:" not in text:
        return
    examples = text.split("Examples:", 1)[1]
    lines = examples.splitlines()
    for before, line in itertools.pairwise(lines):
        assert len(line) <= 80, line
        if line.startswith("      ") and line.strip():  # a continuation of a command
            assert before.endswith(" \\"), (before, line)


def test_errors_say_what_in_words(cli):
    bad_number = cli("open", "--error-lines", "abc")
    assert "is not a valid number" in bad_number.stderr and "int range" not in bad_number.stderr
    missing = cli("--sandbox", "show", "99999")
    assert missing.code == 4
    assert "request #99999 was not found at the desk" in missing.stderr
    assert "/api/" not in missing.stderr
