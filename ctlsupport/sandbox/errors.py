"""Errors of the sandbox desk, and the HTTP response object they carry."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"


class SandboxError(ValueError):
    """An agent-side operation was refused; the message says why."""


class UnknownRequestError(SandboxError):
    """No request has the given id."""


@dataclass
class Response:
    """One HTTP answer: status, body bytes (or a file to stream), type and headers."""

    status: int
    body: bytes = b""
    content_type: str | None = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    stream: Path | None = None
    # Injected faults: "reset" (RST, nothing processed) or "close" (processed, answer lost).
    drop: str | None = None


def json_response(
    status: int,
    payload: Any,
    *,
    content_type: str = JSON_TYPE,
    headers: dict[str, str] | None = None,
) -> Response:
    """Serialise `payload` compactly, as Zendesk does."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return Response(status, body, content_type, dict(headers or {}))


def text_response(status: int, text: str, *, headers: dict[str, str] | None = None) -> Response:
    """A plain-text answer (429, 413 and other edge errors)."""
    return Response(status, text.encode("utf-8"), TEXT_TYPE, dict(headers or {}))


class ApiError(Exception):
    """Raised inside a route to answer with `response` instead of the normal result."""

    def __init__(self, response: Response) -> None:
        super().__init__(f"HTTP {response.status}")
        self.response = response


def not_found() -> ApiError:
    """The observed RecordNotFound envelope (also used for other users' requests)."""
    return ApiError(json_response(404, {"error": "RecordNotFound", "description": "Not found"}))


def invalid_endpoint() -> ApiError:
    """404 for a path or method the API does not have."""
    return ApiError(json_response(404, {"error": "InvalidEndpoint", "description": "Not found"}))


def bad_request(error: str, description: str) -> ApiError:
    """A 400 in the classic `{"error", "description"}` envelope."""
    return ApiError(json_response(400, {"error": error, "description": description}))


def record_invalid(details: dict[str, list[dict[str, Any]]]) -> ApiError:
    """A 422 RecordInvalid with the given `details`."""
    payload = {
        "error": "RecordInvalid",
        "description": "Record validation errors",
        "details": details,
    }
    return ApiError(json_response(422, payload))


def base_entry(field_key: str, description: str, error: str = "InvalidValue") -> dict[str, str]:
    """One `details.base` item in the shape observed for end-user validation errors."""
    return {"description": description, "error": error, "field_key": field_key}


def forbidden() -> ApiError:
    """403 in the §2.2 shape (the sentence's key is not confirmed; `description` is used)."""
    payload = {
        "error": "Forbidden",
        "description": "You do not have access to this page. Please contact the account owner "
        "of this help desk for further help.",
    }
    return ApiError(json_response(403, payload))
