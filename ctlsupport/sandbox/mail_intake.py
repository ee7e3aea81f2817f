"""The sandbox desk's email channel (contract §8): SMTP on loopback, mail -> requests.

As Zendesk does it: the requester is the From address; mail from an address the desk
does not know as a registered, verified user is suspended, not turned into a ticket;
mail that looks automated, arrives in a burst or is blank is suspended too; the
priority comes from the receiving address (the triggers an admin would set up); the
Cc addresses become email CCs; attachments are kept; a reply (In-Reply-To or
References naming a message of a request) becomes a comment on it.

Choices where Zendesk's behaviour is not documented are listed in docs/sandbox.md.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import threading
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from typing import Any

from . import db, uploads, users
from .clock import iso, utcnow
from .config import SandboxConfig
from .shapes import html_body, strip_html
from .state import SandboxState, insert_comment

MAX_CCS = 48  # Zendesk's CC and follower limit
DELIMITER = "##- Please type your reply above this line -##"
SYSTEM_USERS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply")
AUTOMATED_PRECEDENCE = ("bulk", "junk", "list", "auto_reply")
_VACATION_SUBJECT = re.compile(r"^(out of (the )?office|automatic reply|auto[- ]?reply)\b", re.I)

# Zendesk's suspension causes (suspensions reference), with their descriptions.
CAUSES = {
    "unknown_author": "Permission denied for unknown email submitter",
    "unverified": "Submitted by unverified user",
    "auto_mailer": "Automated response mail",
    "auto_vacation": "Detected as an out-of-office or auto-reply message",
    "system_user": "Sent by a system user (mailer-daemon, postmaster, no-reply)",
    "loop": "Too many messages from this sender in a short time",
    "blank": "Blank email",
    "other_user_update": "Reply from someone who is neither the requester nor CC'd",
}


@dataclass
class Outcome:
    """What the desk made of one mail: a request, a comment, or a suspension."""

    kind: str  # request | comment | suspended
    request_id: int | None = None
    cause: str | None = None


def triggers(config: SandboxConfig) -> dict[str, str]:
    """Receiving address -> priority (the admin's "Received at" triggers)."""
    if config.mail_priorities is not None:
        return {k.lower(): v for k, v in config.mail_priorities.items()}
    from ctlsupport.core import mailroutes

    return mailroutes.priority_by_address()


def desk_addresses(config: SandboxConfig) -> dict[str, str]:
    """Every support address of the desk -> the route it stands for."""
    from ctlsupport.core import mailroutes

    found = {addr.lower(): name for name, (addr, _) in mailroutes.table().items() if addr}
    for address, priority in triggers(config).items():
        found.setdefault(address, priority)
    return found


def receive(state: SandboxState, config: SandboxConfig, rcpt_tos: list[str], raw: bytes) -> Outcome:
    """Turn one mail, as the SMTP server received it, into what Zendesk would make of it."""
    message: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)  # type: ignore[assignment]
    sender = parseaddr(str(message.get("From", "")))[1].strip()
    recipient = _receiving_address(config, rcpt_tos, message)
    subject = " ".join(str(message.get("Subject", "")).split())
    message_id = str(message.get("Message-ID", "")).strip() or None
    full_text, files = _content(message)
    body = _above_delimiter(full_text)

    def suspend(cause: str) -> Outcome:
        with state.writing() as conn:
            conn.execute(
                """INSERT INTO suspended_mail (cause, sender, recipient, subject, message_id,
                       size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (cause, sender.lower(), recipient, subject, message_id, len(raw), iso(utcnow())),
            )
        return Outcome("suspended", cause=cause)

    cause = _automated(message, sender, subject)
    if cause is None and _too_many(state, config, sender):
        cause = "loop"
    if cause is None and not body.strip() and not files:
        cause = "blank"
    if cause is not None:
        return suspend(cause)
    with state.reading() as conn:
        user = users.by_email(conn, sender) if sender else None
        thread = _thread(conn, message, full_text, rcpt_tos)
    if user is None:
        return suspend("unknown_author")
    if not user["verified"]:
        return suspend("unverified")
    if thread is not None:
        try:
            return _reply(state, user, thread, body, files, message_id, suspend)
        except _FollowUp as follow:
            return _new_request(
                state, config, user, message, recipient, subject, body, files, message_id,
                followup_of=follow.source_id,
            )  # fmt: skip
    return _new_request(state, config, user, message, recipient, subject, body, files, message_id)


def _receiving_address(config: SandboxConfig, rcpt_tos: list[str], message: EmailMessage) -> str:
    """The first envelope recipient that is a desk address; else the first To address
    (a customer-specific address forwarded into the desk)."""
    known = desk_addresses(config)
    for address in rcpt_tos:
        if address.lower() in known:
            return address.lower()
    to = getaddresses([str(v) for v in message.get_all("To", [])])
    return (to[0][1] if to else (rcpt_tos[0] if rcpt_tos else "")).lower()


def _automated(message: EmailMessage, sender: str, subject: str) -> str | None:
    local = sender.partition("@")[0].lower()
    if local in SYSTEM_USERS:
        return "system_user"
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return "auto_mailer"
    if str(message.get("Precedence", "")).strip().lower() in AUTOMATED_PRECEDENCE:
        return "auto_mailer"
    if "X-Autoreply" in message or "X-Autorespond" in message or _VACATION_SUBJECT.match(subject):
        return "auto_vacation"
    return None


def _too_many(state: SandboxState, config: SandboxConfig, sender: str) -> bool:
    from datetime import timedelta

    since = iso(utcnow() - timedelta(seconds=config.mail_loop_seconds))
    with state.reading() as conn:
        count = conn.execute(
            "SELECT (SELECT COUNT(*) FROM mail_messages WHERE sender = :s AND created_at >= :t)"
            " + (SELECT COUNT(*) FROM suspended_mail WHERE sender = :s AND created_at >= :t)",
            {"s": sender.lower(), "t": since},
        ).fetchone()[0]
    return count >= config.mail_loop_limit


def _content(message: EmailMessage) -> tuple[str, list[tuple[str, str, bytes]]]:
    """(body text, [(file name, content type, bytes)]); the text is cut at the delimiter."""
    part = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if part is not None:
        text = str(part.get_content()).replace("\r\n", "\n")
        if part.get_content_subtype() == "html":
            text = strip_html(text)
    files = []
    for attachment in message.iter_attachments():
        name = attachment.get_filename() or "attachment"
        data = attachment.get_payload(decode=True) or b""
        if data:
            files.append((name, attachment.get_content_type(), data))
    return text, files


_ATTRIBUTION = re.compile(r"^(On .*wrote:|-+ ?Original Message ?-+)\s*$", re.IGNORECASE)


def _above_delimiter(text: str) -> str:
    """Only the text above the reply delimiter becomes the comment; a mail client's
    quoting of the notification ("On ... wrote:" and `>` lines) goes with the rest."""
    if DELIMITER in text:
        lines = text.split(DELIMITER, 1)[0].splitlines()
        while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
            lines.pop()
        if lines and _ATTRIBUTION.match(lines[-1].strip()):
            lines.pop()
        text = "\n".join(lines)
    return text.rstrip() + ("\n" if text.strip() else "")


def _ids(message: EmailMessage) -> list[str]:
    found = []
    for header in ("In-Reply-To", "References"):
        found += re.findall(r"<[^<>\s]+>", str(message.get(header, "")))
    return found


_ENCODED_ID = re.compile(r"\[([0-9A-Z]{6}-[0-9A-Z]{4})\]")
_PLUS_ID = re.compile(r"\+id([0-9A-Z]{6}-[0-9A-Z]{4})@", re.I)


def _thread(
    conn: sqlite3.Connection, message: EmailMessage, text: str, rcpt_tos: list[str]
) -> sqlite3.Row | None:
    """The request a mail replies to, in Zendesk's order (contract §8.2): (1) an
    In-Reply-To/References id of a mail or notification of it, (2) the encoded id in
    square brackets in the body, (3) the encoded id in the receiving address."""
    from .notify import request_by_code, request_by_message_id

    found: int | None = None
    for message_id in _ids(message):
        row = conn.execute(
            "SELECT request_id FROM mail_messages WHERE message_id = ?", (message_id,)
        ).fetchone()
        found = int(row[0]) if row is not None else request_by_message_id(conn, message_id)
        if found is not None:
            break
    codes = _ENCODED_ID.findall(text)
    addresses = [*rcpt_tos, *(str(v) for v in message.get_all("To", []))]
    codes += [m for a in addresses for m in _PLUS_ID.findall(a)]
    for code in codes if found is None else []:
        found = request_by_code(conn, code)
        if found is not None:
            break
    if found is None:
        return None
    return conn.execute("SELECT * FROM requests WHERE id = ?", (found,)).fetchone()


def _store_files(
    state: SandboxState, uploader_id: int, files: list[tuple[str, str, bytes]]
) -> str | None:
    """Keep the attachments as one upload (consumed by the comment); returns its token."""
    token = None
    for name, content_type, data in files:
        payload, _id = uploads.store(
            state, uploader_id=uploader_id, filename=name, content_type=content_type,
            chunks=[data], token=token,
        )  # fmt: skip
        token = payload["upload"]["token"]
    return token


def _remember(
    conn: sqlite3.Connection, message_id: str | None, request_id: int, comment_id: int, sender: str
) -> None:
    if message_id:
        conn.execute(
            "INSERT OR IGNORE INTO mail_messages (message_id, request_id, comment_id, sender, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            (message_id, request_id, comment_id, sender.lower(), iso(utcnow())),
        )


def _new_request(
    state: SandboxState,
    config: SandboxConfig,
    user: sqlite3.Row,
    message: EmailMessage,
    recipient: str,
    subject: str,
    body: str,
    files: list[tuple[str, str, bytes]],
    message_id: str | None,
    followup_of: int | None = None,
) -> Outcome:
    from .tickets import _link

    priority = triggers(config).get(recipient)
    route = desk_addresses(config).get(recipient)
    kind = "task" if route == "task" else None
    if followup_of is not None:
        priority = "normal"  # a reply to a closed request: a follow-up at normal priority
    token = _store_files(state, user["id"], files)
    text = body if body.strip() else "(attachments only)\n"
    known = set(desk_addresses(config)) | {recipient, str(user["email"]).lower()}
    ccs = [a for _, a in getaddresses([str(v) for v in message.get_all("Cc", [])])]
    now = iso(utcnow())
    with state.writing() as conn:
        request_id = db.next_id(conn, "requests")
        conn.execute(
            """INSERT INTO requests (id, subject, description, status, priority, type,
                   requester_id, organization_id, recipient, via_channel, followup_source_id,
                   created_at, updated_at)
               VALUES (?, ?, ?, 'new', ?, ?, ?, ?, ?, 'email', ?, ?, ?)""",
            (
                request_id, subject or "(no subject)", text, priority, kind, user["id"],
                user["organization_id"], recipient, followup_of, now, now,
            ),
        )  # fmt: skip
        comment_id = insert_comment(conn, request_id, user["id"], text, html_body(text), True, now)
        if token:
            uploads.consume(conn, [token], comment_id)
        added = 0
        for address in dict.fromkeys(a.lower() for a in ccs if users.valid_email(a)):
            if address in known or added >= MAX_CCS:
                continue
            _link(conn, request_id, users.find_or_create_end_user(conn, address, None), "email_cc")
            added += 1
        if route == "escalation" and followup_of is None:
            from .escalations import mark

            mark(conn, request_id, user["id"], subject)
        _remember(conn, message_id, request_id, comment_id, user["email"])
    from . import notify

    notify.send(state, request_id, "received")
    return Outcome("request", request_id)


def _reply(
    state: SandboxState,
    user: sqlite3.Row,
    thread: sqlite3.Row,
    body: str,
    files: list[tuple[str, str, bytes]],
    message_id: str | None,
    suspend,
) -> Outcome:
    with state.reading() as conn:
        allowed = (
            thread["requester_id"] == user["id"]
            or conn.execute(
                "SELECT 1 FROM request_users WHERE request_id = ? AND user_id = ?",
                (thread["id"], user["id"]),
            ).fetchone()
            is not None
        )
    if not allowed:
        return suspend("other_user_update")
    if thread["status"] == "closed":
        raise _FollowUp(thread["id"])
    token = _store_files(state, user["id"], files)
    text = body if body.strip() else "(attachments only)\n"
    now = iso(utcnow())
    with state.writing() as conn:
        comment_id = insert_comment(
            conn, thread["id"], user["id"], text, html_body(text), True, now
        )
        if token:
            uploads.consume(conn, [token], comment_id)
        status = thread["status"]
        if status in ("pending", "solved"):
            status = "open"
        conn.execute(
            "UPDATE requests SET status = ?, solved_at = CASE WHEN ? = 'open' THEN NULL "
            "ELSE solved_at END, updated_at = ? WHERE id = ?",
            (status, status, now, thread["id"]),
        )
        _remember(conn, message_id, thread["id"], comment_id, user["email"])
    return Outcome("comment", thread["id"])


class _FollowUp(Exception):
    """A reply to a closed request: it becomes a new follow-up request."""

    def __init__(self, source_id: int) -> None:
        super().__init__(source_id)
        self.source_id = source_id


def suspended(state: SandboxState, limit: int = 100) -> list[dict[str, Any]]:
    """Suspended mail, newest first, with the cause's description."""
    with state.reading() as conn:
        rows = conn.execute(
            "SELECT * FROM suspended_mail ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
    return [{**dict(row), "cause_description": CAUSES.get(row["cause"], "")} for row in rows]


# -- the SMTP server ----------------------------------------------------------------------


class _Handler:
    """aiosmtpd's handler: every recipient accepted; each mail goes through receive()."""

    def __init__(self, state: SandboxState, config: SandboxConfig, log: bool) -> None:
        self.state, self.config, self.log = state, config, log
        self.lock = threading.Lock()  # one mail at a time, like a queue worker
        self.outcomes: list[Outcome] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd names it
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        try:
            with self.lock:
                outcome = receive(self.state, self.config, list(envelope.rcpt_tos), raw)
        except Exception:
            import traceback

            if self.log:
                traceback.print_exc(file=sys.stderr)
            return "451 4.3.0 The sandbox desk failed to take the message; try again"
        self.outcomes.append(outcome)
        if self.log:
            what = f"#{outcome.request_id}" if outcome.request_id else outcome.cause
            sys.stderr.write(f"sandbox: mail from {envelope.mail_from}: {outcome.kind} {what}\n")
        return "250 2.0.0 Message accepted"


class MailIntake:
    """The SMTP side of the sandbox desk, on its own thread (aiosmtpd)."""

    def __init__(
        self, state: SandboxState, config: SandboxConfig, *, port: int = 0, log: bool = False
    ) -> None:
        from aiosmtpd.controller import Controller

        class _Controller(Controller):
            def _trigger_server(self) -> None:
                # Port 0 picks a free port: learn which before aiosmtpd connects to it.
                if self.port == 0 and self.server is not None:
                    self.port = self.server.sockets[0].getsockname()[1]
                super()._trigger_server()

        self.handler = _Handler(state, config, log)
        self._controller = _Controller(
            self.handler,
            hostname=config.host,
            port=port,
            data_size_limit=config.max_upload_bytes + 16 * 1024 * 1024,
            server_hostname="sandbox.desk.localhost",
            ident="ctlsupport sandbox desk",
        )
        self._running = False

    def start(self) -> MailIntake:
        self._controller.start()
        self._running = True
        return self

    @property
    def port(self) -> int:
        return int(self._controller.port)

    def stop(self) -> None:
        if self._running:
            self._running = False
            self._controller.stop()
