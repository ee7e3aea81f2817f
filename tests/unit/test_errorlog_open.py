"""`open` with long error output: the last --error-lines lines in the body, the whole
output attached gzip-compressed and redacted; short output stays as it was."""

from __future__ import annotations

import gzip
import json

from ticketdata import FULL_FLAGS

PIN = "4711"


def test_long_output_is_tailed_and_attached_whole(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("CTLSUPPORT_PIN", PIN)
    log = "".join(f"step {n}\n" for n in range(5000)) + "token=s3cr3t-value-here\nfailed\n"
    result = cli("--sandbox", "--no-input", "--json", "open", *FULL_FLAGS, "--error-lines", "3",
                 stdin=log)  # fmt: skip
    assert result.code == 0, result.stderr
    data = result.json()["data"]
    assert data["uploaded"] == ["error-output.log.gz"]
    from ctlsupport.config import paths
    from ctlsupport.sandbox import SandboxState

    desk = SandboxState(paths.sandbox_dir() / "sandbox.sqlite3")
    body = desk.get_request(data["id"])["description"]
    assert "[... 4999 earlier lines omitted; the whole output is attached as" in body
    assert "step 4999\ntoken=[REDACTED]\nfailed" in body
    assert "step 4998" not in body
    uploads = sorted((paths.sandbox_dir() / "uploads").iterdir())
    whole = gzip.decompress(uploads[-1].read_bytes()).decode()
    assert whole.count("\n") == 5002 and "s3cr3t" not in whole


def test_short_output_attaches_nothing(cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_PIN", PIN)
    result = cli("--sandbox", "--no-input", "--json", "open", "--via", "api", *FULL_FLAGS,
                 "--dry-run", stdin="kernel: I/O error\n")  # fmt: skip
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["data"]["uploads"] == []


def test_error_lines_must_be_positive(cli):
    result = cli("--no-input", "open", "--error-lines", "0")
    assert result.code == 2
    assert "--error-lines" in result.stderr
