"""Start-up and TAB-completion times, side by side with a bare interpreter.

    python bench/startup_bench.py [--runs 30]

Seeds a history of 5,000 tickets and a directory of 500 customers with 2,000 servers
in a temporary CTLSUPPORT_HOME, then runs each
command --runs times, interleaved, and reports the median wall time, its ratio to
`python -c pass`, and the peak memory of one run (`/usr/bin/time -v`).
Targets: TAB <= 2.5x, --version <= 3x, --help <= 6x; every command's own --help and
the local-only commands (list --offline, drafts list, outbox list, config show) <= 4x.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TICKETS = 5000
CUSTOMERS = 500
TARGETS = {"TAB: ticket ids": 2.5, "TAB: servers": 2.5, "--version": 3.0, "--help": 6.0}
LIGHT_TARGET = 4.0  # every command's --help, and the commands that read only local files


def seed(home: Path) -> None:
    os.environ["CTLSUPPORT_HOME"] = str(home)
    from ctlsupport.config import settings

    settings.save(settings.Settings(profiles={"default": settings.Profile(name="default")}))
    from ctlsupport.model import Request
    from ctlsupport.store import db
    from ctlsupport.store.history import History

    History(db.connect()).record_seen(
        "default",
        [
            Request(
                id=10000 + n, subject=f"Customer {n % 97} server down", status="open",
                priority="normal", type="incident", description="",
                created_at="2024-01-01T00:00:00Z",
                updated_at=f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T00:00:00Z",
                url="", web_url="",
            )
            for n in range(TICKETS)
        ],
    )  # fmt: skip
    from ctlsupport.store.customers import Customer, Directory, Server

    Directory(db.connect()).batch(
        Customer(f"C{n:03d}", f"Customer {n}", [
            Server(f"VA1C{n:03d}WEB{k:02d}", f"203.0.{n % 250}.{k + 1}", "VA1") for k in range(4)
        ])
        for n in range(CUSTOMERS)
    )  # fmt: skip


def commands(exe: str) -> dict[str, tuple[list[str], dict[str, str]]]:
    from ctlsupport.cli.completion.table import COMMANDS

    tab = {"_CTLSUPPORT_COMPLETE": "complete_bash", "COMP_WORDS": "ctlsupport show 1",
           "COMP_CWORD": "2"}  # fmt: skip
    servers = {"_CTLSUPPORT_COMPLETE": "complete_bash",
               "COMP_WORDS": "ctlsupport open --customer-alias C042 --server VA1",
               "COMP_CWORD": "5"}  # fmt: skip
    table = {
        "python -c pass": ([sys.executable, "-c", "pass"], {}),
        "TAB: ticket ids": ([exe], tab),
        "TAB: servers": ([exe], servers),
        "--version": ([exe, "--version"], {}),
        "--help": ([exe, "--help"], {}),
        "list --offline": ([exe, "list", "--offline"], {}),
        "drafts list": ([exe, "drafts", "list"], {}),
        "outbox list": ([exe, "outbox", "list"], {}),
        "config show": ([exe, "config", "show"], {}),
    }
    for path in COMMANDS:
        if path:
            table[f"{path} --help"] = ([exe, *path.split(), "--help"], {})
    for name in table:
        if name.endswith(" --help") or name in ("list --offline", "drafts list",
                                                "outbox list", "config show"):  # fmt: skip
            TARGETS[name] = LIGHT_TARGET
    return table


def _env(extra: dict[str, str]) -> dict[str, str]:
    """The environment of a measured run: bytecode is written and read, as in an
    installed copy (pip compiles it), whatever this shell says."""
    env = {**os.environ, **extra}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def wall(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=_env(env), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)  # fmt: skip
    return time.perf_counter() - started


def peak_kb(argv: list[str], env: dict[str, str]) -> int:
    result = subprocess.run(["/usr/bin/time", "-v", *argv], env=_env(env),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            check=False)  # fmt: skip
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    return int(match[1]) if match else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    exe = shutil.which("ctlsupport", path=str(Path(sys.executable).parent))
    if exe is None:
        sys.exit("no ctlsupport console script next to this interpreter: pip install -e .")
    with tempfile.TemporaryDirectory() as home:
        seed(Path(home))
        table = commands(exe)
        for argv, env in table.values():  # warm the OS caches and .pyc files
            wall(argv, env)
        times: dict[str, list[float]] = {name: [] for name in table}
        for _ in range(args.runs):
            for name, (argv, env) in table.items():
                times[name].append(wall(argv, env))
        has_time = Path("/usr/bin/time").exists()
        base = statistics.median(times["python -c pass"])
        print(f"{'command':<32} {'median ms':>10} {'ratio':>7} {'target':>7} {'peak MB':>8}")
        failed = False
        for name, (argv, env) in table.items():
            median = statistics.median(times[name])
            ratio = median / base
            target = TARGETS.get(name)
            peak = peak_kb(argv, env) / 1024 if has_time else float("nan")
            mark = "" if target is None else ("ok" if ratio <= target else "OVER")
            failed |= mark == "OVER"
            shown = f"{target:.1f}x" if target else "-"
            print(
                f"{name:<32} {median * 1000:>10.1f} {ratio:>6.2f}x {shown:>7} {peak:>8.1f} {mark}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
