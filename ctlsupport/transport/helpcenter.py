"""Help Center article search (contract §7): anonymous on a public help center."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ctlsupport.errors import AuthError
from ctlsupport.transport.http import Credentials, DeskSession

SEARCH_PATH = "/api/v2/help_center/articles/search.json"
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Article:
    """One search hit: enough to show it and open it in a browser."""

    id: int
    title: str
    html_url: str
    snippet: str  # as the desk sends it: matched words wrapped in <em>
    section_id: int | None = None
    labels: list[str] = field(default_factory=list)
    updated_at: str = ""

    @property
    def snippet_text(self) -> str:
        """The snippet without markup."""
        return html.unescape(_TAG.sub("", self.snippet))


@dataclass
class SearchPage:
    """One page of results, and whether there are more."""

    articles: list[Article]
    count: int
    next_page: str | None


def parse_article(data: dict[str, Any]) -> Article:
    """An Article from a search result object."""
    return Article(
        id=int(data["id"]),
        title=data.get("title") or data.get("name") or "",
        html_url=data.get("html_url") or "",
        snippet=data.get("snippet") or "",
        section_id=data.get("section_id"),
        labels=list(data.get("label_names") or []),
        updated_at=data.get("updated_at") or "",
    )


def search(
    base_url: str,
    query: str,
    *,
    per_page: int = 25,
    page: int = 1,
    credentials: Credentials | None = None,
    debug: Callable[[str], None] | None = None,
    quick: bool = False,
) -> SearchPage:
    """Search articles; anonymous unless credentials are given (a sign-in-only center)."""
    session = DeskSession(base_url, credentials, debug=debug, quick=quick)
    params = {"query": query, "per_page": per_page, "page": page}
    data = session.json("GET", SEARCH_PATH, params=params) or {}
    return SearchPage(
        articles=[parse_article(item) for item in data.get("results") or []],
        count=int(data.get("count") or 0),
        next_page=data.get("next_page"),
    )


def search_any(
    base_url: str,
    query: str,
    *,
    per_page: int = 25,
    page: int = 1,
    credentials: Callable[[], Credentials] | None = None,
    debug: Callable[[str], None] | None = None,
    quick: bool = False,
) -> SearchPage:
    """Anonymous first; when the help center wants a sign-in, once more with credentials."""
    options = {"per_page": per_page, "page": page, "debug": debug, "quick": quick}
    try:
        return search(base_url, query, **options)
    except AuthError:
        if credentials is None:
            raise
        return search(base_url, query, credentials=credentials(), **options)
