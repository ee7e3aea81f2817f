"""The `/api/v2` routes of the sandbox desk: each takes a Call and returns a Response."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from typing import Any

from . import queries, tickets, uploads
from .auth import Identity
from .body import BodyTooLargeError, RequestBody
from .clock import parse_iso
from .config import SandboxConfig
from .errors import (
    TEXT_TYPE,
    ApiError,
    Response,
    bad_request,
    forbidden,
    json_response,
    record_invalid,
    text_response,
)
from .pagination import Listing, offset_page, paginate, wants_cursor
from .shapes import user_json
from .state import SandboxState

JSON_BODY_LIMIT = 10 * 1024 * 1024


@dataclass
class Call:
    """One authenticated API call, as the route handlers see it."""

    state: SandboxState
    config: SandboxConfig
    identity: Identity
    method: str
    path: str  # without the `.json` suffix
    params: dict[str, str]
    args: tuple[str, ...]
    headers: Message
    body: RequestBody

    @property
    def user_id(self) -> int:
        """The caller's user id."""
        return int(self.identity.user["id"])

    @property
    def link_base(self) -> str:
        """This endpoint's public url, in the `.json` form real links use."""
        return f"{self.state.base_url}{self.path}.json"

    def json(self) -> Any:
        """The parsed JSON body; an empty body counts as `{}`."""
        try:
            raw = self.body.read_all(JSON_BODY_LIMIT)
        except BodyTooLargeError:
            raise ApiError(too_large(JSON_BODY_LIMIT)) from None
        if not raw.strip():
            return {}
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, ValueError) as exc:
            raise bad_request("InvalidJSON", f"The request body is not valid JSON: {exc}") from None
        except RecursionError:  # nested deeper than any parser should follow
            raise bad_request("InvalidJSON", "The request body is nested too deeply") from None


def too_large(limit: int) -> Response:
    """The sandbox's answer to an over-size body (413 text/plain)."""
    return text_response(413, f"Payload Too Large: the sandbox accepts at most {limit} bytes")


def warn_header(action: str, dropped: list[str]) -> dict[str, str]:
    """`X-Zendesk-Api-Warn` in the Ruby-hash form recorded in 2023-24."""
    if not dropped:
        return {}
    keys = ", ".join(json.dumps(key) for key in dropped)
    value = (
        f'{{:allowed_parameters=>{{:controller=>"requests", :action=>"{action}", '
        f":unpermitted_keys=>[{keys}], :invalid_values=>[]}}}}"
    )
    return {"X-Zendesk-Api-Warn": value}


def _require_verified(call: Call) -> None:
    # Zendesk flags reads by end users whose email was never verified with a 403.
    if not call.identity.user["verified"]:
        raise forbidden()


def _sort(call: Call, default_by: str, default_desc: bool) -> tuple[str, bool]:
    """`sort_by`/`sort_order`, or the cursor-style `sort=-updated_at`."""
    sort_by, descending = default_by, default_desc
    sort = call.params.get("sort", "")
    if sort.lstrip("-") in queries.SORTABLE:
        return sort.lstrip("-"), sort.startswith("-")
    if call.params.get("sort_by") in queries.SORTABLE:
        sort_by = call.params["sort_by"]
    order = call.params.get("sort_order", "").lower()
    if order in ("asc", "desc"):
        descending = order == "desc"
    return sort_by, descending


def _request_listing(items: list[dict[str, Any]], sort_by: str, descending: bool) -> Listing:
    """Offset pages in the order asked."""
    return Listing(
        key="requests",
        items=items,
        position=lambda r: [r[sort_by], r["id"]],
        order=f"requests:{sort_by}:{'desc' if descending else 'asc'}",
        descending=descending,
    )


def _id_order_listing(items: list[dict[str, Any]], sort_by: str, descending: bool) -> Listing:
    """Cursor pages of requests in id order, whatever sort was asked: the real desk was
    seen answering cursor pages unsorted (contract 13.3), so clients must not rely on
    it. The cursor still names the sort asked, so it is not mixed with another."""
    return Listing(
        key="requests",
        items=sorted(items, key=lambda r: r["id"]),
        position=lambda r: [r["id"]],
        order=f"requests:{sort_by}:{'desc' if descending else 'asc'}",
    )


