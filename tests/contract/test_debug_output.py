"""--debug shows the HTTP exchange and tracebacks, never a secret."""

from __future__ import annotations

from ticketdata import FULL_FLAGS

PIN = "86420"
ROOT = "Tr0ub4dor&3"


def test_debug_shows_traffic_but_masks_secrets(run_process):
    result = run_process(
        "--sandbox", "--debug", "open", "--via", "api", *FULL_FLAGS, "--root-password-stdin",
        stdin=f"{ROOT}\nsegfault at 0x0\n".encode(), env={"CTLSUPPORT_PIN": PIN},
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert "debug: > POST http://127.0.0.1:" in result.stderr
    assert "debug: < 201 POST" in result.stderr
    for secret in (PIN, ROOT, "sandbox-token"):
        assert secret not in result.stdout + result.stderr


def test_debug_traceback_only_with_debug(run_process):
    plain = run_process("--sandbox", "show", "77777")
    assert plain.code == 4 and "Traceback" not in plain.stderr
    debug = run_process("--sandbox", "--debug", "show", "77777")
    assert debug.code == 4 and "Traceback (most recent call last)" in debug.stderr
