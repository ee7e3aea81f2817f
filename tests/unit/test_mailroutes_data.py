"""The email route's addresses are data with a source and a year, the newest address a
provider page names for each route; the user docs list the same."""

from __future__ import annotations

import re
from pathlib import Path

from ctlsupport.core import mailroutes
from ctlsupport.data import load

DOCS = Path(__file__).resolve().parents[2] / "docs" / "email.md"


def test_every_route_has_its_address_source_and_year():
    origins = mailroutes.origins()
    assert set(origins) == set(mailroutes.ROUTE_NAMES)
    for name, origin in origins.items():
        assert origin.source.strip(), name
        assert 2014 <= origin.year <= 2026, name
        assert origin.sourced, f"{name}: a guessed address must be confirmed before it is a default"


def test_each_default_is_the_newest_address_the_history_names_for_its_route():
    history = load(mailroutes.FILE_NAME)[0]["history"]  # what each provider page said
    assert [entry["year"] for entry in history] == sorted(entry["year"] for entry in history)
    for name, origin in mailroutes.origins().items():
        named = [(e["year"], e["routes"][name]) for e in history if name in e.get("routes", {})]
        if not origin.address:  # enterprise: the provider gives each customer its own
            assert not named
            continue
        assert named, f"{name}: no provider page in the history names {origin.address}"
        newest = max(year for year, _ in named)
        assert (origin.year, origin.address) in named and origin.year == newest, name


def test_the_docs_table_lists_each_default_and_its_year():
    rows = {}
    for line in DOCS.read_text().splitlines():
        found = re.match(r"\| `(\w+)` \| [^|]+ \| ([^|]+) \| ([^|]+) \|$", line)
        if found:
            rows[found.group(1)] = (found.group(2), found.group(3))
    for name, origin in mailroutes.origins().items():
        address, source = rows[name]
        if origin.address:
            assert f"`{origin.address}`" in address, name
            assert str(origin.year) in source, name


def test_the_high_address_makes_high_even_when_urgent_shares_it():
    by_address = mailroutes.priority_by_address()
    assert by_address[mailroutes.resolve(None, priority="high").address] == "high"
    assert by_address[mailroutes.resolve(None, priority="normal").address] == "normal"
    own = mailroutes.priority_by_address({"urgent": "urgent@provider.example"})
    assert own["urgent@provider.example"] == "urgent"
