"""Reliability run: N tickets from P parallel processes against a desk with faults.

    python bench/reliability.py --tickets 500 --processes 8 --faults 0.3

The sandbox desk injects every kind of fault (429, 500, 503, slow answers past the
client's timeout, connection resets, requests committed whose answer is dropped,
requests committed only after the client gave up on them, and uploads slower than a
sender's outbox lease) at the given total rate. Every ticket carries an attachment.
Every ticket is submitted with `ctlsupport open`; whatever is left queued is then sent
with `ctlsupport outbox send` until the outbox is empty. Afterwards the desk must hold
exactly N requests, each once, each with every field and its attachment.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ctlsupport.sandbox import SandboxConfig, SandboxServer  # noqa: E402
from ctlsupport.sandbox.faults import spread  # noqa: E402

PIN = "4711"
FIELDS = [
    "--customer-name", "Acme Corp", "--customer-alias", "ACME", "--datacenter", "VA1",
    "--server", "VA1ACMEWEB01", "--ip", "64.15.183.10", "--portal-username", "jdoe",
    "--full-name", "Jo Doe", "--description", "Reliability run", "--steps", "None",
    "--priority", "low",
]  # fmt: skip
MUST_CONTAIN = [
    "Customer name: Acme Corp", "Account alias: ACME", "Data center: VA1",
    "Server(s) affected: VA1ACMEWEB01", "External IP: 64.15.183.10",
    "Control Portal username: jdoe", f"User PIN: {PIN}", "Reliability run", "Jo Doe",
]  # fmt: skip


def ctlsupport(env: dict[str, str], *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ctlsupport", *args],
        input=stdin, capture_output=True, env=env, timeout=600,
    )  # fmt: skip


def run(tickets: int, processes: int, faults: float, seed: int, work: Path | None = None) -> dict:
    work = work or Path(tempfile.mkdtemp(prefix="ctlsupport-reliability-"))
    config = SandboxConfig(
        data_dir=work / "desk",
        fault_rates=spread(faults),
        slow_seconds=3.0,  # past the client's 2 s timeout: `slow` answers, `late` commits
        slow_upload_seconds=1.5,  # longer than the 1 s lease, within the timeout
        fault_seed=seed,
        rate_limit_per_minute=100000,
    )
    server = SandboxServer(config).start()
    env = {
        **os.environ,
        "CTLSUPPORT_HOME": str(work / "home"),
        "CTLSUPPORT_TOKEN": "sandbox-token",
        "CTLSUPPORT_PIN": PIN,
        "CTLSUPPORT_HTTP_TIMEOUT": "2",
        "CTLSUPPORT_OUTBOX_LEASE": "1",
        "CTLSUPPORT_NO_INPUT": "1",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    setup = ctlsupport(env, "setup", "--desk-url", server.url,
                       "--alias", "support@partner.example", "--auth", "token")  # fmt: skip
    assert setup.returncode == 0, setup.stderr.decode()

    started = time.monotonic()
    logs = work / "logs"
    logs.mkdir(exist_ok=True)

    def submit(number: int) -> int:
        log = logs / f"app-{number:05d}.log"
        log.write_text(f"trace of ticket {number}\n" * 20)
        result = ctlsupport(
            env, "--json", "open", "--subject", f"REL-{number:05d}", *FIELDS,
            "--attach", str(log), stdin=f"error output of ticket {number}\n".encode(),
        )  # fmt: skip
        return result.returncode

    with ThreadPoolExecutor(processes) as pool:
        codes = Counter(pool.map(submit, range(tickets)))
    first_pass = time.monotonic() - started

    rounds = 0
    while True:
        rounds += 1
        ctlsupport(env, "--json", "outbox", "send")
        left = json.loads(ctlsupport(env, "--json", "outbox", "list").stdout)["data"]["items"]
        if not left or rounds >= 50:
            break
    elapsed = time.monotonic() - started
    server.stop()
    dice = server._httpd.app.dice.counts  # what the desk actually injected

    desk = sqlite3.connect(config.db_path)
    rows = desk.execute(
        "SELECT r.subject, c.body FROM requests r JOIN comments c ON c.request_id = r.id "
        "WHERE c.id = (SELECT MIN(id) FROM comments WHERE request_id = r.id)"
    ).fetchall()
    subjects = Counter(subject for subject, _ in rows)
    expected = {f"REL-{n:05d}" for n in range(tickets)}
    incomplete = [s for s, body in rows if not all(text in body for text in MUST_CONTAIN)]
    unattached = desk.execute(
        "SELECT COUNT(*) FROM requests r WHERE NOT EXISTS "
        "(SELECT 1 FROM attachments a JOIN comments c ON a.comment_id = c.id "
        "WHERE c.request_id = r.id)"
    ).fetchone()[0]
    local = sqlite3.connect(work / "home" / "data" / "ctlsupport.sqlite3")
    outbox = local.execute(
        "SELECT COUNT(*), SUM(attempts > 1), SUM(adopted), SUM(state = 'sent') FROM outbox"
    ).fetchone()
    return {
        "tickets": tickets,
        "processes": processes,
        "fault_rate": faults,
        "faults_injected": dict(dice),
        "open_exit_codes": dict(codes),
        "outbox_send_rounds": rounds,
        "requests_at_desk": len(rows),
        "sent": outbox[3] or 0,
        "retried": outbox[1] or 0,
        "adopted": outbox[2] or 0,
        "duplicates": sum(count - 1 for count in subjects.values() if count > 1),
        "lost": len(expected - set(subjects)),
        "incomplete": len(incomplete),
        "without_attachment": unattached,
        "first_pass_seconds": round(first_pass, 1),
        "total_seconds": round(elapsed, 1),
        "work_dir": str(work),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--faults", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    report = run(args.tickets, args.processes, args.faults, args.seed)
    print(json.dumps(report, indent=2))
    ok = not (report["duplicates"] or report["lost"] or report["incomplete"])
    ok = ok and not report["without_attachment"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
