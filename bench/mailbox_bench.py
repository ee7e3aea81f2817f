"""`sync` of a mailbox with many notifications: time and peak memory, then a second sync
with nothing new.

    python bench/mailbox_bench.py [--count 10000] [--imap]

The notifications are the sandbox desk's own (one real ticket's received and reply
notifications, with the number, encoded id and Message-ID varied), written into a
Maildir; with --imap that Maildir is served by a Dovecot started for the run and synced
over IMAP. Each `ctlsupport --json sync` runs as a child under `/usr/bin/time -v`, so
its peak memory (maximum resident set size) is its own. Targets: peak memory about the
same for 1,000 and 10,000 notifications (it streams); a second sync well under 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))

ALIAS = "support@partner.example"


def templates(work: Path) -> list[bytes]:
    """A received and a reply notification, as the sandbox desk mails them."""
    from ctlsupport.sandbox import SandboxState, notify

    state = SandboxState(work / "desk" / "sandbox.sqlite3")
    state.ensure_end_user(ALIAS, "Partner Support")
    from ctlsupport.sandbox import tickets

    user = state.user_by_email(ALIAS)
    payload = {"request": {"subject": "Disk full on VA1ACMEWEB01",
                           "comment": {"body": "The disk is full.\n" * 5}}}  # fmt: skip
    request, _ = tickets.create_request(state, user, payload)
    state.agent_reply(request["id"], "We freed 20 GB; please check.\n" * 3)
    box = notify.mailbox_path(state, ALIAS)
    return [p.read_bytes() for p in sorted((box / "new").iterdir(), key=lambda p: p.name)]


def write_maildir(box: Path, count: int, work: Path) -> None:
    """`count` notifications: half received, half replies, one ticket per pair."""
    import mailbox

    received, reply = templates(work)
    number = re.search(rb"request \((\d+)\)", received).group(1)
    code = re.search(rb"\[([0-9A-Z]{6}-[0-9A-Z]{4})\]", received).group(1)
    box.parent.mkdir(parents=True, exist_ok=True)
    target = mailbox.Maildir(box, create=True)
    for n in range(count):
        ticket = 100000 + n // 2
        raw = (received, reply)[n % 2]
        raw = raw.replace(number, str(ticket).encode())
        raw = raw.replace(code, f"{ticket:06d}-{ticket % 9973:04d}".encode())
        raw = re.sub(rb"_([0-9a-f]{12})_sprut", f"_{n:012x}_sprut".encode(), raw)
        target.add(raw)


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float, dict]:
    """(seconds, peak MB, JSON data) of one run under /usr/bin/time -v."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *argv], env=env, capture_output=True,
                          text=True, check=False)  # fmt: skip
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"sync failed: {proc.stdout}{proc.stderr[-2000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return seconds, int(peak.group(1)) / 1024, json.loads(proc.stdout)["data"]


def _bare() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def profile_lines(box: Path, dovecot=None) -> list[str]:
    lines = ['default_profile = "default"', "[profiles.default]", f'alias = "{ALIAS}"']
    if dovecot is None:
        return [*lines, f'maildir = "{box}"']
    return [*lines, 'imap_host = "127.0.0.1"', f'imap_port = "{dovecot.port}"',
            'imap_security = "none"']  # fmt: skip


def run(count: int, imap: bool) -> None:
    work = Path(tempfile.mkdtemp(prefix="ctlsupport-mailbench-"))
    dovecot = None
    try:
        home = work / "home"
        env = {**os.environ, "CTLSUPPORT_HOME": str(home), "NO_COLOR": "1",
               "CTLSUPPORT_IMAP_PASSWORD": "bench"}  # fmt: skip
        if imap:
            from dovecot import Dovecot, missing

            if missing():
                sys.exit(missing())
            dovecot = Dovecot({ALIAS: "bench"})
            box = dovecot.maildir(ALIAS)
        else:
            box = work / "Maildir"
        started = time.perf_counter()
        write_maildir(box, count, work)
        made = time.perf_counter() - started
        if dovecot is not None:
            subprocess.run(["chown", "-R", f"{dovecot.uid}:{dovecot.gid}", str(box)], check=True)
            dovecot.start()
        config = home / "config" / "config.toml"
        (home / "config").mkdir(parents=True)
        config.write_text("\n".join(profile_lines(box, dovecot)) + "\n")
        argv = [sys.executable, "-m", "ctlsupport", "--json", "sync"]
        first = measure(argv, env)
        second = sorted((measure(argv, env) for _ in range(3)), key=lambda r: r[0])[1]
        bare = sorted(_bare() for _ in range(3))[1]
        report(count, "IMAP (Dovecot)" if imap else "Maildir", made, first, second)
        print(f"  python -c pass: {bare:6.2f} s (the machine's start-up baseline)")
    finally:
        if dovecot is not None:
            dovecot.stop()
        shutil.rmtree(work, ignore_errors=True)


def report(count: int, kind: str, made: float, first, second) -> None:
    seconds, peak, data = first
    print(f"{count} notifications in a {kind} (written in {made:.1f} s)")
    print(f"  first sync:  {seconds:6.2f} s, peak {peak:5.1f} MB, read {data['read']}, "
          f"{data['new_tickets']} tickets, {data['agent_replies']} replies")  # fmt: skip
    seconds, peak, data = second
    inner = data["seconds"]
    print(f"  second sync: {seconds:6.2f} s (median of 3), peak {peak:5.1f} MB, "
          f"read {data['read']} (start-up included; the sync itself {inner:.3f} s)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--imap", action="store_true", help="serve the Maildir with Dovecot")
    args = parser.parse_args()
    run(args.count, args.imap)


if __name__ == "__main__":
    main()
