"""The desk client: the Zendesk end-user Requests API, uploads and users/me."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from ctlsupport.errors import BadAnswer, NotFound
from ctlsupport.model import Attachment, Comment, Request
from ctlsupport.secret import mask_ticket_secrets
from ctlsupport.transport.http import DeskSession
from ctlsupport.transport.progress import Progress, ProgressReader

PAGE_SIZE = 100
T = TypeVar("T")


def _id(value: object) -> int | None:
    """A desk id: a positive integer within SQLite's and Zendesk's range, else None."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        return None
    return value


def _text(value: object) -> str:
    """A text field: strings as sent, numbers as text, anything else empty."""
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else ""


def _required_id(data: object, what: str) -> int:
    """The id of an object the desk sent, or BadAnswer."""
    found = _id(data.get("id")) if isinstance(data, dict) else None
    if found is None:
        raise BadAnswer(f"the desk sent {what} without a valid id")
    return found


def _custom_fields(value: object) -> list[dict[str, Any]]:
    """`[{"id": N, "value": V}]` with numeric ids and plain values; anything else dropped."""
    if not isinstance(value, list):
        return []
    fields = []
    for entry in value[:200]:  # a desk's custom fields are few; never an unbounded list
        if not isinstance(entry, dict) or _id(entry.get("id")) is None:
            continue
        plain = entry.get("value")
        if isinstance(plain, str):
            plain = _text(plain)
        elif not isinstance(plain, bool | int | float | type(None)):
            continue
        fields.append({"id": entry["id"], "value": plain})
    return fields


def parse_request(data: dict[str, Any], web_base: str) -> Request:
    """A Request from the desk's JSON object; BadAnswer when it is not one."""
    request_id = _required_id(data, "a request")
    via = data.get("via")
    ccs = data.get("email_cc_ids")
    collaborators = data.get("collaborator_ids")
    return Request(
        id=request_id,
        subject=_text(data.get("subject")),
        status=_text(data.get("status")),
        priority=_text(data.get("priority")) or None,
        type=_text(data.get("type")) or None,
        description=mask_ticket_secrets(_text(data.get("description"))),
        created_at=_text(data.get("created_at")),
        updated_at=_text(data.get("updated_at")),
        url=_text(data.get("url")),
        web_url=f"{web_base}/hc/requests/{request_id}",
        requester_id=_id(data.get("requester_id")),
        assignee_id=_id(data.get("assignee_id")),
        email_cc_ids=[i for i in ccs if _id(i)] if isinstance(ccs, list) else [],
        can_be_solved_by_me=data.get("can_be_solved_by_me") is True,
        followup_source_id=_id(data.get("followup_source_id")),
        via_channel=_text(via.get("channel")) or None if isinstance(via, dict) else None,
        collaborator_ids=[i for i in collaborators if _id(i)]
        if isinstance(collaborators, list)
        else [],
        custom_fields=_custom_fields(data.get("custom_fields")),
        group_id=_id(data.get("group_id")),
    )


def parse_comment(data: dict[str, Any], names: dict[int, str]) -> Comment:
    """A Comment from the desk's JSON object; BadAnswer when it is not one."""
    comment_id = _required_id(data, "a comment")
    author = _id(data.get("author_id")) or 0
    files = data.get("attachments")
    return Comment(
        id=comment_id,
        author_id=author,
        author_name=names.get(author, f"user {author}"),
        body=mask_ticket_secrets(_text(data.get("plain_body")) or _text(data.get("body"))),
        public=data.get("public", True) is not False,
        created_at=_text(data.get("created_at")),
        attachments=[
            Attachment(
                file_name=_text(a.get("file_name")),
                size=_id(a.get("size")) or 0,
                content_type=_text(a.get("content_type")),
                content_url=_text(a.get("content_url")),
            )
            for a in (files if isinstance(files, list) else [])
            if isinstance(a, dict)
        ],
    )


def _names(page: dict[str, Any]) -> dict[int, str]:
    """User names side-loaded with a page of comments (ill-formed entries skipped)."""
    users = page.get("users")
    return {
        _id(u.get("id")) or 0: _text(u.get("name"))
        for u in (users if isinstance(users, list) else [])
        if isinstance(u, dict)
    }


