"""The sandbox desk's HTTP server: a ThreadingHTTPServer around SandboxApp."""

from __future__ import annotations

import contextlib
import secrets
import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from .app import SandboxApp
from .body import CHUNK, RequestBody
from .config import SandboxConfig
from .errors import Response, json_response
from .state import SandboxState


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    app: SandboxApp  # set right after binding: its urls need the bound port

    def __init__(self, address: tuple[str, int], log: bool) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.log = log
        self.last_error: str | None = None
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Socket-level failures (a client hanging up) are routine; stay quiet by default.
        if self.log:
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ctlsupport-sandbox"
    timeout = 60  # idle keep-alive connections do not hold a thread forever
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _HTTPServer

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_HEAD(self) -> None:
        self._dispatch("GET", head=True)  # as Rails does: a GET without the body

    def _dispatch(self, method: str, *, head: bool = False) -> None:
        body = RequestBody(self.rfile, self.headers)
        try:
            response = self.server.app.handle(
                method, self.path, self.headers, body, self.client_address[0]
            )
        except Exception:
            # Never a traceback on the wire; keep it for the log and for tests.
            self.server.last_error = traceback.format_exc()
            if self.server.log:
                sys.stderr.write(self.server.last_error)
            response = json_response(
                500,
                {"error": "InternalError", "description": "The sandbox failed; see its log"},
            )
        try:
            keep_alive = body.finish()
        except OSError:
            keep_alive = False
        if response.drop:
            self._drop(response.drop)
            return
        try:
            self._write(response, keep_alive, head=head)
        except OSError:
            self.close_connection = True

    def _drop(self, how: str) -> None:
        """An injected fault: hang up without answering (with a TCP reset for "reset")."""
        import struct

        self.close_connection = True
        if how == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with contextlib.suppress(OSError):  # the client may be gone already
            self.connection.shutdown(socket.SHUT_RDWR)

    def _write(self, response: Response, keep_alive: bool, *, head: bool = False) -> None:
        self.send_response(response.status)
        size = response.stream.stat().st_size if response.stream else len(response.body)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        if response.status != 204:
            self.send_header("Content-Length", str(size))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("x-zendesk-api-version", "v2")
        self.send_header("x-request-id", f"{secrets.token_hex(8)}-SBX")
        if not keep_alive:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if head:
            return
        if response.stream is not None:
            with response.stream.open("rb") as source:
                while chunk := source.read(CHUNK):
                    self.wfile.write(chunk)
        elif response.status != 204:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log:
            sys.stderr.write(f"sandbox: {self.address_string()} {format % args}\n")


class SandboxServer:
    """A Zendesk-compatible desk on a local port, its state in `data_dir`."""

    def __init__(self, config: SandboxConfig, *, log: bool = False) -> None:
        self.config = config
        # Bind now, so `url` is known before serving starts (port 0 picks a free one).
        self._httpd = _HTTPServer((config.host, config.port), log)
        host, port = self._httpd.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        self._url = f"http://{shown}:{port}"
        try:
            self.state = SandboxState(
                config.db_path,
                base_url=(config.public_url or self._url).rstrip("/"),
                close_after_hours=config.close_after_hours,
                notify_smtp=config.notify_smtp or "",
            )
            self.state.ensure_end_user(config.email, config.name, config.password, verified=True)
            self.state.ensure_agent()
            self.state.ensure_api_token(config.token)
            if config.desk_settings:
                self.state.change_settings(config.desk_settings)
            # The email channel listens from the start, so its port is known at once.
            self._mail = None
            if config.smtp_port is not None:
                from .mail_intake import MailIntake

                self._mail = MailIntake(self.state, config, port=config.smtp_port, log=log).start()
        except BaseException:
            self._httpd.server_close()
            raise
        self._httpd.app = SandboxApp(self.state, config)
        self._thread: threading.Thread | None = None
        self._serving = False
        self._closed = False

    @property
    def url(self) -> str:
        """The address the server listens on, without a trailing slash."""
        return self._url

    @property
    def admin_headers(self) -> dict[str, str]:
        """The header the `/sandbox/...` endpoints need, with this run's secret."""
        from .admin import HEADER

        return {HEADER: self._httpd.app.admin_secret}

    @property
    def smtp_port(self) -> int | None:
        """The port of the email channel on the same host, or None when it is off."""
        return self._mail.port if self._mail is not None else None

    @property
    def last_error(self) -> str | None:
        """The traceback of the last request that failed with a 500, if any."""
        return self._httpd.last_error

    def start(self) -> SandboxServer:
        """Serve in a daemon thread and return at once."""
        if self._serving:
            return self
        self._serving = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="ctlsupport-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the foreground until stop() or Ctrl-C."""
        thread = self._thread
        if thread is not None:
            # Already serving from start(): just wait, so Ctrl-C and stop() still work.
            try:
                while thread.is_alive():
                    thread.join(0.2)
            except KeyboardInterrupt:
                pass
            finally:
                self.stop()
            return
        self._serving = True
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self._serving = False
            self._close()

    def stop(self) -> None:
        """Stop serving and release the port; safe to call more than once."""
        if self._serving:
            self._httpd.shutdown()
            self._serving = False
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._close()

    def _close(self) -> None:
        if not self._closed:
            self._closed = True
            self._httpd.server_close()
            if self._mail is not None:
                self._mail.stop()

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
