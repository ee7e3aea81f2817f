"""A profile with no status page, or one that does not answer: "not known", no error."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from ctlsupport.transport import statuspage


@pytest.fixture
def no_status_page():
    """A web server that answers 404 to everything (a site that is not a status page)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_sandbox_status_page_is_known(sandbox):
    summary = statuspage.fetch_or_unknown(sandbox.url, quick=True)
    assert summary.known and summary.components


def test_no_status_page_in_the_profile():
    summary = statuspage.fetch_or_unknown("", quick=True)
    assert (summary.known, summary.description) == (False, "not known")
    assert "no status page" in summary.reason


def test_a_page_that_does_not_answer(no_status_page):
    for url in (no_status_page, "http://127.0.0.1:9"):
        summary = statuspage.fetch_or_unknown(url, quick=True)
        assert not summary.known and summary.indicator == "unknown", url
        assert summary.reason
        assert not summary.for_datacenter("VA1").known
