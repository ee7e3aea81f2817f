"""`/sandbox/...`: the provider (agent) side over HTTP, for loopback clients only.

These are not Zendesk routes: no rate limit, and no desk sign-in. Every call but
`/sandbox/health` must carry the header `X-Sandbox-Admin` with this run's secret (kept
in the file `admin-secret` in the sandbox's folder, readable by its owner only): any
local program could reach the port, and a web page in a local browser could post to it,
but neither can read the file, and a page cannot set the header without the sandbox's
consent (it gives none). Each call wraps one SandboxState method.
"""

from __future__ import annotations

import hmac
import json
import re
from pathlib import Path
from typing import Any

from .body import BodyTooLargeError, RequestBody
from .clock import parse_iso
from .errors import Response, SandboxError, UnknownRequestError, json_response
from .faults import Fault, FaultQueue
from .state import SandboxState

BODY_LIMIT = 1024 * 1024
_REQUEST_ACTION = re.compile(r"/sandbox/requests/(\d+)/(reply|assign|status|priority)")
_REQUEST = re.compile(r"/sandbox/requests/(\d+)")


def is_loopback(address: str) -> bool:
    """127.0.0.0/8, ::1 and IPv4-mapped loopback."""
    return address == "::1" or address.removeprefix("::ffff:").startswith("127.")


def _error(status: int, error: str, description: str) -> Response:
    return json_response(status, {"error": error, "description": description})


def _json(body: RequestBody) -> dict[str, Any]:
    raw = body.read_all(BODY_LIMIT)
    if not raw.strip():
        return {}
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


HEADER = "X-Sandbox-Admin"
SECRET_FILE = "admin-secret"


def new_secret(folder: Path) -> str:
    """A fresh secret for this run, written (0600) where the owner's tools can read it."""
    import secrets

    from ctlsupport.config.paths import open_private

    value = secrets.token_urlsafe(24)
    with open_private(folder / SECRET_FILE) as handle:
        handle.write(value + "\n")
    return value


def handle(
    state: SandboxState,
    faults: FaultQueue,
    method: str,
    path: str,
    body: RequestBody,
    client: str,
    given: str | None = None,
    secret: str = "",
) -> Response:
    """Answer one admin call; `given`: the X-Sandbox-Admin header, `secret`: this run's."""
    if not is_loopback(client):
        return _error(403, "Forbidden", "The sandbox admin endpoints answer loopback clients only")
    path = path.removesuffix(".json").rstrip("/")
    if path != "/sandbox/health" and not hmac.compare_digest(given or "", secret):
        return _error(
            403,
            "Forbidden",
            f"The sandbox admin endpoints need the {HEADER} header with this run's secret "
            f"(the file {SECRET_FILE} in the sandbox's folder)",
        )
    try:
        if path == "/sandbox/faults":
            return _faults(faults, method, body)
        return _route(state, method, path, body)
    except BodyTooLargeError:
        return _error(413, "TooLarge", f"Admin bodies are limited to {BODY_LIMIT} bytes")
    except UnknownRequestError as exc:
        return _error(404, "RecordNotFound", str(exc))
    except SandboxError as exc:
        return _error(422, "SandboxError", str(exc))
    except (UnicodeDecodeError, ValueError) as exc:
        return _error(400, "InvalidJSON", f"The request body is not valid JSON: {exc}")


def _faults(faults: FaultQueue, method: str, body: RequestBody) -> Response:
    if method == "POST":
        return json_response(200, {"pending": faults.add(Fault.from_json(_json(body)))})
    if method == "DELETE":
        faults.clear()
        return json_response(200, {"pending": 0})
    return _error(404, "InvalidEndpoint", "Not found")


def _route(state: SandboxState, method: str, path: str, body: RequestBody) -> Response:
    if method == "GET" and path == "/sandbox/health":
        return json_response(200, {"ok": True})
    if method == "GET" and path == "/sandbox/requests":
        return json_response(200, {"requests": state.list_requests()})
    if method == "GET" and path == "/sandbox/suspended":
        from .mail_intake import suspended

        return json_response(200, {"suspended_emails": suspended(state)})
    if method == "POST" and path == "/sandbox/close-due":
        data = _json(body)
        try:
            now = parse_iso(data["now"]) if isinstance(data.get("now"), str) else None
        except ValueError:
            raise SandboxError("now must be an ISO 8601 time") from None
        return json_response(200, {"closed": state.close_due(now)})
    if path.startswith("/sandbox/oauth-clients"):
        return _oauth_clients(state, method, path, body)
    found = _REQUEST.fullmatch(path)
    if method == "GET" and found:
        request = state.get_request(int(found.group(1)))
        if request is None:
            return _error(404, "RecordNotFound", "Not found")
        return json_response(200, {"request": request})
    found = _REQUEST_ACTION.fullmatch(path)
    if method == "POST" and found:
        return json_response(200, {"request": _act(state, int(found.group(1)), found[2], body)})
    return _error(404, "InvalidEndpoint", "Not found")


def _oauth_clients(state: SandboxState, method: str, path: str, body: RequestBody) -> Response:
    """The desk admin's client registry: list, register, remove."""
    from . import oauth_clients

    identifier = path.removeprefix("/sandbox/oauth-clients").strip("/")
    if method == "GET" and not identifier:
        with state.reading() as conn:
            clients = [c.as_json() for c in oauth_clients.all_clients(conn)]
        return json_response(200, {"clients": clients})
    if method == "POST" and not identifier:
        data = _json(body)
        urls, scopes = data.get("redirect_urls"), data.get("scopes")
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            raise SandboxError('a client needs "redirect_urls": ["..."]')
        with state.writing() as conn:
            client, secret = oauth_clients.add(
                conn, identifier=str(data.get("identifier") or ""),
                kind=str(data.get("kind") or "public"), redirect_urls=urls,
                scopes=[str(s) for s in scopes] if isinstance(scopes, list) else None,
                name=str(data.get("name") or ""),
            )  # fmt: skip
        return json_response(201, {"client": client.as_json(), "secret": secret})
    if method == "DELETE" and identifier:
        with state.writing() as conn:
            oauth_clients.remove(conn, identifier)
        return json_response(200, {"removed": identifier})
    return _error(404, "InvalidEndpoint", "Not found")


def _act(state: SandboxState, request_id: int, action: str, body: RequestBody) -> dict[str, Any]:
    data = _json(body)
    if action == "reply":
        text = data.get("body")
        if not isinstance(text, str):
            raise SandboxError('reply needs {"body": "..."}')
        author = data.get("author")
        return state.agent_reply(
            request_id,
            text,
            public=bool(data.get("public", True)),
            author_email=author if isinstance(author, str) else None,
        )
    if action == "assign":
        agent = data.get("agent")
        return state.assign(request_id, agent if isinstance(agent, str) else None)
    value = data.get(action)
    if not isinstance(value, str):
        raise SandboxError(f'{action} needs {{"{action}": "..."}}')
    if action == "status":
        return state.set_status(request_id, value)
    return state.set_priority(request_id, value)
