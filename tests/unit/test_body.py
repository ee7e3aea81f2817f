"""The ticket body and the desk payload built from a draft."""

from __future__ import annotations

from datetime import UTC, datetime

from ctlsupport.core import compose
from ctlsupport.core.tickets import build_payload, cc_list, render_body
from ctlsupport.model import TicketDraft
from ctlsupport.secret import Secret


def _draft(**changes) -> TicketDraft:
    draft = TicketDraft(
        subject="ACME: web down",
        priority="urgent",
        partner_ticket="P-1",
        customer_name="Acme Corp",
        customer_alias="ACME",
        datacenter="VA1",
        server="VA1ACMEWEB01",
        ip="8.8.4.4",
        portal_username="jdoe",
        pin=Secret("9876"),
        full_name="Jo Doe",
        description="Down since 09:00.",
        steps="Rebooted.",
        error_text="HTTP 503",
        cc=["a@x.example"],
    )
    for key, value in changes.items():
        setattr(draft, key, value)
    return draft


def test_body_carries_every_field_and_signature():
    now = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    body = render_body(_draft(), alias="support@partner.example", now=now)
    for line in (
        "Partner ticket number: P-1",
        "Customer name: Acme Corp",
        "Account alias: ACME",
        "Control Portal username: jdoe",
        "User PIN: 9876",
        "Data center: VA1",
        "Server(s) affected: VA1ACMEWEB01",
        "External IP: 8.8.4.4",
        "Priority: urgent",
        "Reported at: 2026-11-28 09:30 UTC",
        "Root/admin password: not provided (no login needed)",
        "Down since 09:00.",
        "Rebooted.",
        "HTTP 503",
    ):
        assert line in body
    assert body.rstrip().endswith("--\nJo Doe\nPartner support (support@partner.example)")


def test_mask_hides_pin_and_root_password():
    draft = _draft(login_required=True, root_password=Secret("hunter2"))
    masked = render_body(draft, mask=True)
    assert "9876" not in masked and "hunter2" not in masked
    assert "User PIN: ********" in masked
    real = render_body(draft)
    assert "Root/admin password (provider may log in): hunter2" in real


def test_payload_shape_and_ccs():
    draft = _draft(cc=["A@x.example", "rep@provider.example"])
    payload = build_payload(
        draft, body="b", upload_tokens=["tok"], account_rep="rep@provider.example"
    )
    request = payload["request"]
    assert request["type"] == "incident"
    assert request["comment"] == {"body": "b", "uploads": ["tok"]}
    assert request["email_ccs"] == [
        {"user_email": "rep@provider.example", "action": "put"},
        {"user_email": "a@x.example", "action": "put"},
    ]
    assert cc_list(_draft(cc=[]), "") == []


def test_tail_text_keeps_the_end_and_drops_nul():
    raw = b"".join(b"line %d\n" % n for n in range(10000)) + b"last\x00 one\n"
    text = compose.tail_text(raw, max_bytes=1000)
    assert text.startswith("[... ")
    assert text.endswith("last one\n")
    assert len(text.encode()) < 1100
    assert compose.tail_text(b"\xff\xfe bad utf8") == "\ufffd\ufffd bad utf8"
