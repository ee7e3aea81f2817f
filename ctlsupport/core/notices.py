"""Recognise the desk's notifications in the alias's mailbox (contract §8.2, §13.5).

The trigger texts are the desk admin's to change, so a notification is known by what
Zendesk adds to every one of them: the encoded id in square brackets; the ticket number
and the kind (received, updated, solved) are read from the default texts when they are
there. MIME is parsed by the standard library's email package only; an HTML-only
notification is turned into text with Beautiful Soup.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

DELIMITER = re.compile(r"^.*##-.*above this line.*-##.*$", re.MULTILINE | re.IGNORECASE)
ENCODED_ID = re.compile(r"\[([0-9A-Z]{6}-[0-9A-Z]{4})\]")
_NUMBER = re.compile(r"\b(?:request|ticket)\s*\(?#?(\d{1,12})\)?", re.IGNORECASE)
_SUBJECT_NUMBER = re.compile(r"#(\d{1,12})\b")
# A rule between comments stands after a blank line (a dashed underline in a comment,
# right below its heading, does not).
_RULE = re.compile(r"\n[ \t]*\n[ \t]*-{10,}[ \t]*(?=\n|$)")
_KINDS = (
    ("received", re.compile(r"has been received|request received", re.IGNORECASE)),
    ("solved", re.compile(r"has been (?:solved|resolved)|was (?:solved|closed)", re.IGNORECASE)),
    ("reply", re.compile(r"has been updated", re.IGNORECASE)),
)
STATUS_OF_KIND = {"received": "new", "solved": "solved"}
_SUBJECT_PREFIX = re.compile(r"^(?:\s*(?:\[[^\]]*\]|re:|fwd?:))+\s*", re.IGNORECASE)


class NotANotice(Exception):
    """A mail that is not one of the desk's notifications, and why (a summary key)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Notice:
    """What one notification says about one ticket."""

    message_id: str
    references: tuple[str, ...]
    sender: str
    reply_to: str
    subject: str
    title: str  # the subject without the trigger's prefixes
    sent_at: str  # UTC stamp, 2025-03-04T09:20:11Z
    code: str
    ticket: int | None
    kind: str  # received | reply | solved | update
    author: str
    text: str  # the newest comment quoted
    full_text: str
    recoded: bool  # a part's charset was wrong or unknown: decoded with replacement

    @property
    def status(self) -> str | None:
        return STATUS_OF_KIND.get(self.kind)


def parse(
    raw: bytes,
    *,
    own: frozenset[str] = frozenset(),
    fallback_time: str = "",
    truncated: bool = False,
) -> Notice:
    """The notification in `raw`; NotANotice("not_desk" | "malformed" | "own") otherwise.
    `own`: our addresses (a copy of our own mail quotes the encoded id too); `truncated`:
    only the start of a huge mail was read (its closing boundaries are missing)."""
    from email import policy
    from email.parser import BytesParser

    try:
        # compat32: headers stay text until asked for (the modern policy's header objects
        # cost ten times as much, and sync reads thousands of messages).
        message = BytesParser(policy=policy.compat32).parsebytes(raw)
        sender = parseaddr(_header(message, "From"))[1].lower()
        headed = any(_header(message, h) for h in ("From", "Subject", "Date", "Message-ID"))
        text, recoded = body_text(message) if headed else ("", False)
    except Exception:  # the email package is lenient; what it still cannot read is malformed
        raise NotANotice("malformed") from None
    codes = ENCODED_ID.findall(text)
    if not codes:
        # A notification with defects is still read; broken mail without one is counted
        # as malformed, the rest as mail from elsewhere.
        broken = not headed or (not truncated and _broken(message))
        raise NotANotice("malformed" if broken else "not_desk")
    if sender in own:
        raise NotANotice("own")
    subject = " ".join(_header(message, "Subject").split())
    message_id = _header(message, "Message-ID").strip()
    if not re.fullmatch(r"<[^<>\s]+>", message_id):
        message_id = "<sha256:" + hashlib.sha256(raw).hexdigest()[:32] + ">"
    threading = _header(message, "References") + " " + _header(message, "In-Reply-To")
    references = tuple(dict.fromkeys(re.findall(r"<[^<>\s]+>", threading)))
    reply_to = (getaddresses([_header(message, "Reply-To")]) or [("", "")])[0][1] or sender
    author, newest = newest_comment(text)
    return Notice(
        message_id=message_id,
        references=references,
        sender=sender,
        reply_to=reply_to.lower(),
        subject=subject,
        title=_SUBJECT_PREFIX.sub("", subject) or subject,
        sent_at=_date(_header(message, "Date")) or fallback_time,
        code=codes[-1],
        ticket=ticket_number(text, subject),
        kind=next((kind for kind, pattern in _KINDS if pattern.search(text)), "update"),
        author=author,
        text=newest,
        full_text=text,
        recoded=recoded,
    )


