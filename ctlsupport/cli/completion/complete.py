"""Completers for option values and arguments, from the local history and tables only.

They run on every TAB, often before Typer is even imported (cli/entry.py), so they
use the standard library and light ctlsupport modules, never the network. Each takes
the words typed so far and the incomplete word, and returns (value, help) pairs.
Typer calls them through `autocompletion=`; the fast path finds them by name in
COMPLETERS, the name that docgen recorded in cli/completion/table.py.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable

Candidates = list[tuple[str, str]]

# docgen passes this as the incomplete word to learn which completer an option has.
PROBE = "\x00ctlsupport-completer:"
# A TAB lists at most this many ticket ids: the most recently updated that match.
MAX_IDS = 200

COMPLETERS: dict[str, Callable[[list[str], str], Candidates]] = {}


def completer(func: Callable[[list[str], str], Candidates]):
    """Register a completer under its function name; it answers docgen's probe with it."""
    COMPLETERS[func.__name__] = func

    @functools.wraps(func)
    def answer(args: list[str], incomplete: str) -> Candidates:
        if incomplete == PROBE:
            return [(PROBE + func.__name__, "")]
        try:
            return func(args, incomplete)
        except Exception:  # a TAB press must never print a traceback
            return []

    return answer


def _matching(pairs: Candidates, incomplete: str) -> Candidates:
    low = incomplete.lower()
    return [(value, help_) for value, help_ in pairs if value.lower().startswith(low)]


def _option_value(args: list[str], *names: str) -> str | None:
    """The value given to one of `names` on the command line so far, if any."""
    found = None
    for index, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if name in names:
            if eq:
                found = value
            elif index + 1 < len(args):
                found = args[index + 1]
    return found


# store/db.py's FILE_NAME; importing that module (and its migrations) costs a TAB ~5 ms.
DB_FILE_NAME = "ctlsupport.sqlite3"


def _history() -> sqlite3.Connection | None:
    """The local history, read-only: completion never creates or migrates it."""
    from ctlsupport.config.paths import data_dir

    path = data_dir() / DB_FILE_NAME
    if not path.is_file():
        return None
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=0.5)
    conn.execute("PRAGMA query_only = ON")
    return conn


def _profile(args: list[str], conn: sqlite3.Connection) -> str | None:
    """The profile the command line will use; None when the history holds only one."""
    if "--sandbox" in args or "sandbox" in args:  # the sandbox desk, or its own commands
        return "sandbox"
    chosen = _option_value(args, "--profile", "-p") or os.environ.get("CTLSUPPORT_PROFILE")
    if chosen:
        return chosen
    if len(conn.execute("SELECT DISTINCT profile FROM requests LIMIT 2").fetchall()) < 2:
        return None  # no need to read the config file
    from ctlsupport.config import settings

    return settings.load().default_profile


@completer
def request_ids(args: list[str], incomplete: str) -> Candidates:
    """Ticket ids known locally, with their subjects; the newest first."""
    conn = _history()
    if conn is None:
        return []
    with conn:
        profile = _profile(args, conn)
        where, params = "CAST(id AS TEXT) LIKE ? || '%'", [incomplete]
        if profile is not None:
            where += " AND profile = ?"
            params.append(profile)
        rows = conn.execute(
            f"SELECT id, subject, status FROM requests WHERE {where} "
            "GROUP BY id ORDER BY MAX(updated_at) DESC, id DESC LIMIT ?",
            [*params, MAX_IDS],
        ).fetchall()
    conn.close()
    given = set(args)  # `watch 4201 42<TAB>` does not offer 4201 again
    return [
        (str(id_), f"{subject} [{status}]" if status else subject)
        for id_, subject, status in rows
        if str(id_) not in given
    ]


@completer
def datacenters(args: list[str], incomplete: str) -> Candidates:
    """Data-center codes with their locations (the packaged or the user's list)."""
    from ctlsupport.core.datacenters import datacenters as table

    return _matching(list(table().items()), incomplete)


