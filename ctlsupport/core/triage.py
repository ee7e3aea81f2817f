"""The checks `open` makes before submitting, as pure functions: priority justification,
security kinds, likely duplicates, knowledge-base query words, incident banners."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ctlsupport.errors import InvalidInput

JUSTIFIED = ("urgent", "high")
KINDS = ("incident", "security", "task")
DEFAULT_CRITERION = "stated by the submitter"
OPEN_STATUSES = ("new", "open", "pending", "hold")
# Shown before a security ticket is submitted (the provider's security notes).
SECURITY_GUIDANCE = (
    "Scans of internet-facing servers are routine and are not a security incident.",
    "A high-volume DDoS attack is detected by the provider, which may mitigate it by "
    "black-holing the server's IP address until the attack stops.",
    "Abuse complaints open a ticket against the server and can lead to its suspension: "
    "answer them quickly.",
    "A breach of the provider's own environment is led by the provider's security team.",
)
SECURITY_INCIDENT = "security incident"
SECURITY_BREACH = "security breach"


def needs_justification(priority: str) -> bool:
    """Urgent and high must name a matrix criterion and the business impact."""
    return priority in JUSTIFIED


def require_justification(priority: str, impact: str | None) -> None:
    """Without a person to ask: urgent/high need --impact."""
    if needs_justification(priority) and not (impact or "").strip():
        raise InvalidInput(
            f"priority {priority} needs --impact: one line of business impact",
            hint="Pass --impact TEXT (and --criterion TEXT), or choose a lower priority. "
            "`ctlsupport matrix` shows the criteria.",
        )


def one_line(text: str, limit: int = 300) -> str:
    """Collapse to a single line of at most `limit` characters."""
    line = " ".join(text.split())
    if len(line) > limit:
        raise InvalidInput(f"keep it to one line of at most {limit} characters")
    return line


def security_priority(breach: bool) -> tuple[str, str]:
    """(priority, matrix criterion) of a security ticket: a breach is urgent."""
    return ("urgent", SECURITY_BREACH) if breach else ("high", SECURITY_INCIDENT)


def check_kind(kind: str) -> str:
    """A valid --kind value, lower-cased."""
    value = kind.strip().lower()
    if value not in KINDS:
        raise InvalidInput(f"--kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return value


def ticket_type(kind: str) -> str:
    """The desk's request type for a kind (security incidents are incidents)."""
    return "task" if kind == "task" else "incident"


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]+")
_NOISE = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "not",
        "but",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "can",
        "cannot",
        "our",
        "your",
        "their",
        "its",
        "after",
        "before",
        "since",
        "when",
        "while",
        "into",
        "out",
        "over",
        "under",
        "again",
        "still",
        "down",
        "does",
        "did",
        "doing",
        "done",
        "will",
        "would",
        "should",
        "could",
        "been",
        "being",
        "any",
        "all",
        "some",
        "none",
    ]
)


def kb_query(subject: str, description: str, *, drop: Iterable[str] = (), limit: int = 8) -> str:
    """Search words from a problem's subject and description (subject words first).

    Server names, IPs and account aliases (`drop`) would only narrow the search to nothing.
    """
    dropped = {d.lower() for d in drop if d}
    seen: dict[str, None] = {}
    for word in _WORD.findall(f"{subject} {description}"):
        lower = word.lower()
        if lower in _NOISE or lower in dropped or len(lower) < 3:
            continue
        if any(ch.isdigit() for ch in lower):
            continue  # server names, data-center codes, addresses
        seen.setdefault(lower, None)
    return " ".join(list(seen)[:limit])


def about(title: str, labels: list[str], text: str, query: str) -> bool:
    """Whether an article is about the problem the query words describe: most of the
    words (at least half, rounded up) appear in it, one of them in its title or labels."""
    wanted = query.split()
    if not wanted:
        return False
    heading = f"{title} {' '.join(labels)}"
    if not any(mentions(heading, w) for w in wanted):
        return False
    found = sum(mentions(f"{heading} {text}", w) for w in wanted)
    return found >= (len(wanted) + 1) // 2


@dataclass
class Candidate:
    """An open request that may already describe this problem."""

    id: int
    subject: str
    status: str
    why: str  # "server VA1ACMEWEB01" / "customer ACME"
    source: str  # history | desk


def mentions(text: str, value: str) -> bool:
    """Whether the text names the value as a whole word (not inside a longer one), any case."""
    return (
        bool(value)
        and re.search(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])", text, re.I) is not None
    )


def duplicates(
    server: str,
    customer_alias: str,
    *,
    history: Iterable[dict],
    desk: Iterable[dict],
    limit: int = 5,
) -> list[Candidate]:
    """Open requests about the same server, from local history and the desk's search;
    each id once, newest first. Not the same customer alone (a customer has many
    servers and problems), and never an escalation request: a comment belongs on the
    ticket it escalates. `customer_alias` is kept for callers; it selects nothing."""
    from ctlsupport.core.escalation import SUBJECT_PREFIX

    found: dict[int, Candidate] = {}
    for source, rows in (("history", history), ("desk", desk)):
        for row in rows:
            status = str(row.get("status") or "")
            subject = str(row.get("subject") or "")
            if status not in OPEN_STATUSES or subject.startswith(SUBJECT_PREFIX.split(" -")[0]):
                continue
            text = f"{subject}\n{row.get('description') or ''}"
            if (row.get("server") or "").upper() != server.upper() and not mentions(text, server):
                continue
            rid = int(row["id"])
            found.setdefault(rid, Candidate(rid, subject, status, f"server {server}", source))
    return sorted(found.values(), key=lambda c: -c.id)[:limit]
