"""`ctlsupport report` over a local history of 10,000 tickets, against the bare SQL query
that reads the same rows.

    python bench/report_bench.py --tickets 10000 --runs 15

Writes the tickets (with their first answers, restorations, escalations, customers,
engineers and data centers) into a fresh local database, then times, interleaved and in
one process: the bare query (the report's own SELECT, every row fetched), the report's
figures (the report action, offline: the same query, then every figure), and the figures
plus the JSON document `--json` prints. Target: the figures within 3 times the bare
query, by the median of the runs (the best run and the CPU time are printed beside it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROFILE = "bench"
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
TARGETS = {"urgent": 15, "high": 30, "normal": 60, "low": 60}


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def seed(conn, count: int, days: int = 90) -> None:
    """`count` tickets over `days` days, and an escalation request for one in twelve."""
    rng = random.Random(10_000)
    rows = []
    for n in range(count):
        created = NOW - timedelta(seconds=rng.uniform(600, days * 86400))
        prio = rng.choice(("urgent", "high", "normal", "normal", "normal", "low"))
        kind = "task" if rng.random() < 0.1 else "incident"
        reply = created + timedelta(minutes=rng.lognormvariate(0, 0.6) * TARGETS[prio] * 0.6)
        status = rng.choice(("closed",) * 8 + ("solved", "open", "pending", "hold"))
        restored = reply + timedelta(hours=rng.lognormvariate(0, 0.7) * 4)
        done = status in ("solved", "closed")
        subject = f"C{n % 97}: request {n}"
        if n % 12 == 11:
            subject, kind = f"ESCALATION: Ticket - {1000 + n - 1}", "incident"
        data = json.dumps({"id": 1000 + n, "subject": subject, "description": "x" * 600})
        last = restored if done else reply + timedelta(hours=rng.uniform(0, 30))
        rows.append((
            PROFILE, 1000 + n, subject, status, prio, kind, _stamp(created), _stamp(restored),
            f"C{n % 97}", f"Engineer {n % 9}", ("VA1", "UC1", "GB1", "DE1")[n % 4],
            _stamp(reply), _stamp(restored) if done else None, _stamp(last),
            int(rng.uniform(0, 7200)), _stamp(NOW), data,
        ))  # fmt: skip
    conn.execute("BEGIN")
    conn.executemany(
        """INSERT INTO requests (profile, id, subject, status, priority, type, created_at,
               updated_at, customer_alias, engineer, datacenter, first_reply_at, restored_at,
               last_answer_at, update_gap, seen_at, data)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        rows,
    )
    conn.execute("COMMIT")


def measure(count: int, runs: int) -> dict:
    from ctlsupport.actions.report import ReportOptions, report
    from ctlsupport.store import db
    from ctlsupport.store.report import REPORT_QUERY

    with tempfile.TemporaryDirectory(prefix="ctlsupport-report-bench-") as work:
        conn = db.connect(Path(work) / "ctlsupport.sqlite3")
        seed(conn, count)
        options = ReportOptions(since="365d", zone="Europe/Berlin", offline=True)
        start, end = _stamp(NOW - timedelta(days=365)), _stamp(NOW)

        def bare():
            cursor = conn.cursor()
            cursor.row_factory = None  # plain tuples, as the report reads them
            return len(cursor.execute(REPORT_QUERY, (PROFILE, start, end)).fetchall())

        def figures():
            return report(options, conn=conn, profile=PROFILE, tier="professional", now=NOW)

        def with_json():
            return len(json.dumps(figures().report.as_data()))

        times: dict[str, list[float]] = {"bare": [], "report": [], "report+json": []}
        cpu: dict[str, list[float]] = {name: [] for name in times}
        rows = bare()
        tickets = len(figures().report.tickets)
        for _ in range(runs):
            for name, work_fn in (("bare", bare), ("report", figures), ("report+json", with_json)):
                started, started_cpu = time.perf_counter(), time.process_time()
                work_fn()
                times[name].append(time.perf_counter() - started)
                cpu[name].append(time.process_time() - started_cpu)
        conn.close()
    best = {name: min(values) for name, values in times.items()}
    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
    return {"rows": rows, "tickets": tickets, "runs": runs, "best_seconds": best,
            "median_seconds": medians, "cpu_median_seconds": cpu_medians,
            "ratio": medians["report"] / medians["bare"],
            "ratio_best": best["report"] / best["bare"],
            "ratio_cpu": cpu_medians["report"] / cpu_medians["bare"],
            "ratio_with_json": medians["report+json"] / medians["bare"]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("CTLSUPPORT_HOME", tempfile.mkdtemp(prefix="ctlsupport-home-"))
    result = measure(args.tickets, args.runs)
    best, med, cpu = result["best_seconds"], result["median_seconds"], result["cpu_median_seconds"]
    print(f"{result['rows']} rows read, {result['tickets']} tickets in the report, "
          f"{result['runs']} interleaved runs (best, median, median CPU time):")  # fmt: skip
    for name, label in (("bare", "bare SQL query  "), ("report", "report (figures)"),
                        ("report+json", "report + JSON   ")):  # fmt: skip
        ratio = (
            ""
            if name == "bare"
            else f"  = {best[name] / best['bare']:.2f}x best, "
            + (f"{med[name] / med['bare']:.2f}x median, {cpu[name] / cpu['bare']:.2f}x CPU")
        )
        print(f"  {label} {best[name] * 1000:7.1f} ms {med[name] * 1000:7.1f} ms "
              f"{cpu[name] * 1000:7.1f} ms{ratio}")  # fmt: skip
    verdict = "within" if result["ratio"] <= 3 else "OVER"
    print(f"target: the report within 3x the bare query, by the median: {verdict}")
    sys.exit(0 if result["ratio"] <= 3 else 1)


if __name__ == "__main__":
    main()
