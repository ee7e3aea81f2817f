"""The streamed tail of error output, and the whole of it gzip-compressed."""

from __future__ import annotations

import gzip
import io

from ctlsupport.core import errorlog
from ctlsupport.core.redact import Redactor


class Chunks(io.RawIOBase):
    """A stream that hands out at most `size` bytes per read, like a pipe."""

    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size, self.pos = data, size, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        take = self.size if n < 0 else min(n, self.size)
        out = self.data[self.pos : self.pos + take]
        self.pos += len(out)
        return out


def lines(count: int) -> bytes:
    return b"".join(b"line %d\n" % n for n in range(count))


def test_keeps_the_last_n_lines_and_counts_the_rest(tmp_path):
    log = errorlog.read(io.BytesIO(lines(1000)), lines=3, archive_dir=tmp_path)
    assert log.lines == 1000 and log.omitted == 997
    assert log.text.splitlines()[1:] == ["line 997", "line 998", "line 999"]
    assert log.text.startswith("[... 997 earlier lines omitted; the whole output is attached")


def test_lines_split_across_reads_are_whole(tmp_path):
    data = lines(500) + b"no newline at the end"
    for size in (1, 7, 4096):
        log = errorlog.read(Chunks(data, size), lines=2)
        assert log.text.splitlines()[1:] == ["line 499", "no newline at the end"]
        assert log.lines == 501


def test_the_archive_holds_everything_byte_for_byte(tmp_path):
    data = lines(20000) + b"\xff\xfe binary-ish tail"
    log = errorlog.read(Chunks(data, 65536), lines=10, archive_dir=tmp_path)
    assert log.archive == tmp_path / "error-output.log.gz"
    assert gzip.decompress(log.archive.read_bytes()) == data


def test_short_output_is_not_archived(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    log = errorlog.read(io.BytesIO(b"one\ntwo\n"), lines=5, archive_dir=folder)
    assert (log.text, log.omitted, log.archive) == ("one\ntwo\n", 0, None)
    assert list(folder.iterdir()) == []


def test_the_archive_is_redacted_line_by_line(tmp_path):
    data = lines(300) + b"db password=hunter2 here\n" + lines(300)
    redactor = Redactor(known=["4321"])
    log = errorlog.read(io.BytesIO(data), lines=5, archive_dir=tmp_path, redact=redactor.line)
    whole = gzip.decompress(log.archive.read_bytes()).decode()
    assert "hunter2" not in whole and "password=[REDACTED]" in whole
    assert whole.count("\n") == 601


def test_a_huge_line_is_cut_in_the_body_and_kept_whole_in_the_archive(tmp_path):
    huge = b"x" * (3 * errorlog.CHUNK_BYTES)
    data = b"first\n" + huge + b"\nlast\n"
    log = errorlog.read(io.BytesIO(data), lines=2, archive_dir=tmp_path)
    body_line = log.text.splitlines()[1]
    assert body_line.endswith("[... line cut ...]")
    assert len(body_line) < errorlog.MAX_LINE_BYTES + 100
    assert gzip.decompress(log.archive.read_bytes()) == data


def test_the_body_stays_within_max_bytes_whatever_n(tmp_path):
    log = errorlog.read(io.BytesIO(lines(100000)), lines=50000, max_bytes=2000)
    assert len(log.text.encode()) < 2200
    assert log.text.endswith("line 99999\n")


def test_an_archive_over_the_desk_limit_is_not_attached(tmp_path):
    import os

    folder = tmp_path / "archive"
    folder.mkdir()
    data = os.urandom(300000) + b"\n" + lines(10)  # random bytes do not compress
    log = errorlog.read(io.BytesIO(data), lines=2, archive_dir=folder, max_archive_bytes=1000)
    assert log.archive is None and list(folder.iterdir()) == []
    assert "too big to attach" in log.text.splitlines()[0]


def test_memory_stays_bounded_on_a_large_stream():
    import tracemalloc

    class Endless(io.RawIOBase):
        def __init__(self, total: int) -> None:
            self.left = total

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            take = min(self.left, n if n > 0 else 1 << 20)
            self.left -= take
            return (b"0123456789abcdef" * 4 + b"\n") * (take // 65) if take else b""

    tracemalloc.start()
    errorlog.read(Endless(64 << 20), lines=200)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 << 20  # 64 MB went through; a few chunks were held at a time
