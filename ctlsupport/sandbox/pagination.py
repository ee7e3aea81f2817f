"""Cursor and offset pagination in the Support API's shapes (contract §5).

Lists here are small, so each endpoint computes its full, sorted list and this module
cuts the page. A cursor records the sort position of an item, not an index, so pages
stay stable while requests are added.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from .errors import ApiError, bad_request

MAX_PAGE_SIZE = 100
OFFSET_RECORD_CAP = 10_000
CURSOR_KEYS = ("page[size]", "page[after]", "page[before]")


@dataclass
class Listing:
    """A complete list in its final order, and how to locate an item in that order."""

    key: str
    items: list[dict[str, Any]]
    position: Callable[[dict[str, Any]], list[Any]]
    order: str
    descending: bool = False


def wants_cursor(params: Mapping[str, str]) -> bool:
    """Cursor pagination is chosen by sending any `page[...]` parameter."""
    return any(key in params for key in CURSOR_KEYS)


def paginate(listing: Listing, params: Mapping[str, str], link_base: str) -> dict[str, Any]:
    """Cursor page when asked for, offset page otherwise."""
    if wants_cursor(params):
        return cursor_page(listing, params, link_base)
    return offset_page(listing, params, link_base)


def _invalid(description: str) -> ApiError:
    return bad_request("InvalidPaginationParameter", description)


def encode_cursor(order: str, position: list[Any]) -> str:
    """Opaque base64 JSON, like Zendesk's `{"o": ..., "v": ...}` cursors."""
    raw = json.dumps({"o": order, "v": position}, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(raw).decode("ascii")


def decode_cursor(order: str, cursor: str, name: str) -> list[Any]:
    """The position inside a cursor; 400 when it is malformed or from another order."""
    try:
        data = json.loads(base64.b64decode(cursor.encode("ascii"), validate=True))
    except (binascii.Error, UnicodeError, ValueError, RecursionError):
        raise _invalid(f"{name} is not a valid cursor") from None
    if not isinstance(data, dict) or data.get("o") != order or not isinstance(data.get("v"), list):
        raise _invalid(f"{name} is not a valid cursor for this list and sort order")
    return data["v"]


def _page_size(params: Mapping[str, str]) -> int:
    raw = params.get("page[size]")
    if raw is None or raw == "":
        return MAX_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise _invalid(f"page[size] must be an integer between 1 and {MAX_PAGE_SIZE}")
    return size


def _link(link_base: str, params: Mapping[str, str], changes: Mapping[str, str]) -> str:
    """Query keys alphabetically ordered and percent-encoded (`page%5Bsize%5D`)."""
    merged = {k: v for k, v in params.items() if k not in ("page[after]", "page[before]")}
    merged.update(changes)
    return f"{link_base}?{urlencode(sorted(merged.items()), quote_via=quote)}"


def _after(a: list[Any], b: list[Any], descending: bool) -> bool:
    """Whether position `a` comes after `b` in the list's order."""
    return a < b if descending else a > b


def cursor_page(listing: Listing, params: Mapping[str, str], link_base: str) -> dict[str, Any]:
    """One cursor page; `links.next` and `links.prev` are always present."""
    size = _page_size(params)
    after = params.get("page[after]") or None
    before = params.get("page[before]") or None
    if after and before:
        raise _invalid("page[after] and page[before] cannot be combined")
    items = listing.items
    positions = [listing.position(item) for item in items]
    try:
        if before is not None:
            mark = decode_cursor(listing.order, before, "page[before]")
            earlier = [i for i, p in enumerate(positions) if _after(mark, p, listing.descending)]
            chosen = earlier[-size:]
            has_more = len(earlier) > size
        else:
            start = 0
            if after is not None:
                mark = decode_cursor(listing.order, after, "page[after]")
                later = [i for i, p in enumerate(positions) if _after(p, mark, listing.descending)]
                start = later[0] if later else len(items)
            chosen = list(range(start, min(start + size, len(items))))
            has_more = start + size < len(items)
    except TypeError:
        # A hand-made cursor whose values cannot be compared with this list's positions.
        raise _invalid("the cursor does not fit this list") from None
    page = [items[i] for i in chosen]
    after_cursor = encode_cursor(listing.order, positions[chosen[-1]]) if chosen else None
    before_cursor = encode_cursor(listing.order, positions[chosen[0]]) if chosen else None
    # An empty page past a cursor keeps pointing at that cursor rather than restarting.
    next_mark = after_cursor or after or before or ""
    prev_mark = before_cursor or before or after or ""
    size_param = {"page[size]": str(size)}
    return {
        listing.key: page,
        "meta": {
            "has_more": has_more,
            "after_cursor": after_cursor,
            "before_cursor": before_cursor,
        },
        "links": {
            "prev": _link(link_base, params, {**size_param, "page[before]": prev_mark}),
            "next": _link(link_base, params, {**size_param, "page[after]": next_mark}),
        },
    }


def _positive_int(raw: str | None, default: int) -> int:
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        return default
    return value if value >= 1 else default


def offset_page(
    listing: Listing,
    params: Mapping[str, str],
    link_base: str,
    *,
    record_cap: int = OFFSET_RECORD_CAP,
    cap_error: Callable[[], ApiError] | None = None,
) -> dict[str, Any]:
    """One offset page with `next_page`, `previous_page` and `count`."""
    page = _positive_int(params.get("page"), 1)
    per_page = min(_positive_int(params.get("per_page"), MAX_PAGE_SIZE), MAX_PAGE_SIZE)
    offset = (page - 1) * per_page
    if offset >= record_cap:
        if cap_error is not None:
            raise cap_error()
        raise bad_request(
            "InvalidPaginationParameter",
            f"Offset pagination is limited to the first {record_cap} records; "
            "use cursor pagination (page[size]) instead",
        )
    total = len(listing.items)
    chunk = listing.items[offset : offset + per_page]
    next_page = (
        _link(link_base, params, {"page": str(page + 1)}) if offset + per_page < total else None
    )
    previous_page = _link(link_base, params, {"page": str(page - 1)}) if page > 1 else None
    return {
        listing.key: chunk,
        "next_page": next_page,
        "previous_page": previous_page,
        "count": total,
    }
