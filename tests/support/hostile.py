"""A hostile, slow or broken desk on loopback: the answers a real desk (or a proxy, or an
attacker in the middle) can give, for tests of the client's transport.

    desk = HostileDesk().start()
    desk.route("GET", "/api/v2/requests", Reply.json({}))          # a missing key
    desk.route("POST", "/api/v2/requests", Reply.redirect(307, other.url + "/x"))
    ...
    desk.stop()

Each route is a method and a path prefix; a Reply says how the request body is read
(whole, or with a pause part-way) and how the answer is written (whole, truncated,
trickled, never, huge). Every request is recorded in `desk.seen` (method, path,
headers, body size), so tests can check what reached which host.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Seen:
    """One request as the hostile desk received it."""

    method: str
    path: str
    headers: dict[str, str]
    body_size: int = 0
    body: bytes = b""


@dataclass
class Reply:
    """How to read one request and answer it."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_length: int | None = None  # announced length (default: the real one)
    trickle_every: float = 0.0  # seconds between single bytes of the body
    delay: float = 0.0  # before answering (after the body is read)
    never: bool = False  # read the request, then say nothing until stopped
    huge: int = 0  # stream this many filler bytes after `body`
    pause_after: int = 0  # body bytes read before a pause ...
    pause_for: float = 0.0  # ... of this long
    on_done: Callable[[Seen], None] | None = None  # called once the body is read

    @classmethod
    def json(cls, data: Any, status: int = 200, **kwargs: Any) -> Reply:
        headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
        return cls(status, json.dumps(data).encode(), headers, **kwargs)

    @classmethod
    def text(cls, text: str, status: int = 200, **kwargs: Any) -> Reply:
        headers = {"Content-Type": "text/plain", **kwargs.pop("headers", {})}
        return cls(status, text.encode(), headers, **kwargs)

    @classmethod
    def redirect(cls, status: int, location: str) -> Reply:
        return cls(status, b"", {"Location": location})


Route = Reply | Callable[[Seen], Reply]


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        sock: socket.socket = self.request
        reader = sock.makefile("rb")
        try:
            while self._one(sock, reader):
                pass
        except (OSError, ValueError):
            pass
        finally:
            reader.close()

    def _one(self, sock: socket.socket, reader: Any) -> bool:
        line = reader.readline(65536)
        if not line.strip():
            return False
        method, target, _ = line.decode("latin-1").split(" ", 2)
        headers: dict[str, str] = {}
        while (raw := reader.readline(65536)) not in (b"\r\n", b"\n", b""):
            name, _, value = raw.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        seen = Seen(method, target, headers)
        self.server.desk.seen.append(seen)
        reply = self.server.desk.reply_for(seen)
        self._read_body(reader, seen, reply)
        if reply.on_done is not None:
            reply.on_done(seen)
        if reply.never:
            self.server.desk.stopping.wait()
            return False
        if reply.delay:
            time.sleep(reply.delay)
        self._answer(sock, reply)
        return reply.content_length is None and not reply.huge and not reply.trickle_every

    def _read_body(self, reader: Any, seen: Seen, reply: Reply) -> None:
        left = int(seen.headers.get("content-length", "0") or 0)
        paused = reply.pause_for <= 0
        parts = []
        while left > 0:
            size = min(65536, left)
            if not paused and seen.body_size + size > reply.pause_after:
                size = max(1, reply.pause_after - seen.body_size)
            data = reader.read(size)
            if not data:
                break
            seen.body_size += len(data)
            left -= len(data)
            if seen.body_size <= 1024 * 1024:
                parts.append(data)
            if not paused and seen.body_size >= reply.pause_after:
                paused = True
                time.sleep(reply.pause_for)
        seen.body = b"".join(parts)[: 1024 * 1024]

    def _answer(self, sock: socket.socket, reply: Reply) -> None:
        length = reply.content_length
        if length is None:
            length = len(reply.body) + reply.huge
        head = [f"HTTP/1.1 {reply.status} Hostile", f"Content-Length: {length}"]
        head += [f"{k}: {v}" for k, v in reply.headers.items()]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        if reply.trickle_every:
            for byte in reply.body:
                if self.server.desk.stopping.wait(reply.trickle_every):
                    return
                sock.sendall(bytes([byte]))
            return
        sock.sendall(reply.body)
        filler = b"[" * 65536
        sent = 0
        while sent < reply.huge and not self.server.desk.stopping.is_set():
            piece = filler[: min(len(filler), reply.huge - sent)]
            sock.sendall(piece)
            sent += len(piece)
        self.server.desk.huge_sent += sent
        if reply.content_length is not None:
            sock.shutdown(socket.SHUT_WR)  # announced more than it sends: cut off


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    desk: HostileDesk


class HostileDesk:
    """The server: routes, a record of what was received, start and stop."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, str, Route]] = []
        self.seen: list[Seen] = []
        self.stopping = threading.Event()
        self.huge_sent = 0
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.desk = self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def route(self, method: str, prefix: str, reply: Route) -> HostileDesk:
        """Answer `method` on paths starting with `prefix` (the newest route wins)."""
        self.routes.insert(0, (method, prefix, reply))
        return self

    def reply_for(self, seen: Seen) -> Reply:
        for method, prefix, reply in self.routes:
            if seen.method == method and seen.path.startswith(prefix):
                return reply(seen) if callable(reply) else reply
        return Reply.json({"error": "RecordNotFound", "description": "Not found"}, 404)

    def requests_to(self, method: str, prefix: str) -> list[Seen]:
        return [s for s in self.seen if s.method == method and s.path.startswith(prefix)]

    def start(self) -> HostileDesk:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()


def request_json(request_id: int = 1, **fields: Any) -> dict[str, Any]:
    """A well-formed request object, as the desk sends it."""
    return {
        "id": request_id, "subject": f"request {request_id}", "status": "new",
        "description": "", "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z", **fields,
    }  # fmt: skip
