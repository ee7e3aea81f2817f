"""Scrub secrets from text the user is about to send: error output and text attachments.

Line by line, so a 50 MB log is redacted in constant memory; the only multi-line case,
a PEM private key block, is tracked with one flag.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MASK = "[REDACTED]"

# key=value / key: value where the key names a secret (password, api_key, AWS secret...).
# Linear in the line: a key is tried only where a word starts (the look-behind), the
# look-ahead finds the secret word in it once, and the possessive `*+` takes the rest of
# the word without giving any back. (`\b[\w.-]*word[\w.-]*` was quadratic: a 40 KB line
# of `a-a-a-...` took minutes.)
_ASSIGNMENT = re.compile(
    r"""(?ix)
    (?P<key>(?<![\w.-])(?=[\w.-]*?(?:password|passwd|pwd|secret|token|api[_-]?key
        |access[_-]?key|accountkey|private[_-]?key|client[_-]?secret|auth))[\w.-]*+)
    (?P<sep>["']?\s*+[:=]\s*)
    (?P<value>"[^"\n]*"|'[^'\n]*'|[^\s,;&"']+)
    """
)
# The words that make an assignment's key a secret's, and the character before a word.
# (Searched in the lower-cased line: a case-insensitive search is 20 times slower.)
_SECRET_WORD = re.compile(
    r"password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|accountkey"
    r"|private[_-]?key|client[_-]?secret|auth"
)
_NOT_WORD = re.compile(r"[^\w.-]")
_BEARER_WORD = re.compile("bearer|basic|token")  # where a bearer match can start
_HEADER = re.compile(
    r"(?im)^(?P<key>\s*(?:proxy-)?authorization|\s*(?:set-)?cookie)(?P<sep>\s*:\s*)(?P<value>.+)$"
)
_BEARER = re.compile(
    r"(?i)\b(?P<key>bearer|basic|token)(?P<sep>\s+)(?P<value>[A-Za-z0-9\-._~+/]{12,}=*)"
)
_PATTERNS = {
    "aws access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "google api key": re.compile(r"\bAIza[0-9A-Za-z\-_]{35}\b"),
    "github token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "slack token": re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}\b"),
    "url credentials": re.compile(r"(?<=://)[^/\s:@]+:[^/\s@]+(?=@)"),
}
# The words one of each pattern's matches must hold (lower-cased): a pattern runs only on
# a line that has one of its words, found by plain substring search (far faster than any
# regular expression), so long lines of base64 or JSON go almost as fast as short ones.
_GH = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")
_WORDS: dict[str, tuple[str, ...]] = {
    "header": ("auth", "cookie"),
    "bearer token": ("bearer", "basic", "token"),
    "password or key assignment": (
        "pass", "pwd", "secret", "token", "api", "access", "key", "auth",
    ),
    "aws access key": ("akia", "asia"),
    "google api key": ("aiza",),
    "github token": _GH,
    "slack token": ("xox",),
    "url credentials": ("://",),
}  # fmt: skip
# A line with none of the words at all is passed by this one quick search.
_HINT = re.compile("|".join(re.escape(w) for w in sorted({w for v in _WORDS.values() for w in v})))
_PEM_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]*PRIVATE KEY-----")


@dataclass
class Redactor:
    """Redacts known secret values and secret-looking text; counts what it found."""

    known: Iterable[str] = ()
    found: Counter = field(default_factory=Counter)
    patterns: bool = True  # False (--no-redact): only the known values are masked

    def __post_init__(self) -> None:
        values = sorted({v for v in self.known if v}, key=len, reverse=True)
        # Digits-only values (a PIN) must not match inside longer numbers.
        parts = [rf"(?<!\d){re.escape(v)}(?!\d)" if v.isdigit() else re.escape(v) for v in values]
        self._known = re.compile("|".join(parts)) if parts else None
        self._values = values
        self._in_key = False

    def line(self, text: str) -> str:
        """Redact one line (with or without its newline)."""
        if not self.patterns:
            return self._known_values(text)
        if self._in_key:
            end = _PEM_END.search(text)
            if end is None:
                return ""  # inside the key: drop the line
            self._in_key = False
            return text[end.end() :].lstrip("\r\n")
        begin = _PEM_BEGIN.search(text) if "-----" in text else None
        if begin:
            self.found["private key"] += 1
            if not _PEM_END.search(text, begin.end()):
                self._in_key = True
                return text[: begin.start()] + MASK + "\n"
            text = _PEM_BEGIN.sub(MASK, _PEM_END.sub("", text))
        text = self._known_values(text)
        lowered = text.lower()
        if not _HINT.search(lowered):
            return text
        if any(word in lowered for word in _WORDS["header"]):
            text = self._header(text)
        if any(word in lowered for word in _WORDS["bearer token"]):
            text = self._at_words("bearer token", _BEARER, _BEARER_WORD, text)
        if any(word in lowered for word in _WORDS["password or key assignment"]):
            text = self._assignments(text)
        for kind, pattern in _PATTERNS.items():
            if any(word in lowered for word in _WORDS[kind]):
                text, count = pattern.subn(MASK, text)
                if count:
                    self.found[kind] += count
        return text

    def _known_values(self, text: str) -> str:
        if self._known is not None and any(v in text for v in self._values):
            text, count = self._known.subn(MASK, text)
            if count:
                self.found["your own secret"] += count
        return text

    def _keep_key(self, kind: str, pattern: re.Pattern[str], text: str) -> str:
        return pattern.sub(lambda match: self._masked(kind, match), text)

    def _masked(self, kind: str, match: re.Match[str]) -> str:
        """The match with its value masked (and counted, unless masked already)."""
        if match["value"] in (MASK, f'"{MASK}"'):
            return match[0]
        self.found[kind] += 1
        return f"{match['key']}{match['sep']}{MASK}"

    def _header(self, text: str) -> str:
        """`_HEADER.sub`; on one line only its start can match, so only it is tried."""
        if "\n" in text.rstrip("\r\n"):
            return self._keep_key("header", _HEADER, text)
        match = _HEADER.match(text)
        if match is None:
            return text
        return text[: match.start()] + self._masked("header", match) + text[match.end() :]

    def _at_words(
        self, kind: str, pattern: re.Pattern[str], words: re.Pattern[str], text: str
    ) -> str:
        """`pattern.sub` for a pattern whose matches start with one of `words`: tried
        only where a word is (found in the lower-cased text, far faster than a
        case-insensitive scan)."""
        lowered = text.lower()
        if len(lowered) != len(text):  # lower() changed the length (rare letters)
            return self._keep_key(kind, pattern, text)
        parts: list[str] = []
        done = 0
        for word in words.finditer(lowered):
            if word.start() < done:
                continue
            match = pattern.match(text, word.start())
            if match is not None:
                parts += [text[done : word.start()], self._masked(kind, match)]
                done = match.end()
        return "".join(parts) + text[done:] if parts else text

    def _assignments(self, text: str) -> str:
        """`_ASSIGNMENT.sub`, tried only at the start of each word that names a secret.

        Each word is measured and tried once, so the work stays linear in the line."""
        lowered = text.lower()
        if len(lowered) != len(text):  # lower() changed the length (rare letters)
            return self._keep_key("password or key assignment", _ASSIGNMENT, text)
        parts: list[str] = []
        done = word_end = 0
        backwards = text[::-1]  # where a word starts is found by one forward search
        for word in _SECRET_WORD.finditer(lowered):
            if word.start() < max(done, word_end):
                continue  # inside a masked value, or in a word already tried
            before = _NOT_WORD.search(backwards, len(text) - word.start())
            start = len(text) - before.start() if before else 0
            after = _NOT_WORD.search(text, word.end())
            word_end = after.start() if after else len(text)
            if start < done:
                continue
            match = _ASSIGNMENT.match(text, start)
            if match is not None:
                parts += [text[done:start], self._masked("password or key assignment", match)]
                done = match.end()
        return "".join(parts) + text[done:] if parts else text

    def lines(self, source: Iterable[str]) -> Iterator[str]:
        """Redact a stream of lines."""
        for text in source:
            redacted = self.line(text)
            if redacted:
                yield redacted

    def text(self, text: str) -> str:
        """Redact a whole text."""
        return "".join(self.lines(text.splitlines(keepends=True)))

    def summary(self) -> str:
        """What was redacted, for the preview: '2 password or key assignments, 1 private key'."""
        return ", ".join(f"{count} x {kind}" for kind, count in sorted(self.found.items()))


def looks_like_text(path: Path, sample: int = 8192) -> bool:
    """Whether a file is text worth redacting (UTF-8, no NUL bytes in its start)."""
    with path.open("rb") as handle:
        head = handle.read(sample)
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 4  # only a character cut at the sample's end
    return True


def redact_file(source: Path, target: Path, redactor: Redactor) -> bool:
    """Copy a file, redacting it line by line when it is text; True if it was text."""
    import shutil

    from ctlsupport.config import paths

    if not looks_like_text(source):
        with source.open("rb") as reader, paths.open_private(target, "wb") as writer:
            shutil.copyfileobj(reader, writer, 1 << 20)
        return False
    with (
        source.open(encoding="utf-8", errors="replace", newline="") as reader,
        paths.open_private(target, "w", encoding="utf-8", newline="") as writer,
    ):
        writer.writelines(redactor.lines(reader))
    return True
