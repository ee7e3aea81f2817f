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


def _like(incomplete: str) -> str:
    """A LIKE prefix pattern for `incomplete` (its own % and _ taken literally)."""
    escaped = incomplete.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _seen(
    kind: str, column: str, incomplete: str, directory: str = "", params: tuple = ()
) -> Candidates:
    """Values from the customer directory (`directory`: a query of value, help, time),
    then those typed before (seen_values) and on known requests; most recent first."""
    conn = _history()
    if conn is None:
        return []
    union = (
        "SELECT value, '' AS help, last_used AS at FROM seen_values WHERE kind = ? "
        f"UNION ALL SELECT {column}, '', updated_at FROM requests WHERE {column} != ''"
    )
    query = (
        "SELECT value, MAX(help) FROM ({}) WHERE value LIKE ? ESCAPE '\\' "
        "GROUP BY upper(value) ORDER BY MAX(at) DESC LIMIT ?"
    )
    tail = (kind, _like(incomplete), MAX_IDS)
    with conn:
        try:
            rows = conn.execute(
                query.format(f"{directory} UNION ALL {union}"), (*params, *tail)
            ).fetchall()
        except sqlite3.OperationalError:  # a history from before the directory existed
            rows = conn.execute(query.format(union), tail).fetchall() if directory else []
    conn.close()
    return [(value, help_ or "") for value, help_ in rows]


@completer
def customer_aliases(args: list[str], incomplete: str) -> Candidates:
    """Customer account aliases: the directory's (with the name), then those used before."""
    return _seen(
        "customer_alias",
        "customer_alias",
        incomplete,
        "SELECT alias AS value, name AS help, COALESCE(last_used, updated_at) AS at FROM customers",
    )


@completer
def customer_names(args: list[str], incomplete: str) -> Candidates:
    """Customer names from the directory, with the alias."""
    conn = _history()
    if conn is None:
        return []
    with conn:
        try:
            rows = conn.execute(
                "SELECT name, alias FROM customers WHERE name LIKE ? ESCAPE '\\' "
                "ORDER BY last_used IS NULL, last_used DESC, name LIMIT ?",
                (_like(incomplete), MAX_IDS),
            ).fetchall()
        except sqlite3.OperationalError:  # a history from before the directory existed
            rows = []
    conn.close()
    return [(name, alias) for name, alias in rows]


@completer
def servers(args: list[str], incomplete: str) -> Candidates:
    """Server names: the directory's (with IP, data center and alias; only the named
    customer's when --customer-alias, or `customers edit ALIAS`, is on the line), then
    those used before."""
    alias = _option_value(args, "--customer-alias", "add", "edit")
    directory = (
        "SELECT name AS value, trim(ip || ' ' || datacenter || ' ' || alias) AS help, "
        "COALESCE(last_used, updated_at) AS at FROM customer_servers"
    )
    if not alias:
        return _seen("server", "server", incomplete, directory)
    return _seen("server", "server", incomplete, directory + " WHERE alias = ?", (alias.upper(),))


@completer
def file_formats(args: list[str], incomplete: str) -> Candidates:
    """The formats the customer directory is shared in."""
    return _matching([("csv", "one row per server"), ("toml", "tables")], incomplete)


@completer
def templates(args: list[str], incomplete: str) -> Candidates:
    """Problem templates: the packaged ones and the team's own (file names only)."""
    from ctlsupport.core.templates import names

    return _matching(list(names().items()), incomplete)


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
    "customer_name": customer_names,
    "datacenter": datacenters,
    "server": servers,
    "error_text": paths,
    "attachments": paths,
}
# `--customer` (a filter on list) completes with the aliases too.
customers = customer_aliases
