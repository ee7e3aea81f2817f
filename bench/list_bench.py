"""`ctlsupport --json list --all` against a bare `requests` loop over the same pages.

    python bench/list_bench.py --requests 10000 --also 2000 --runs 3

Seeds the requests straight into a sandbox desk's own database (not through 10,000
HTTP calls), serves it on a loopback port, then, in one run and interleaved, times
`ctlsupport --json list --all` and a bare loop of `requests.get` over the same cursor
pages (100 per page), each as its own process under `/usr/bin/time -v` for the peak
memory. Target: the CLI takes at most 1.5 times as long as the bare loop, and its
peak memory stays flat as the number of requests grows.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EMAIL, TOKEN = "support@partner.example", "sandbox-token"
STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
PRIORITIES = ("urgent", "high", "normal", "low")
BODY = (
    "Customer name: Customer {n}\nAccount alias: C{alias}\nData center: VA1\n"
    "Server(s) affected: VA1C{alias}WEB01\n\nDescription\n{rule}\nSeeded request {n}.\n"
)

BARE_LOOP = """
import sys, requests
url, email, token = sys.argv[1:4]
session = requests.Session()
session.auth = (email + "/token", token)
params = {"page[size]": 100, "sort_by": "updated_at", "sort_order": "desc"}
page_url, count = url + "/api/v2/requests.json", 0
while True:
    page = session.get(page_url, params=params, timeout=60).json()
    count += len(page["requests"])
    if not page["meta"]["has_more"]:
        break
    page_url, params = page["links"]["next"], None
print(count)
"""


def seed(state, count: int, *, email: str = EMAIL, start: str = "2026-01-05T08:00:00Z") -> None:
    """`count` requests (with their first comment) written in one transaction."""
    from datetime import timedelta

    from ctlsupport.sandbox import db, users
    from ctlsupport.sandbox.clock import iso, parse_iso, utcnow
    from ctlsupport.sandbox.shapes import html_body

    base = parse_iso(start)
    now = iso(utcnow())  # solved just now: the 72-hour automation leaves them solved
    with state.writing() as conn:
        user = users.by_email(conn, email)
        requests_, comments = [], []
        for n in range(count):
            request_id = db.next_id(conn, "requests")
            comment_id = db.next_id(conn, "comments")
            stamp = iso(base + timedelta(minutes=n))
            body = BODY.format(n=n, alias=n % 997, rule="-" * 40)
            status = STATUSES[n % len(STATUSES)]
            requests_.append((
                request_id, f"C{n % 997}: seeded request {n}", body, status,
                PRIORITIES[n % 4], "incident", user["id"], user["organization_id"], stamp, stamp,
                now if status == "solved" else stamp if status == "closed" else None,
            ))  # fmt: skip
            comments.append((comment_id, request_id, user["id"], body, html_body(body), stamp))
        conn.executemany(
            """INSERT INTO requests (id, subject, description, status, priority, type,
                   requester_id, organization_id, via_channel, created_at, updated_at, solved_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'api', ?, ?, ?)""",
            requests_,
        )
        conn.executemany(
            """INSERT INTO comments (id, request_id, author_id, body, html_body, public,
                   created_at) VALUES (?, ?, ?, ?, ?, 1, ?)""",
            comments,
        )


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, peak resident KB (from /usr/bin/time -v) and stdout of one run."""
    started = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-v", *argv], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{argv[:4]} failed:\n{result.stderr[-2000:]}")
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    return elapsed, int(match[1]) if match else 0, result.stdout


def measure(count: int, runs: int) -> dict:
    """Seed a desk with `count` requests and time both clients `runs` times, interleaved."""
    import json

    from ctlsupport.sandbox import SandboxConfig, SandboxServer

    with tempfile.TemporaryDirectory(prefix="ctlsupport-list-bench-") as work:
        config = SandboxConfig(data_dir=Path(work) / "desk", rate_limit_per_minute=1_000_000)
        server = SandboxServer(config).start()
        try:
            seed(server.state, count)
            env = {
                **os.environ,
                "CTLSUPPORT_HOME": str(Path(work) / "home"),
                "CTLSUPPORT_TOKEN": TOKEN,
                "CTLSUPPORT_NO_INPUT": "1",
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            }
            exe = [sys.executable, "-m", "ctlsupport"]
            setup = subprocess.run(
                [*exe, "setup", "--desk-url", server.url, "--alias", EMAIL, "--auth", "token"],
                env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if setup.returncode != 0:
                raise SystemExit(f"setup failed: {setup.stderr}")
            cli = [*exe, "--json", "list", "--all", "--status", "all"]
            bare = [sys.executable, "-c", BARE_LOOP, server.url, EMAIL, TOKEN]
            times: dict[str, list[float]] = {"cli": [], "bare": []}
            peaks: dict[str, int] = {"cli": 0, "bare": 0}
            for _ in range(runs):
                for name, argv in (("bare", bare), ("cli", cli)):
                    seconds, peak, out = _timed(argv, env)
                    times[name].append(seconds)
                    peaks[name] = max(peaks[name], peak)
                    if name == "cli":
                        assert json.loads(out)["data"]["count"] == count
                    else:
                        assert int(out) == count
        finally:
            server.stop()
    cli_s, bare_s = statistics.median(times["cli"]), statistics.median(times["bare"])
    return {
        "requests": count,
        "cli_seconds": round(cli_s, 2),
        "bare_seconds": round(bare_s, 2),
        "ratio": round(cli_s / bare_s, 2),
        "cli_peak_mb": round(peaks["cli"] / 1024, 1),
        "bare_peak_mb": round(peaks["bare"] / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--also", type=int, default=2_000, help="a second, smaller size")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not Path("/usr/bin/time").exists():
        sys.exit("needs /usr/bin/time (GNU time) for the peak memory")
    print("| requests | ctlsupport --json list --all | bare requests loop | ratio | "
          "peak memory (ctlsupport) | peak memory (bare loop) |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    worst = 0.0
    for count in sorted({args.also, args.requests}):
        r = measure(count, args.runs)
        worst = max(worst, r["ratio"])
        print(
            f"| {count:,} | {r['cli_seconds']} s | {r['bare_seconds']} s | {r['ratio']}x | "
            f"{r['cli_peak_mb']} MB | {r['bare_peak_mb']} MB |",
            flush=True,
        )
    print(f"\nworst ratio {worst}x (target at most 1.5x)")
    return 0 if worst <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
