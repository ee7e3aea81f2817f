"""An escalation written for a person to send: the exact message as .eml, and a link."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from urllib.parse import parse_qs, unquote, urlsplit

from ctlsupport.core import handoff

BODY = "Escalation of ticket #1042: VA1 down\n\nWhy it needs escalation:\nno answer\n"


def test_the_eml_is_the_exact_new_message(tmp_path):
    made = handoff.write(tmp_path / "out", alias="support@partner.example",
                         to="escalation@ctl.io", subject="ESCALATION: Ticket - 1042",
                         body=BODY, name="escalation-1042")  # fmt: skip
    assert made.path == tmp_path / "out" / "escalation-1042.eml"
    assert made.path.stat().st_mode & 0o777 == 0o600
    message = BytesParser(policy=policy.default).parsebytes(made.path.read_bytes())
    assert message["From"].addresses[0].addr_spec == "support@partner.example"
    assert message["To"] == "escalation@ctl.io"
    assert message["Subject"] == "ESCALATION: Ticket - 1042"
    assert message["Message-ID"] and "In-Reply-To" not in message  # new, never a reply
    assert "Auto-Submitted" not in message and "Precedence" not in message
    assert message.get_content() == BODY
    assert "send it as it is, as a new message" in made.instructions()


def test_the_mailto_link_round_trips():
    link = handoff.mailto_link("escalation@ctl.io", "ESCALATION: Ticket - 1042", BODY)
    assert link is not None
    parts = urlsplit(link)
    assert parts.scheme == "mailto" and unquote(parts.path) == "escalation@ctl.io"
    query = parse_qs(parts.query)
    assert query["subject"] == ["ESCALATION: Ticket - 1042"] and query["body"] == [BODY]


def test_a_too_long_message_has_no_link(tmp_path):
    made = handoff.write(tmp_path, alias="a@p.example", to="escalation@ctl.io",
                         subject="s", body="x" * 5000, name="long")  # fmt: skip
    assert made.mailto is None and made.path.exists()
    assert "mailto" not in made.instructions()
