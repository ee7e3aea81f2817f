"""Help Center article search (contract §7): anonymous on a public help center."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ctlsupport.errors import AuthError, BadAnswer
from ctlsupport.model import printable
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


def _text(value: object) -> str:
    """Text from the help center, safe for a terminal (anything not text is empty)."""
    return printable(value) if isinstance(value, str | int | float) else ""


def parse_article(data: object) -> Article:
    """An Article from a search result object; BadAnswer when it is not one."""
    article_id = data.get("id") if isinstance(data, dict) else None
    if isinstance(article_id, bool) or not isinstance(article_id, int):
        raise BadAnswer("the help center sent an article without a valid id")
    assert isinstance(data, dict)
    section = data.get("section_id")
    labels = data.get("label_names")
    return Article(
        id=article_id,
        title=_text(data.get("title")) or _text(data.get("name")),
        html_url=_text(data.get("html_url")),
        snippet=_text(data.get("snippet")),
        section_id=section if isinstance(section, int) and not isinstance(section, bool) else None,
        labels=[_text(x) for x in labels] if isinstance(labels, list) else [],
        updated_at=_text(data.get("updated_at")),
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
    data = session.object("GET", SEARCH_PATH, params=params)
    results = data.get("results") or []
    if not isinstance(results, list):
        raise BadAnswer("the help center's answer has no list of results")
    count = data.get("count")
    following = data.get("next_page")
    return SearchPage(
        articles=[parse_article(item) for item in results],
        count=count if isinstance(count, int) and count >= 0 else len(results),
        next_page=following if isinstance(following, str) else None,
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
