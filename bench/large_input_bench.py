"""`open` with a huge piped log and with a 50 MB attachment: peak memory and time.

    python bench/large_input_bench.py [--log-mb 200] [--attach-mb 50]

A sandbox desk runs in this process; each `ctlsupport --no-input open` runs as a
child under `/usr/bin/time -v`, side by side with `python -c pass`, so its peak
memory (maximum resident set size) is its own. Target: under 100 MB each.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ctlsupport.sandbox import SandboxConfig, SandboxServer  # noqa: E402

TARGET_MB = 100
FIELDS = [
    "--subject", "ACME: deploy fails", "--customer-name", "Acme Corp",
    "--customer-alias", "ACME", "--datacenter", "VA1", "--server", "VA1ACMEWEB01",
    "--ip", "64.15.183.10", "--portal-username", "jdoe", "--full-name", "Jo Doe",
    "--description", "Deploys fail since 09:00.", "--steps", "Retried twice.",
]  # fmt: skip


def write_log(path: Path, megabytes: int) -> None:
    """A log-like text: timestamps, workers, request ids."""
    rng = random.Random(7)
    with path.open("w") as out:
        written = 0
        while written < megabytes << 20:
            block = "".join(
                f"2024-05-01T09:{rng.randrange(60):02d}:{rng.randrange(60):02d}Z "
                f"worker[{rng.randrange(64)}] ERROR request {rng.randrange(10**9)} failed: "
                f"connection reset by peer (attempt {rng.randrange(1, 6)})\n"
                for _ in range(2000)
            )
            out.write(block)
            written += len(block)


def measure(argv: list[str], env: dict[str, str], stdin: Path | None) -> tuple[float, float, int]:
    """(seconds, peak MB, exit code) of one run under /usr/bin/time -v."""
    with (stdin or Path(os.devnull)).open("rb") as feed:
        started = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-v", *argv], stdin=feed, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              check=False)  # fmt: skip
        seconds = time.perf_counter() - started
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    status = re.search(r"Exit status: (\d+)", proc.stderr)
    if status is None or status[1] != "0":
        sys.stderr.write(proc.stderr[-2000:])
    return (
        seconds,
        int(match[1]) / 1024 if match else float("nan"),
        int(status[1]) if status else -1,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--log-mb", type=int, default=200)
    parser.add_argument("--attach-mb", type=int, default=50)
    args = parser.parse_args()
    exe = shutil.which("ctlsupport", path=str(Path(sys.executable).parent))
    if exe is None or not Path("/usr/bin/time").exists():
        sys.exit("needs the ctlsupport console script next to this interpreter and /usr/bin/time")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        server = SandboxServer(SandboxConfig(data_dir=work / "desk")).start()
        env = {**os.environ, "CTLSUPPORT_HOME": str(work / "home"), "CTLSUPPORT_PIN": "4711",
               "CTLSUPPORT_TOKEN": "sandbox-token", "NO_COLOR": "1"}  # fmt: skip
        os.environ["CTLSUPPORT_HOME"] = env["CTLSUPPORT_HOME"]
        from ctlsupport.config import settings

        profile = settings.Profile(desk_url=server.url, alias="support@partner.example",
                                   auth="token")  # fmt: skip
        settings.save(settings.Settings(profiles={"default": profile}))
        log = work / "deploy.log"
        write_log(log, args.log_mb)
        short = work / "error.txt"
        short.write_text("deploy: exit status 1\n")
        attachment = work / "core-dump.bin"
        with attachment.open("wb") as out:
            for _ in range(args.attach_mb):
                out.write(os.urandom(1 << 20))
        runs = {
            "python -c pass": ([sys.executable, "-c", "pass"], None),
            f"open, {args.log_mb} MB log piped": ([exe, "--no-input", "open", *FIELDS], log),
            f"open, {args.log_mb} MB log, --no-redact": (
                [exe, "--no-input", "open", "--no-redact", *FIELDS], log),
            f"open, {args.attach_mb} MB --attach": (
                [exe, "--no-input", "open", "--attach", str(attachment), *FIELDS], short),
        }  # fmt: skip
        print(f"{'run':<36} {'seconds':>8} {'peak MB':>8} {'target':>7}")
        failed = False
        for name, (argv, stdin) in runs.items():
            seconds, peak, code = measure(argv, env, stdin)
            judged = name != "python -c pass"
            over = judged and (code != 0 or peak >= TARGET_MB)
            failed |= over
            verdict = ("OVER" if over else "ok") if judged else ""
            target = f"<{TARGET_MB}" if judged else "-"
            print(f"{name:<36} {seconds:>8.1f} {peak:>8.1f} {target:>7} {verdict}")
        server.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
