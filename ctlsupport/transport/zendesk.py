"""The desk client: the Zendesk end-user Requests API, uploads and users/me."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ctlsupport.model import Attachment, Comment, Request
from ctlsupport.secret import mask_ticket_secrets
from ctlsupport.transport.http import DeskSession
from ctlsupport.transport.progress import Progress, ProgressReader

PAGE_SIZE = 100


def parse_request(data: dict[str, Any], web_base: str) -> Request:
    """A Request from the desk's JSON object."""
    return Request(
        id=int(data["id"]),
        subject=data.get("subject") or "",
        status=data.get("status") or "",
        priority=data.get("priority"),
        type=data.get("type"),
        description=mask_ticket_secrets(data.get("description") or ""),
        created_at=data.get("created_at") or "",
        updated_at=data.get("updated_at") or "",
        url=data.get("url") or "",
        web_url=f"{web_base}/hc/requests/{data['id']}",
        requester_id=data.get("requester_id"),
        assignee_id=data.get("assignee_id"),
        email_cc_ids=list(data.get("email_cc_ids") or []),
        can_be_solved_by_me=bool(data.get("can_be_solved_by_me")),
        followup_source_id=data.get("followup_source_id"),
        via_channel=(data.get("via") or {}).get("channel"),
        collaborator_ids=list(data.get("collaborator_ids") or []),
        custom_fields=[dict(f) for f in data.get("custom_fields") or [] if isinstance(f, dict)],
        group_id=data.get("group_id"),
    )


def parse_comment(data: dict[str, Any], names: dict[int, str]) -> Comment:
    author = int(data.get("author_id") or 0)
    return Comment(
        id=int(data["id"]),
        author_id=author,
        author_name=names.get(author, f"user {author}"),
        body=mask_ticket_secrets(data.get("plain_body") or data.get("body") or ""),
        public=bool(data.get("public", True)),
        created_at=data.get("created_at") or "",
        attachments=[
            Attachment(
                file_name=a.get("file_name", ""),
                size=int(a.get("size") or 0),
                content_type=a.get("content_type", ""),
                content_url=a.get("content_url", ""),
            )
            for a in data.get("attachments") or []
        ],
    )


class DeskClient:
    """What ctlsupport asks of the desk, as an end user."""

    def __init__(self, session: DeskSession) -> None:
        self.http = session
        self.web_base = session.base_url
        # (file name, bytes sent, total) during uploads; the CLI draws a progress bar.
        self.on_upload_progress: Callable[[str, int, int], None] | None = None

    def me(self) -> dict[str, Any]:
        return self.http.json("GET", "/api/v2/users/me.json")["user"]

    def create_request(self, payload: dict[str, Any]) -> Request:
        data = self.http.json("POST", "/api/v2/requests.json", json=payload)
        return parse_request(data["request"], self.web_base)

    def get_request(self, request_id: int) -> Request:
        data = self.http.json("GET", f"/api/v2/requests/{request_id}.json")
        return parse_request(data["request"], self.web_base)

    def iter_requests(
        self, *, sort_by: str = "updated_at", sort_order: str = "desc", page_size: int = PAGE_SIZE
    ) -> Iterator[Request]:
        """Every request of the caller, page by page (cursor pagination, loop on has_more)."""
        params: dict[str, Any] | None = {
            "page[size]": page_size,
            "sort_by": sort_by,
            "sort_order": sort_order,
        }
        url = "/api/v2/requests.json"
        for page in self._pages(url, params):
            for item in page.get("requests", []):
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
        for page in self._pages(url, params):
            names = {int(u["id"]): u.get("name", "") for u in page.get("users", []) or []}
            for item in page.get("comments", []):
                yield parse_comment(item, names)

    def first_agent_comment(self, request_id: int) -> Comment | None:
        """The provider's first public answer on a request, if there is one yet."""
        return next(iter(self.iter_comments(request_id, role="agent", page_size=1)), None)

    def update_request(self, request_id: int, payload: dict[str, Any]) -> Request:
        """`PUT /api/v2/requests/{id}` (comment, solved, CCs)."""
        data = self.http.json("PUT", f"/api/v2/requests/{request_id}.json", json=payload)
        return parse_request(data["request"], self.web_base)

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

    def find_comment(self, request_id: int, marker: str, *, newest: int = 200) -> Comment | None:
        """The request's recent comment whose text carries `marker`, if any."""
        for index, comment in enumerate(self.iter_comments(request_id, newest_first=True)):
            if marker in comment.body:
                return comment
            if index + 1 >= newest:
                break
        return None

    def find_commented(self, request_id: int, marker: str) -> Request | None:
        """The request when a recent comment of it carries `marker` (the comment reached
        the desk), else None: the look before sending a comment again."""
        found = self.find_comment(request_id, marker)
        return None if found is None else self.get_request(request_id)

    def find_by_reference(self, client_ref: str, *, newest: int = 300) -> Request | None:
        """The caller's recent request whose body carries this client reference, if any.

        Reads the newest requests, not the search index: a just-created request is
        listed at once, while search indexing lags.
        """
        for index, request in enumerate(self.iter_requests(sort_by="created_at")):
            if client_ref in request.description:
                return request
            if index + 1 >= newest:
                break
        return None

    def search_requests(
        self, query: str, *, status: str | None = None, limit: int = 100
    ) -> list[Request]:
        """Requests matching a search (`GET /api/v2/requests/search`, one offset page)."""
        params: dict[str, Any] = {"query": query, "per_page": min(limit, PAGE_SIZE)}
        if status:
            params["status"] = status
        data = self.http.json("GET", "/api/v2/requests/search.json", params=params) or {}
        return [parse_request(item, self.web_base) for item in data.get("requests") or []]

    def _pages(self, url: str, params: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
        # links.next is present even on the last page: has_more is the only stop signal.
        while True:
            page = self.http.json("GET", url, params=params)
            yield page
            if not (page.get("meta") or {}).get("has_more"):
                return
            url, params = page["links"]["next"], None

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
            data = self.http.json(
                "POST",
                "/api/v2/uploads.json",
                params=params,
                data=body,
                headers={"Content-Type": content_type, "Content-Length": str(size)},
            )
        return data["upload"]["token"]

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