class DeskClient:
    """What ctlsupport asks of the desk, as an end user."""

    def __init__(self, session: DeskSession) -> None:
        self.http = session
        self.web_base = session.base_url
        # (file name, bytes sent, total) during uploads; the CLI draws a progress bar.
        self.on_upload_progress: Callable[[str, int, int], None] | None = None

    def me(self) -> dict[str, Any]:
        return self.http.object("GET", "/api/v2/users/me.json", "user")

    def create_request(self, payload: dict[str, Any]) -> Request:
        data = self.http.object("POST", "/api/v2/requests.json", "request", json=payload)
        return self._made(parse_request, data)

    def get_request(self, request_id: int) -> Request:
        data = self.http.object("GET", f"/api/v2/requests/{request_id}.json", "request")
        return parse_request(data, self.web_base)

    def iter_requests(
        self, *, sort_by: str = "updated_at", sort_order: str = "desc", page_size: int = PAGE_SIZE
    ) -> Iterator[Request]:
        """Every request of the caller in the order asked. Cursor pages may ignore the
        sort (contract 13.3), so every page is read and the list is sorted here."""
        pages = self.scan_requests(sort_by=sort_by, sort_order=sort_order, page_size=page_size)
        found = sorted(
            pages,
            key=lambda r: (getattr(r, sort_by, "") or "", r.id),
            reverse=sort_order == "desc",
        )
        yield from found

    def scan_requests(
        self, *, sort_by: str = "created_at", sort_order: str = "desc", page_size: int = PAGE_SIZE
    ) -> Iterator[Request]:
        """Every request of the caller, in the order the pages come (no order promised)."""
        params: dict[str, Any] = {"page[size]": page_size, "sort_by": sort_by,
                                  "sort_order": sort_order}  # fmt: skip
        for page in self._pages("/api/v2/requests.json", params, "requests"):
            for item in page["requests"]:
                yield parse_request(item, self.web_base)

    def iter_comments(
        self,
        request_id: int,
        *,
        newest_first: bool = False,
        role: str | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[Comment]:
        """The public thread of a request, oldest first (or newest first); `role` is
        agent or end_user to see only those authors' comments."""
        url = f"/api/v2/requests/{request_id}/comments.json"
        params: dict[str, Any] = {"page[size]": page_size, "include": "users"}
        if newest_first:
            params["sort"] = "-created_at"
        if role:
            params["role"] = role
        for page in self._pages(url, params, "comments"):
            names = _names(page)
            for item in page["comments"]:
                yield parse_comment(item, names)

    def first_agent_comment(self, request_id: int) -> Comment | None:
        """The provider's first public answer on a request, if there is one yet."""
        return next(iter(self.iter_comments(request_id, role="agent", page_size=1)), None)

    def update_request(self, request_id: int, payload: dict[str, Any]) -> Request:
        """`PUT /api/v2/requests/{id}` (comment, solved, CCs)."""
        path = f"/api/v2/requests/{request_id}.json"
        data = self.http.object("PUT", path, "request", json=payload)
        return self._made(parse_request, data)

    def add_comment(
        self, request_id: int, body: str, upload_tokens: list[str] | None = None
    ) -> Request:
        """Add a public comment (with uploaded files) to a request."""
        comment: dict[str, Any] = {"body": body}
        if upload_tokens:
            comment["uploads"] = upload_tokens
        return self.update_request(request_id, {"request": {"comment": comment}})

    def solve(self, request_id: int) -> Request:
        """Mark a request solved (only allowed when `can_be_solved_by_me`)."""
        return self.update_request(request_id, {"request": {"solved": True}})

    def find_comment(self, request_id: int, marker: str) -> Comment | None:
        """The request's comment whose text carries `marker`, if any: every comment is
        read (not a window: a busy ticket has many), whatever order the pages come in."""
        for comment in self.iter_comments(request_id, newest_first=True):
            if marker in comment.body:
                return comment
        return None

    def find_commented(self, request_id: int, marker: str) -> Request | None:
        """The request when a comment of it carries `marker` (the comment reached the
        desk), else None: the look before sending a comment again."""
        found = self.find_comment(request_id, marker)
        return None if found is None else self.get_request(request_id)

    def find_by_reference(self, client_ref: str) -> Request | None:
        """The caller's request whose body carries this client reference, if any.

        Complete, not a window, and blind to page order (contract 13.3): the search
        index first (one call when it is there), then, since indexing lags behind a
        just-created request, every page of the caller's requests.
        """
        try:
            hits = self.search_requests(f'"{client_ref}"')
        except (BadAnswer, NotFound):
            hits = []  # a desk without search: the scan below is complete on its own
        for request in hits:
            if client_ref in request.description:
                return request
        for request in self.scan_requests():
            if client_ref in request.description:
                return request
        return None

    def search_requests(
        self, query: str, *, status: str | None = None, limit: int = 100
    ) -> list[Request]:
        """Requests matching a search (`GET /api/v2/requests/search`, one offset page)."""
        params: dict[str, Any] = {"query": query, "per_page": min(limit, PAGE_SIZE)}
        if status:
            params["status"] = status
        data = self.http.object("GET", "/api/v2/requests/search.json", params=params)
        items = data.get("requests")
        if not isinstance(items, list):
            raise BadAnswer("the desk's search answer has no list of requests")
        return [parse_request(item, self.web_base) for item in items]

    def _pages(self, url: str, params: dict[str, Any] | None, key: str) -> Iterator[dict[str, Any]]:
        """Cursor pages, each with a list under `key`. links.next is present even on the
        last page: has_more is the only stop signal. A page that makes no progress (empty,
        or a next link already followed) while claiming more is a BadAnswer, not a loop;
        a next link to another host is refused by the session."""
        followed: set[str] = set()
        while True:
            page = self.http.object("GET", url, params=params)
            items = page.get(key)
            if not isinstance(items, list):
                raise BadAnswer(f"a page of the desk's answer has no list of {key}")
            yield page
            meta = page.get("meta")
            if not (isinstance(meta, dict) and meta.get("has_more") is True):
                return
            links = page.get("links")
            following = links.get("next") if isinstance(links, dict) else None
            if not items or not isinstance(following, str) or following in followed:
                raise BadAnswer(
                    f"the desk's pages of {key} stopped making progress (more promised, "
                    "none given); stopped reading"
                )
            followed.add(following)
            url, params = following, None

    def _made(self, parse: Callable[..., T], data: dict[str, Any]) -> T:
        """Parse the answer to a write: a malformed one may still mean it was done."""
        try:
            return parse(data, self.web_base)
        except BadAnswer as exc:
            exc.maybe_sent = True
            raise

    def upload(
        self, path: Path, *, token: str | None = None, progress: Progress | None = None
    ) -> str:
        """Upload one file (streamed from disk); returns the upload token to attach it.

        `progress(sent, total)` is called as the file is read, else on_upload_progress.
        """
        params = {"filename": path.name}
        if token:
            params["token"] = token
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        size = path.stat().st_size
        report = progress or _named(self.on_upload_progress, path.name)
        with path.open("rb") as handle:
            body = handle if report is None else ProgressReader(handle, size, report)
            data = self.http.object(
                "POST",
                "/api/v2/uploads.json",
                "upload",
                params=params,
                data=body,
                headers={"Content-Type": content_type, "Content-Length": str(size)},
            )
        token = data.get("token")
        if not isinstance(token, str) or not token:
            raise BadAnswer("the desk's answer to an upload has no token")
        return token

    def upload_all(
        self, paths: Iterable[str | Path], on_upload: Callable[[str, int], None] | None = None
    ) -> list[str] | None:
        """Upload files under one token; the tokens to attach them (None without files).
        `on_upload(name, size)` is called after each file."""
        token = None
        for name in paths:
            path = Path(name)
            token = self.upload(path, token=token)
            if on_upload:
                on_upload(path.name, path.stat().st_size)
        return [token] if token else None


def _named(report: Callable[[str, int, int], None] | None, name: str) -> Progress | None:
    """A (sent, total) callback from a (file name, sent, total) one."""
    if report is None:
        return None
    return lambda sent, total: report(name, sent, total)