def _broken(message: Message) -> bool:
    """Whether the MIME structure is damaged (a boundary missing, no header/body split)."""
    from email import errors

    damaged = (
        errors.StartBoundaryNotFoundDefect,
        errors.CloseBoundaryNotFoundDefect,
        errors.MultipartInvariantViolationDefect,
        errors.MissingHeaderBodySeparatorDefect,
    )
    return any(isinstance(d, damaged) for part in message.walk() for d in part.defects)


def _header(message: Message, name: str) -> str:
    """A header as text, RFC 2047 words decoded; one the email package cannot make
    sense of reads as ''."""
    from email.header import decode_header, make_header

    try:
        value = message.get(name)
        if value is None:
            return ""
        if "=?" not in str(value):
            return str(value)
        return str(make_header(decode_header(str(value))))
    except Exception:
        return ""


def _date(value: str) -> str:
    from datetime import UTC

    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _body_part(message: Message) -> Message | None:
    """The first text/plain part that is not an attachment, else the first text/html."""
    found: dict[str, Message] = {}
    for part in message.walk():
        kind = part.get_content_type()
        disposition = str(part.get("Content-Disposition", "")).lower()
        if kind in ("text/plain", "text/html") and not disposition.startswith("attachment"):
            found.setdefault(kind, part)
    return found.get("text/plain") or found.get("text/html")


def body_text(message: Message) -> tuple[str, bool]:
    """(plain text of the body, whether it had to be decoded with replacement): the
    text/plain part, else the HTML part turned into text."""
    part = _body_part(message)
    if part is None:
        if message.get_content_maintype() == "multipart":
            return "", False
        part = message  # a single part of some other text type
    data = part.get_payload(decode=True) or b""
    if not isinstance(data, bytes):
        data = str(data).encode("utf-8", "replace")
    text, recoded = decode(data, part.get_content_charset())
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return text.replace("\r\n", "\n"), recoded


def decode(data: bytes, charset: str | None) -> tuple[str, bool]:
    """Bytes in the declared charset; a wrong or unknown one falls back to UTF-8, then
    to Latin-1 (which never fails), and says so."""
    for candidate in (charset or "us-ascii", "utf-8"):
        try:
            return data.decode(candidate), candidate != (charset or "us-ascii")
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1"), True


def html_to_text(markup: str) -> str:
    """Readable text from an HTML notification: paragraphs and line breaks kept."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for hidden in soup(["script", "style", "head"]):
        hidden.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for hr in soup.find_all("hr"):
        hr.replace_with("\n" + "-" * 46 + "\n")
    for block in soup.find_all(["p", "div", "tr", "li", "h1", "h2", "h3", "blockquote"]):
        block.insert_after("\n\n")
    text = soup.get_text()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def ticket_number(text: str, subject: str) -> int | None:
    """The ticket number the default texts show: "Your request (1234)", or #1234."""
    found = _NUMBER.search(text) or _SUBJECT_NUMBER.search(subject)
    return int(found.group(1)) if found else None


def newest_comment(text: str) -> tuple[str, str]:
    """(author, text) of the newest comment {{ticket.comments_formatted}} shows: the first
    block between rules, whose first line is "Name, date"."""
    below = DELIMITER.split(text, maxsplit=1)[-1]
    blocks = [b.strip() for b in _RULE.split("\n" + below)]
    for block in blocks[1:-1] if len(blocks) > 2 else []:
        if not block:
            continue
        head, _, rest = block.partition("\n")
        author = head.split(",", 1)[0].strip()
        return author, rest.strip()
    return "", ""
