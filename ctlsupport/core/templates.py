"""Problem templates: TOML files that pre-fill a ticket for a known kind of problem.

The packaged ones are in `ctlsupport/data/templates/`; a team's own, in the config
directory's `templates/` folder, add to them or replace one of the same name. Each
holds a subject pattern, a suggested priority and the matrix criterion it rests on, a
description skeleton, the questions specific to the problem, the knowledge-base
articles to read first, and the L1 checklist. `names()` only lists files: TAB calls it.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctlsupport.errors import ConfigError, NotFound

FOLDER = "templates"
# What a subject pattern or description skeleton may name, in braces.
PLACEHOLDERS = ("customer_alias", "customer_name", "server", "ip", "datacenter")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


@dataclass(frozen=True)
class Item:
    """A question, or a checklist item: a short id (for flags) and its text."""

    id: str
    text: str


@dataclass(frozen=True)
class Article:
    title: str
    query: str  # what `ctlsupport kb search` finds it with


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    kind: str
    subject: str
    priority: str
    criterion: str
    description: str
    questions: tuple[Item, ...]
    articles: tuple[Article, ...]
    checklist: tuple[Item, ...]
    origin: str

    def fill(self, values: dict[str, str]) -> tuple[str, str]:
        """The subject and description with the known values put in (unknown ones
        stay as `{name}`, for the person to see and replace)."""
        known = _Blanks({k: v for k, v in values.items() if v})
        return self.subject.format_map(known), self.description.strip().format_map(known)


class _Blanks(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _packaged() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / FOLDER


def _team() -> Path:
    from ctlsupport.config import paths

    return paths.config_dir() / FOLDER


def files() -> dict[str, Path]:
    """Template name -> file; the team's own file wins over a packaged one."""
    found: dict[str, Path] = {}
    for folder in (_packaged(), _team()):
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                found[path.stem] = path
    return dict(sorted(found.items()))


def names() -> dict[str, str]:
    """Template name -> where it comes from (for TAB: no file is parsed)."""
    team = _team()
    return {n: "team" if p.parent == team else "" for n, p in files().items()}


def load(name: str) -> Template:
    """One template by name, validated."""
    path = files().get(name.strip().lower())
    if path is None:
        raise NotFound(
            f"no template {name!r}; known: {', '.join(files()) or 'none'}",
            hint="`ctlsupport templates list` shows them.",
        )
    return parse(path.read_text("utf-8"), path.stem, str(path))


def load_all() -> list[Template]:
    """Every template, by name."""
    return [load(name) for name in files()]


def parse(text: str, name: str, origin: str) -> Template:
    """A template from its TOML text; ConfigError names the file and every problem."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: invalid TOML: {exc}") from None
    problems = validate(data, name)
    if problems:
        raise ConfigError(
            f"{origin}: invalid template: {'; '.join(problems)}",
            hint="Fix the file, or remove it to use the packaged template.",
        )
    return Template(
        name=name,
        title=data["title"].strip(),
        kind=data.get("kind", "incident"),
        subject=data["subject"].strip(),
        priority=data["priority"],
        criterion=data["criterion"],
        description=data["description"],
        questions=tuple(Item(q["id"], q["text"].strip()) for q in data.get("questions", [])),
        articles=tuple(Article(a["title"], a.get("query") or a["title"]) for a in data["articles"]),
        checklist=tuple(Item(c["id"], c["text"].strip()) for c in data["checklist"]),
        origin=origin,
    )


def validate(data: dict[str, Any], name: str) -> list[str]:
    """Every problem of a parsed template, as short phrases (empty: valid)."""
    from ctlsupport.core.priority import CRITERIA
    from ctlsupport.core.triage import KINDS

    problems = []
    if not _NAME.fullmatch(name):
        problems.append(f"the file name {name!r} must be lower-case letters, digits and -")
    for key in ("title", "subject", "priority", "criterion", "description"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(f"{key} is missing")
    priority = data.get("priority")
    if priority in CRITERIA:
        if data.get("criterion") not in CRITERIA[priority]:
            allowed = "; ".join(CRITERIA[priority])
            problems.append(f"criterion must be one of the matrix's for {priority}: {allowed}")
    elif priority is not None:
        problems.append(f"priority must be one of {', '.join(CRITERIA)}")
    if data.get("kind", "incident") not in KINDS:
        problems.append(f"kind must be one of {', '.join(KINDS)}")
    for key in ("subject", "description"):
        problems += _placeholders(key, data.get(key))
    problems += _items("questions", data.get("questions", []), required=False)
    problems += _items("checklist", data.get("checklist"), required=True)
    articles = data.get("articles")
    if not isinstance(articles, list) or not articles:
        problems.append("articles: at least one knowledge-base article to read first")
    elif not all(isinstance(a, dict) and str(a.get("title", "")).strip() for a in articles):
        problems.append("articles: each needs a title")
    return problems


def _placeholders(key: str, text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    try:
        used = [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]
    except ValueError as exc:
        return [f"{key}: {exc}"]
    unknown = [f for f in used if f not in PLACEHOLDERS]
    if unknown:
        return [f"{key}: unknown {{{unknown[0]}}}; use {', '.join(PLACEHOLDERS)}"]
    return []


def _items(key: str, items: object, *, required: bool) -> list[str]:
    if items is None and not required:
        return []
    if not isinstance(items, list) or (required and not items):
        return [f"{key}: at least one [[{key}]] with id and text"]
    seen: set[str] = set()
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict) or not str(item.get("text", "")).strip():
            return [f"{key} #{index}: needs a text"]
        ident = item.get("id")
        if not isinstance(ident, str) or not _ID.fullmatch(ident):
            return [f"{key} #{index}: id must be a short lower-case word (a-z, 0-9, - or _)"]
        if ident in seen:
            return [f"{key} #{index}: id {ident!r} is used twice"]
        seen.add(ident)
    return []
