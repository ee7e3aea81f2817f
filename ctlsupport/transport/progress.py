"""A file reader that reports how much of it has been read: upload progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from ctlsupport.transport.deadline import Deadline

# Called with (bytes sent so far, total bytes).
Progress = Callable[[int, int], None]


class ProgressReader:
    """Wraps an open file for a streamed request body; calls `progress` as it is read."""

    def __init__(self, handle: BinaryIO, total: int, progress: Progress) -> None:
        self.handle = handle
        self.total = total
        self.progress = progress
        self.sent = 0

    def __len__(self) -> int:
        # requests takes the body's length from here (no tell/seek: not a seekable file).
        return self.total

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        if data:
            self.sent += len(data)
            self.progress(self.sent, self.total)
        return data


class FlowingBody:
    """A streamed request body (an upload): while it flows, the deadline is paused (the
    time is progress, not waiting); it resumes when the body is sent."""

    def __init__(self, inner: Any, deadline: Deadline) -> None:
        self.inner = inner
        self.deadline = deadline

    def __len__(self) -> int:
        try:
            return len(self.inner)
        except TypeError:  # an open file: what is left of it
            import os

            return os.fstat(self.inner.fileno()).st_size - self.inner.tell()

    def read(self, size: int = -1) -> bytes:
        self.deadline.pause()
        data = self.inner.read(size)
        if not data:
            self.deadline.resume()
        return data
