"""`doctor` on a profile set up by email: no API sign-in needed, and a session with the
real SMTP server is tried."""

from __future__ import annotations

from mailhelp import ALIAS, SmtpServer


def _checks(result) -> dict[str, dict]:
    document = result.json()
    found = document["data"] if document["ok"] else document["error"]["details"]
    return {c["name"]: c for c in found["checks"]}


def test_an_email_profile_needs_no_sign_in_and_its_mail_server_is_tried(cli, monkeypatch):
    """Set up by email (as setup recommends): doctor passes with no API sign-in at all,
    after a session with the real SMTP server; without a server it fails on the route."""
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    with SmtpServer() as server:
        made = cli("--no-input", "setup", "--desk-url", "http://127.0.0.1:9", "--alias", ALIAS,
                   "--via", "email", "--smtp-host", "127.0.0.1", "--smtp-port",
                   str(server.port), "--smtp-security", "none")  # fmt: skip
        assert made.code == 0, made.stderr
        checks = _checks(cli("--json", "doctor"))
    assert checks["route"]["status"] == "ok" and checks["route"]["detail"].startswith("email")
    assert checks["sign-in method"]["status"] == "ok"
    assert checks.get("sign-in", {"status": "skip"})["status"] == "skip"
    assert cli("config", "set", "smtp_host", "").code == 0
    result = cli("--json", "doctor")
    route = _checks(result)["route"]
    assert route["status"] == "fail" and "--smtp-host" in route["detail"]
