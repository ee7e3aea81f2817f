"""Uploads stream from disk and report their progress to a callback."""

from __future__ import annotations

from ctlsupport.secret import Secret
from ctlsupport.transport.http import Credentials, DeskSession
from ctlsupport.transport.zendesk import DeskClient

# The sandbox's seeded end user (docs/sandbox.md).
SANDBOX_EMAIL = "support@partner.example"
SANDBOX_TOKEN = "sandbox-token"


def _client(sandbox) -> DeskClient:
    return DeskClient(
        DeskSession(sandbox.url, Credentials(SANDBOX_EMAIL, "token", Secret(SANDBOX_TOKEN)))
    )


def test_progress_reaches_the_file_size(sandbox, tmp_path):
    path = tmp_path / "trace.bin"
    path.write_bytes(bytes(range(256)) * 8192)  # 2 MB
    seen: list[tuple[int, int]] = []
    token = _client(sandbox).upload(path, progress=lambda sent, total: seen.append((sent, total)))
    assert token
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)
    assert len(seen) > 1 and [s for s, _ in seen] == sorted(s for s, _ in seen)


def test_the_client_wide_callback_names_the_file(sandbox, tmp_path):
    path = tmp_path / "screenshot.png"
    path.write_bytes(b"\x89PNG" + b"x" * 100000)
    client = _client(sandbox)
    seen: list[tuple[str, int, int]] = []
    client.on_upload_progress = lambda name, sent, total: seen.append((name, sent, total))
    client.upload(path)
    assert seen[-1] == ("screenshot.png", path.stat().st_size, path.stat().st_size)


def test_the_bar_draws_nothing_when_not_a_terminal(capsys):
    from ctlsupport.cli.upload_progress import DeskProgress

    with DeskProgress() as bar:  # stderr is captured: not a terminal
        bar("a.log", 10, 100)
        bar("a.log", 100, 100)
    assert capsys.readouterr() == ("", "")