def _with_users(call: Call, body: dict[str, Any], requests: list[dict[str, Any]]) -> None:
    if "users" in call.params.get("include", "").split(","):
        body["users"] = queries.sideload_users(call.state, requests)


def me(call: Call) -> Response:
    """GET /api/v2/users/me"""
    return json_response(200, {"user": user_json(call.identity.user, call.state.base_url)})


def _lister(scope: str, statuses: tuple[str, ...] = ()) -> Callable[[Call], Response]:
    def handler(call: Call) -> Response:
        _require_verified(call)
        sort_by, descending = _sort(call, "created_at", False)
        wanted = statuses or tuple(queries.split_statuses(call.params.get("status")))
        items = queries.list_requests(
            call.state,
            call.user_id,
            scope=scope,
            statuses=wanted,
            sort_by=sort_by,
            descending=descending,
        )
        if wants_cursor(call.params):
            listing = _id_order_listing(items, sort_by, descending)
        else:
            listing = _request_listing(items, sort_by, descending)
        body = paginate(listing, call.params, call.link_base)
        _with_users(call, body, body["requests"])
        return json_response(200, body)

    return handler


def user_requests(call: Call) -> Response:
    """GET /api/v2/users/{id}/requests: an end user may only list their own."""
    if int(call.args[0]) != call.user_id:
        raise forbidden()
    return _lister("own")(call)


def search(call: Call) -> Response:
    """GET /api/v2/requests/search: offset pages only, at most 1,000 results reachable."""
    _require_verified(call)
    sort_by, descending = _sort(call, "updated_at", True)
    items = queries.search_requests(
        call.state,
        call.user_id,
        call.params.get("query", ""),
        statuses=queries.split_statuses(call.params.get("status")),
        cc_only=call.params.get("cc_id", "").lower() == "true",
        sort_by=sort_by,
        descending=descending,
    )

    def cap_error() -> ApiError:
        description = (
            "Invalid search: Requested response size was greater than Search Response Limits"
        )
        return ApiError(json_response(422, {"error": "invalid", "description": description}))

    params = {k: v for k, v in call.params.items() if not k.startswith("page[")}
    listing = _request_listing(items, sort_by, descending)
    body = offset_page(listing, params, call.link_base, record_cap=1000, cap_error=cap_error)
    _with_users(call, body, body["requests"])
    return json_response(200, body)


def show(call: Call) -> Response:
    """GET /api/v2/requests/{id}"""
    _require_verified(call)
    request = tickets.show_request(call.state, call.identity.user, int(call.args[0]))
    body: dict[str, Any] = {"request": request}
    _with_users(call, body, [request])
    return json_response(200, body)


def create(call: Call) -> Response:
    """POST /api/v2/requests"""
    request, dropped = tickets.create_request(call.state, call.identity.user, call.json())
    headers = {"Location": request["url"], **warn_header("create", dropped)}
    return json_response(201, {"request": request}, headers=headers)


def update(call: Call) -> Response:
    """PUT /api/v2/requests/{id}"""
    payload = call.json()
    request, dropped = tickets.update_request(
        call.state, call.identity.user, int(call.args[0]), payload
    )
    return json_response(200, {"request": request}, headers=warn_header("update", dropped))


