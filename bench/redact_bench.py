"""Redaction speed: logs of short lines against the same logs in long lines.

    python bench/redact_bench.py [--mb 200]

Writes three logs of about `--mb` MB each and redacts each one as a text attachment is
redacted (`redact_file`, line by line), in this process:

- short: log records one per line (about 110 characters), one in 200 holding a secret;
- long: the same records joined into lines of about 40 KB;
- base64: lines of 160 KB of base64 (a dumped blob), a record with a secret between them.

Redaction must be linear in its input: the long-line logs should go at about the
speed of the short one (the patterns once took minutes on one 40 KB line).
"""

from __future__ import annotations

import argparse
import base64
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ctlsupport.core.redact import Redactor, redact_file  # noqa: E402

SECRETS = ("password=hunter2", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln")


def records(rng: random.Random) -> Iterator[str]:
    """Log records, one in 200 with a secret in it."""
    while True:
        record = (
            f"2024-05-01T09:{rng.randrange(60):02d}:{rng.randrange(60):02d}Z "
            f"worker[{rng.randrange(64)}] ERROR request {rng.randrange(10**9)} failed: "
            f"connection reset by peer (attempt {rng.randrange(1, 6)})"
        )
        if rng.randrange(200) == 0:
            record += " " + rng.choice(SECRETS)
        yield record


def write(path: Path, megabytes: int, shape: str) -> None:
    rng = random.Random(7)
    source = records(rng)
    limit = megabytes << 20
    with path.open("w") as out:
        written = 0
        while written < limit:
            if shape == "short":
                line = next(source)
            elif shape == "long":
                line = " ".join(next(source) for _ in range(360))  # about 40 KB
            else:
                blob = base64.b64encode(rng.randbytes(120_000)).decode()  # 160 KB
                line = f"{next(source)}\npayload={blob}"
            out.write(line + "\n")
            written += len(line) + 1


def measure(source: Path, target: Path) -> tuple[float, int]:
    """(seconds, redactions) of one redaction of `source`."""
    redactor = Redactor(known=["4711"])
    started = time.perf_counter()
    redact_file(source, target, redactor)
    return time.perf_counter() - started, sum(redactor.found.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=200, help="size of each log (default 200)")
    args = parser.parse_args()
    print(f"{'log':<8} {'MB':>6} {'seconds':>8} {'MB/s':>7} {'found':>7} {'vs short':>9}")
    base = None
    with tempfile.TemporaryDirectory() as tmp:
        for shape in ("short", "long", "base64"):
            log = Path(tmp) / f"{shape}.log"
            write(log, args.mb, shape)
            size = log.stat().st_size / (1 << 20)
            seconds, found = measure(log, Path(tmp) / "out.log")
            speed = size / seconds
            base = base or speed
            print(
                f"{shape:<8} {size:>6.0f} {seconds:>8.1f} {speed:>7.1f} {found:>7} "
                f"{speed / base:>8.2f}x"
            )
            log.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