@completer
def priorities(args: list[str], incomplete: str) -> Candidates:
    """The provider's priorities."""
    from ctlsupport.core.validate import PRIORITIES

    return _matching([(p, "") for p in PRIORITIES], incomplete)


@completer
def profiles(args: list[str], incomplete: str) -> Candidates:
    """Profile names from the config file."""
    from ctlsupport.config import settings

    loaded = settings.load()
    names = [(n, p.desk_url) for n, p in sorted(loaded.profiles.items())]
    return _matching(names, incomplete)


def _seen(kind: str, column: str, incomplete: str) -> Candidates:
    """Values typed before (seen_values), then those on known requests, most recent first."""
    conn = _history()
    if conn is None:
        return []
    with conn:
        rows = conn.execute(
            "SELECT value FROM (SELECT value, last_used AS at FROM seen_values WHERE kind = ? "
            f"UNION ALL SELECT {column}, updated_at FROM requests WHERE {column} != '') "
            "WHERE value LIKE ? || '%' GROUP BY value ORDER BY MAX(at) DESC LIMIT ?",
            (kind, incomplete.replace("%", ""), MAX_IDS),
        ).fetchall()
    conn.close()
    return [(value, "") for (value,) in rows]


@completer
def customer_aliases(args: list[str], incomplete: str) -> Candidates:
    """Customer account aliases used before."""
    return _seen("customer_alias", "customer_alias", incomplete)


@completer
def servers(args: list[str], incomplete: str) -> Candidates:
    """Server names used before."""
    return _seen("server", "server", incomplete)


@completer
def kinds(args: list[str], incomplete: str) -> Candidates:
    """Kinds of ticket."""
    known = [
        ("incident", "something is broken"),
        ("security", "a security concern"),
        ("task", "a service request: do something for us"),
    ]
    return _matching(known, incomplete)


@completer
def paths(args: list[str], incomplete: str) -> Candidates:
    """No candidates: each shell's script then completes file names itself."""
    return []


@completer
def shells(args: list[str], incomplete: str) -> Candidates:
    """The shells a completion script exists for."""
    return _matching([(s, "") for s in ("bash", "zsh", "fish", "powershell")], incomplete)


@completer
def list_statuses(args: list[str], incomplete: str) -> Candidates:
    """What `list --status` filters on."""
    known = [("open", ""), ("pending", ""), ("solved", ""), ("closed", ""), ("all", "")]
    return _matching(known, incomplete)


@completer
def desk_statuses(args: list[str], incomplete: str) -> Candidates:
    """The statuses an agent can give a request."""
    known = ("new", "open", "pending", "hold", "solved", "closed")
    return _matching([(s, "") for s in known], incomplete)


@completer
def routes(args: list[str], incomplete: str) -> Candidates:
    """How a ticket or an escalation travels."""
    known = [("api", "the desk's API"), ("email", "a message to the provider's address")]
    return _matching(known, incomplete)


@completer
def auth_methods(args: list[str], incomplete: str) -> Candidates:
    """How to sign in to the desk."""
    known = [
        ("oauth", "sign in in the browser"),
        ("password", "legacy"),
        ("token", "legacy API token"),
    ]
    return _matching(known, incomplete)


@completer
def setting_keys(args: list[str], incomplete: str) -> Candidates:
    """The settings `config set` takes, with the email routes (recorded by docgen)."""
    from ctlsupport.cli.completion.table import SETTING_KEYS

    return _matching([(key, "") for key in SETTING_KEYS], incomplete)


# What each `open` field completes with (fields.py names).
FIELD_COMPLETERS = {
    "priority": priorities,
    "customer_alias": customer_aliases,
    "datacenter": datacenters,
    "server": servers,
    "error_text": paths,
    "attachments": paths,
}
# `--customer` (a filter on list) completes with the aliases too.
customers = customer_aliases