def comments(call: Call) -> Response:
    """GET /api/v2/requests/{id}/comments: public comments, oldest first by default."""
    _require_verified(call)
    since = None
    if call.params.get("since"):
        try:
            since = parse_iso(call.params["since"])
        except ValueError:
            raise bad_request("InvalidParameter", "since must be an ISO 8601 time") from None
    if wants_cursor(call.params):
        sort = call.params.get("sort", "created_at")
        descending = sort == "-created_at"
    else:
        descending = call.params.get("sort_order", "").lower() == "desc"
    items = queries.list_comments(
        call.state,
        call.user_id,
        int(call.args[0]),
        role=call.params.get("role"),
        since=since,
        descending=descending,
    )
    listing = Listing(
        key="comments",
        items=items,
        position=lambda c: [c["created_at"], c["id"]],
        order=f"comments:created_at:{'desc' if descending else 'asc'}",
        descending=descending,
    )
    body = paginate(listing, call.params, call.link_base)
    if "users" in call.params.get("include", "").split(","):
        body["users"] = queries.comment_authors(call.state, body["comments"])
    return json_response(200, body)


def comment(call: Call) -> Response:
    """GET /api/v2/requests/{id}/comments/{comment_id}"""
    _require_verified(call)
    found = queries.show_comment(call.state, call.user_id, int(call.args[0]), int(call.args[1]))
    return json_response(200, {"comment": found})


def upload(call: Call) -> Response:
    """POST /api/v2/uploads?filename=NAME[&token=T] with the raw file as the body."""
    filename = call.params.get("filename", "").strip()
    if not filename:
        raise record_invalid(
            {"filename": [{"description": "Filename: cannot be blank", "error": "BlankValue"}]}
        )
    limit = call.config.max_upload_bytes
    if call.body.length is not None and call.body.length > limit:
        raise ApiError(too_large(limit))  # refused before reading a byte of it
    if call.body.length == 0 or (call.body.length is None and not call.body.chunked):
        raise uploads.empty_file_error()
    try:
        payload, attachment_id = uploads.store(
            call.state,
            uploader_id=call.user_id,
            filename=filename,
            content_type=uploads.content_type_for(call.headers.get("Content-Type"), filename),
            chunks=call.body.chunks(limit),
            token=call.params.get("token") or None,
        )
    except BodyTooLargeError:
        raise ApiError(too_large(limit)) from None
    location = f"{call.state.base_url}/api/v2/attachments/{attachment_id}.json"
    # Real upload answers carry a JSON body labelled text/plain.
    return json_response(201, payload, content_type=TEXT_TYPE, headers={"Location": location})


def delete_upload(call: Call) -> Response:
    """DELETE /api/v2/uploads/{token}"""
    uploads.delete(call.state, call.args[0], call.user_id)
    return Response(204, b"", None)


def attachment(call: Call) -> Response:
    """GET /api/v2/attachments/{id}"""
    return json_response(200, uploads.show(call.state, call.user_id, int(call.args[0])))


ROUTES: list[tuple[str, re.Pattern[str], Callable[[Call], Response]]] = [
    (method, re.compile(pattern), handler)
    for method, pattern, handler in [
        ("GET", r"/api/v2/users/me", me),
        ("GET", r"/api/v2/users/(\d+)/requests", user_requests),
        ("GET", r"/api/v2/requests", _lister("own")),
        ("POST", r"/api/v2/requests", create),
        ("GET", r"/api/v2/requests/open", _lister("own", ("open",))),
        ("GET", r"/api/v2/requests/solved", _lister("own", ("solved",))),
        ("GET", r"/api/v2/requests/ccd", _lister("ccd")),
        ("GET", r"/api/v2/requests/search", search),
        ("GET", r"/api/v2/requests/(\d+)", show),
        ("PUT", r"/api/v2/requests/(\d+)", update),
        ("GET", r"/api/v2/requests/(\d+)/comments", comments),
        ("GET", r"/api/v2/requests/(\d+)/comments/(\d+)", comment),
        ("POST", r"/api/v2/uploads", upload),
        ("DELETE", r"/api/v2/uploads/([A-Za-z0-9]+)", delete_upload),
        ("GET", r"/api/v2/attachments/(\d+)", attachment),
    ]
]


def match(method: str, path: str) -> tuple[Callable[[Call], Response], tuple[str, ...]] | None:
    """The handler and path arguments for a normalised path, or None."""
    for route_method, pattern, handler in ROUTES:
        found = pattern.fullmatch(path)
        if found and route_method == method:
            return handler, found.groups()
    return None
