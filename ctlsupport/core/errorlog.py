"""Error output of any size, in bounded memory: its last lines for the ticket body, and
the whole of it gzip-compressed in a file to attach.

The input is read in chunks; only a deque of the last lines and one partial line are
held, so hundreds of megabytes of log cost a few megabytes of memory.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

DEFAULT_LINES = 200
MAX_TEXT_BYTES = 64 * 1024  # the body's error block stays readable, whatever N is
MAX_LINE_BYTES = 4096  # a kept line longer than this is cut in the body
CHUNK_BYTES = 1 << 20
ARCHIVE_NAME = "error-output.log.gz"


@dataclass
class ErrorLog:
    """What was read: the tail for the body and, when lines were left out, the archive."""

    text: str
    lines: int  # lines read in all
    omitted: int  # earlier lines the text leaves out
    archive: Path | None = None  # the whole output, gzip-compressed


class _Archive:
    """The whole output to a gzip file, line by line through `redact` when given."""

    def __init__(self, path: Path, redact: Callable[[str], str] | None) -> None:
        self.path = path
        self.redact = redact
        import gzip

        from ctlsupport.config.paths import private_file

        private_file(path)  # created 0600 (gzip.open then keeps the mode)
        # Closed in close(), which read() calls in a finally block.
        self.file = gzip.open(path, "wb", compresslevel=6)  # noqa: SIM115
        self.partial = b""

    def write(self, chunk: bytes) -> None:
        if self.redact is None:
            self.file.write(chunk)
            return
        data = self.partial + chunk
        cut = data.rfind(b"\n") + 1
        if cut == 0 and len(data) > CHUNK_BYTES:
            cut = len(data)  # one endless line: redact it in pieces
        self.partial = data[cut:]
        if cut:
            self._redacted(data[:cut])

    def _redacted(self, data: bytes) -> None:
        text = data.decode("utf-8", errors="replace")
        out = "".join(self.redact(line) for line in text.splitlines(keepends=True))  # type: ignore[misc]
        self.file.write(out.encode("utf-8"))

    def close(self) -> None:
        if self.redact is not None and self.partial:
            self._redacted(self.partial)
        self.file.close()


def read(
    source: BinaryIO,
    *,
    lines: int = DEFAULT_LINES,
    max_bytes: int = MAX_TEXT_BYTES,
    archive_dir: Path | None = None,
    redact: Callable[[str], str] | None = None,
    max_archive_bytes: int = 50 * 1024 * 1024,
) -> ErrorLog:
    """Read `source` to its end; keep its last `lines` lines (at most `max_bytes`).

    With `archive_dir`, the whole input is also written to `archive_dir/ARCHIVE_NAME`,
    kept only when the text leaves lines out and it is at most `max_archive_bytes`.
    """
    tail: deque[bytes] = deque(maxlen=max(1, lines))
    archive = _Archive(archive_dir / ARCHIVE_NAME, redact) if archive_dir else None
    current = b""  # the line being read, cut at MAX_LINE_BYTES
    count = 0
    try:
        while chunk := source.read(CHUNK_BYTES):
            if archive is not None:
                archive.write(chunk)
            parts = chunk.split(b"\n")
            if len(parts) == 1:
                current = (current + chunk)[: MAX_LINE_BYTES + 1]
                continue
            tail.append(current + parts[0][: MAX_LINE_BYTES + 1])
            tail.extend(part[: MAX_LINE_BYTES + 1] for part in parts[1:-1])
            count += len(parts) - 1
            current = parts[-1][: MAX_LINE_BYTES + 1]
    finally:
        if archive is not None:
            archive.close()
    ends_with_newline = not current
    if current:
        tail.append(current)
        count += 1
    text, kept = _text(tail, max_bytes)
    if ends_with_newline and count:
        text += "\n"
    omitted = count - kept
    where = ""
    if archive is not None:
        size = archive.path.stat().st_size
        if omitted and size <= max_archive_bytes:
            where = f"; the whole output is attached as {ARCHIVE_NAME}"
        else:
            if omitted:
                where = (
                    f"; the whole output ({size / 1048576:.1f} MB compressed) is too big to attach"
                )
            archive.path.unlink(missing_ok=True)
            archive = None
    if omitted:
        text = f"[... {omitted} earlier lines omitted{where} ...]\n" + text
    return ErrorLog(text, count, omitted, archive.path if archive else None)


def _text(tail: deque[bytes], max_bytes: int) -> tuple[str, int]:
    """The kept lines as text, newest last, within max_bytes; and how many were kept."""
    kept: list[bytes] = []
    size = 0
    for line in reversed(tail):
        if len(line) > MAX_LINE_BYTES:
            line = line[:MAX_LINE_BYTES] + b" [... line cut ...]"
        if kept and size + len(line) + 1 > max_bytes:
            break
        kept.append(line)
        size += len(line) + 1
    kept.reverse()
    raw = b"\n".join(kept).replace(b"\x00", b"")
    return raw.decode("utf-8", errors="replace"), len(kept)
