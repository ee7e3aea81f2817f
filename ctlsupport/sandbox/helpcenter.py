"""Help Center article search (contract §7): public, offset pages, `<em>` snippets.

The articles are package data (`ctlsupport/data/articles.toml`); searching needs no
sign-in, as on a public help center.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any
from urllib.parse import urlencode

from .errors import Response, bad_request, invalid_endpoint, json_response

_PATH = re.compile(r"/api/v2/help_center(?:/(?P<locale>[a-z]{2}(?:-[a-z]{2})?))?/articles/search")
DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_RESULTS = 1000
SEARCH_KEYS = ("query", "category", "section", "label_names")
_WORD = re.compile(r"[a-z0-9][a-z0-9-]*")
_TAG = re.compile(r"<[^>]+>")
# Words too common to rank by.
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "for",
        "from",
        "has",
        "how",
        "i",
        "in",
        "is",
        "it",
        "my",
        "not",
        "of",
        "on",
        "or",
        "our",
        "the",
        "their",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "why",
        "with",
        "you",
        "your",
    ]
)


@cache
def articles() -> list[dict[str, Any]]:
    """The packaged article set."""
    from ctlsupport.data import load

    return list(load("articles.toml")[0]["articles"])


def handles(path: str) -> bool:
    """Whether a path is the (public) article search."""
    return _PATH.fullmatch(path.rstrip("/").removesuffix(".json")) is not None


def words(text: str) -> list[str]:
    """Lower-cased search words, without the most common ones."""
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1]


def _plain(body: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", body)).split())


def _score(article: dict[str, Any], wanted: list[str]) -> int:
    title = set(words(article["title"]))
    labels = set(words(" ".join(article.get("labels", []))))
    body = words(_plain(article["body"]))
    return sum(3 * (w in title) + 2 * (w in labels) + min(body.count(w), 3) for w in wanted)


def snippet(article: dict[str, Any], wanted: list[str], size: int = 160) -> str:
    """A piece of the body around the first match, matched words wrapped in `<em>`."""
    text = _plain(article["body"])
    lower = text.lower()
    starts = [lower.find(w) for w in wanted if w in lower]
    start = max(0, min(starts) - 40) if starts else 0
    piece = text[start : start + size]
    piece = html.escape(piece, quote=False)
    if wanted:
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, wanted)) + r")\w*", re.I)
        piece = pattern.sub(lambda m: f"<em>{m.group(0)}</em>", piece)
    return ("…" if start else "") + piece + ("…" if start + size < len(text) else "")


def _slug(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")


def article_json(article: dict[str, Any], base_url: str, locale: str) -> dict[str, Any]:
    """An article in the Help Center API's shape."""
    slug = f"{article['id']}-{_slug(article['title'])}"
    return {
        "id": article["id"],
        "url": f"{base_url}/api/v2/help_center/{locale}/articles/{slug}.json",
        "html_url": f"{base_url}/hc/{locale}/articles/{slug}",
        "author_id": 7000000000001,
        "comments_disabled": True,
        "content_tag_ids": [],
        "draft": False,
        "promoted": False,
        "position": 0,
        "vote_sum": 0,
        "vote_count": 0,
        "section_id": article["section_id"],
        "created_at": article["created_at"],
        "updated_at": article["updated_at"],
        "edited_at": article["updated_at"],
        "name": article["title"],
        "title": article["title"],
        "body": article["body"],
        "source_locale": "en-us",
        "locale": locale,
        "outdated": False,
        "outdated_locales": [],
        "label_names": list(article.get("labels", [])),
        "user_segment_id": None,
        "permission_group_id": 1,
    }


def _int(value: str | None, default: int) -> int:
    try:
        number = int(value) if value else default
    except ValueError:
        raise bad_request("InvalidParameter", f"not a number: {value}") from None
    if number < 1:
        raise bad_request("InvalidParameter", f"must be 1 or more: {value}")
    return number


def search(base_url: str, path: str, params: dict[str, str]) -> dict[str, Any]:
    """The search result page for these parameters; 400 when no search parameter."""
    if not any(params.get(key, "").strip() for key in SEARCH_KEYS):
        raise bad_request(
            "InvalidSearch", "Provide at least one of query, category, section or label_names"
        )
    found = _PATH.fullmatch(path.rstrip("/").removesuffix(".json"))
    locale = (found and found.group("locale")) or params.get("locale") or "en-us"
    wanted = words(params.get("query", ""))
    labels = {x.strip().lower() for x in params.get("label_names", "").split(",") if x.strip()}
    sections = {x.strip() for x in params.get("section", "").split(",") if x.strip()}
    ranked = []
    for article in articles():
        if labels and not labels & {x.lower() for x in article.get("labels", [])}:
            continue
        if sections and str(article["section_id"]) not in sections:
            continue
        score = _score(article, wanted) if wanted else 1
        if score:
            ranked.append((score, article))
    ranked.sort(key=lambda pair: (-pair[0], pair[1]["id"]))
    ranked = ranked[:MAX_RESULTS]
    page = _int(params.get("page"), 1)
    per_page = min(_int(params.get("per_page"), DEFAULT_PER_PAGE), MAX_PER_PAGE)
    chunk = ranked[(page - 1) * per_page : page * per_page]
    results = []
    for _score_value, article in chunk:
        item = article_json(article, base_url, locale)
        item.update(result_type="article", snippet=snippet(article, wanted))
        results.append(item)
    total = len(ranked)
    link = f"{base_url}{path}"

    def page_link(number: int) -> str:
        return f"{link}?{urlencode({**params, 'page': str(number)})}"

    return {
        "results": results,
        "count": total,
        "next_page": page_link(page + 1) if page * per_page < total else None,
        "previous_page": page_link(page - 1) if page > 1 else None,
        "page": page,
        "per_page": per_page,
        "page_count": max(1, -(-total // per_page)),
        "sort_by": params.get("sort_by") or "relevance",
        "sort_order": params.get("sort_order") or "desc",
    }


def handle(base_url: str, method: str, path: str, params: dict[str, str]) -> Response:
    """Answer one Help Center call (GET only)."""
    from .errors import ApiError

    if method != "GET":
        return invalid_endpoint().response
    try:
        return json_response(200, search(base_url, path, params))
    except ApiError as exc:
        return exc.response
