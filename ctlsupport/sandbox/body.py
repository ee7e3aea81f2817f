"""Reading request bodies in bounded chunks (Content-Length or chunked encoding)."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import Message
from typing import BinaryIO

CHUNK = 64 * 1024
# After refusing a body we still read (and discard) up to this much, so the client sees
# our answer instead of a reset connection; anything larger closes the connection.
DRAIN_LIMIT = 256 * 1024 * 1024


class BodyTooLargeError(Exception):
    """The body is larger than the caller's limit."""


class RequestBody:
    """The body of one HTTP request, readable once, never all at once into memory."""

    def __init__(self, rfile: BinaryIO, headers: Message) -> None:
        self._rfile = rfile
        self.chunked = "chunked" in (headers.get("Transfer-Encoding") or "").lower()
        self.length: int | None = None
        raw_length = headers.get("Content-Length")
        if raw_length is not None and not self.chunked:
            try:
                self.length = max(0, int(raw_length))
            except ValueError:
                self.length = None
        self._remaining = self.length or 0
        self._chunked_done = not self.chunked
        self.reusable = True  # False once the stream can no longer be resynchronised

    def chunks(self, limit: int) -> Iterator[bytes]:
        """Yield the body in pieces; raise BodyTooLargeError as soon as `limit` is passed."""
        if self.length is not None and self.length > limit:
            raise BodyTooLargeError
        total = 0
        for piece in self._pieces():
            total += len(piece)
            if total > limit:
                self.reusable = False
                raise BodyTooLargeError
            yield piece

    def read_all(self, limit: int) -> bytes:
        """The whole body as bytes, refusing more than `limit`."""
        return b"".join(self.chunks(limit))

    def finish(self) -> bool:
        """Discard what is left unread; return whether the connection can be kept."""
        if not self.reusable:
            return False
        if self.chunked:
            if self._chunked_done:
                return True
            self.reusable = False  # an unread chunked body is not worth decoding
            return False
        if self._remaining > DRAIN_LIMIT:
            self.reusable = False
            return False
        for _ in self._pieces():
            pass
        return self.reusable

    def _pieces(self) -> Iterator[bytes]:
        if self.chunked:
            yield from self._chunked_pieces()
            return
        while self._remaining > 0:
            data = self._rfile.read(min(CHUNK, self._remaining))
            if not data:
                self.reusable = False
                return
            self._remaining -= len(data)
            yield data

    def _chunked_pieces(self) -> Iterator[bytes]:
        while not self._chunked_done:
            line = self._rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self.reusable = False
                self._chunked_done = True
                return
            if size == 0:
                # Skip optional trailers up to the blank line that ends the message.
                while self._rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                self._chunked_done = True
                return
            left = size
            while left > 0:
                data = self._rfile.read(min(CHUNK, left))
                if not data:
                    self.reusable = False
                    self._chunked_done = True
                    return
                left -= len(data)
                yield data
            self._rfile.readline(1024)  # the CRLF after each chunk
