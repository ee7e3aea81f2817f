"""`/hc/requests/{id}`: a request as a readable page, for the links the desk hands out.

The real desk shows this page to a signed-in browser; the sandbox, which runs on this
machine only, shows it to anyone who can reach it. The PIN and a root password are
masked, as ctlsupport masks them everywhere it shows a ticket."""

from __future__ import annotations

import html
import re

from .errors import Response
from .state import SandboxState

PAGE = re.compile(r"/hc/(?:[a-z]{2}(?:-[a-z]{2})?/)?requests/(\d+)/?")
SECRET_LINE = re.compile(r"^((?:User PIN|Root/admin password)[^:\n]*:) *(?!not provided).+$", re.M)
HTML_TYPE = "text/html; charset=utf-8"


def handles(path: str) -> bool:
    return PAGE.fullmatch(path) is not None


def handle(state: SandboxState, method: str, path: str) -> Response:
    found = PAGE.fullmatch(path)
    assert found is not None
    if method not in ("GET", "HEAD"):
        return _page(405, "Not allowed", "<p>This page can only be read.</p>")
    request_id = int(found.group(1))
    request = state.get_request(request_id)
    if request is None:
        return _page(404, "Not found", f"<p>There is no request #{request_id}.</p>")
    with state.reading() as conn:
        rows = conn.execute(
            "SELECT c.body, c.created_at, u.name FROM comments c JOIN users u "
            "ON u.id = c.author_id WHERE c.request_id = ? AND c.public = 1 ORDER BY c.id",
            (request_id,),
        ).fetchall()
    parts = [
        f"<p>Status: {_e(request['status'])} &middot; priority: {_e(request['priority'] or '-')}"
        f" &middot; opened {_e(request['created_at'])}</p>"
    ]
    for row in rows:
        parts.append(f"<h2>{_e(row['name'])}, {_e(row['created_at'])}</h2>")
        parts.append(f"<pre>{_e(_masked(row['body']))}</pre>")
    title = f"#{request_id} {request['subject']}"
    return _page(200, title, "\n".join(parts))


def _masked(body: str) -> str:
    return SECRET_LINE.sub(lambda m: f"{m.group(1)} ********", body)


def _e(value: object) -> str:
    return html.escape(str(value))


def _page(status: int, title: str, body: str) -> Response:
    text = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;padding:0 1em}"
        "pre{white-space:pre-wrap;background:#f4f4f4;padding:1em}</style></head>\n"
        f"<body><h1>{_e(title)}</h1>\n{body}\n"
        "<p><small>ctlsupport sandbox desk</small></p></body></html>\n"
    )
    return Response(status, text.encode("utf-8"), HTML_TYPE, {})
