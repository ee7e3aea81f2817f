"""The desk's outbound mail: what Zendesk's default triggers send (contract §13.5).

"Notify requester and CCs of received request", "... of comment update" (a public
comment by an agent) and "... of solved request". Each notification carries the
ticket number, the encoded id in square brackets, the reply delimiter, threading
headers (Message-ID, In-Reply-To, References) and the desk's reply address, and is
delivered to a mailbox per recipient: a Maildir under the desk's data directory, or
an SMTP server named by `notify_smtp` (host:port) when one is set.

A notification is recorded before it is delivered; a delivery that fails is kept with
its error and never fails the change that caused it (a trigger does not undo a reply).
"""

from __future__ import annotations

import secrets
import sqlite3
import sys
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

from .clock import iso, parse_iso, utcnow
from .state import SandboxState, get_meta

DELIMITER = "##- Please type your reply above this line -##"
RULE = "-" * 46
_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DEFAULT_DESK_NAME = "Provider Support"
DEFAULT_REPLY_ADDRESS = "help@ctl.io"  # the provider's shared queue (the normal route)
MESSAGE_ID_DOMAIN = "desk.sandbox.localhost"
SHOWN_COMMENTS = 3  # {{ticket.comments_formatted}} shows the latest few

INTROS = {
    "received": "Your request ({id}) has been received and is being reviewed by our "
    "support staff.\n\nTo add additional comments, reply to this email.",
    "reply": "Your request ({id}) has been updated. To add additional comments, reply to "
    "this email.",
    "solved": "Your request ({id}) has been solved. To reopen this request, reply to this email.",
}
SUBJECTS = {
    "received": "[Request received] {title}",
    "reply": "[{desk}] Re: {title}",
    "solved": "[{desk}] Re: {title}",
}


def encoded_id(conn: sqlite3.Connection, request_id: int) -> str:
    """The request's encoded id (`1G7EOR-0Q2J`), made on first use."""
    row = conn.execute(
        "SELECT code FROM request_codes WHERE request_id = ?", (request_id,)
    ).fetchone()
    if row is not None:
        return str(row[0])
    while True:
        raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
        code = f"{raw[:6]}-{raw[6:]}"
        cursor = conn.execute(
            "INSERT OR IGNORE INTO request_codes (request_id, code) VALUES (?, ?)",
            (request_id, code),
        )
        if cursor.rowcount:
            return code


def request_by_code(conn: sqlite3.Connection, code: str) -> int | None:
    """The request an encoded id stands for, if any."""
    row = conn.execute(
        "SELECT request_id FROM request_codes WHERE code = ?", (code.upper(),)
    ).fetchone()
    return None if row is None else int(row[0])


def request_by_message_id(conn: sqlite3.Connection, message_id: str) -> int | None:
    """The request whose notification had this Message-ID, if any."""
    row = conn.execute(
        "SELECT request_id FROM notifications WHERE message_id = ?", (message_id,)
    ).fetchone()
    return None if row is None else int(row[0])


def send(state: SandboxState, request_id: int, kind: str, comment_id: int | None = None) -> None:
    """Compose, record and deliver one notification; never raises for delivery."""
    try:
        with state.writing() as conn:
            message, recipients = _compose(state, conn, request_id, kind, comment_id)
            if not recipients:
                return
            cursor = conn.execute(
                "INSERT INTO notifications (message_id, request_id, comment_id, kind, "
                "recipients, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (message["Message-ID"], request_id, comment_id, kind, ",".join(recipients),
                 iso(utcnow())),
            )  # fmt: skip
            row_id = cursor.lastrowid
        error = _deliver(state, message, recipients)
    except Exception as exc:  # a trigger never undoes the change that fired it
        sys.stderr.write(f"sandbox: notification for #{request_id} not sent: {exc}\n")
        return
    with state.writing() as conn:
        conn.execute(
            "UPDATE notifications SET delivered_at = ?, error = ? WHERE id = ?",
            (None if error else iso(utcnow()), error, row_id),
        )


def _recipients(conn: sqlite3.Connection, request: sqlite3.Row) -> list[str]:
    """The requester, then the CCs, each once."""
    rows = conn.execute(
        "SELECT u.email FROM users u WHERE u.id = ? UNION ALL "
        "SELECT u.email FROM request_users ru JOIN users u ON u.id = ru.user_id "
        "WHERE ru.request_id = ? ORDER BY 1",
        (request["requester_id"], request["id"]),
    ).fetchall()
    requester = conn.execute(
        "SELECT email FROM users WHERE id = ?", (request["requester_id"],)
    ).fetchone()[0]
    others = [r[0].lower() for r in rows if r[0].lower() != requester.lower()]
    return list(dict.fromkeys([requester.lower(), *others]))


def _compose(
    state: SandboxState,
    conn: sqlite3.Connection,
    request_id: int,
    kind: str,
    comment_id: int | None,
) -> tuple[EmailMessage, list[str]]:
    request = conn.execute("SELECT * FROM requests WHERE id = ?", (request_id,)).fetchone()
    recipients = _recipients(conn, request)
    code = encoded_id(conn, request_id)
    desk = get_meta(conn, "desk_name") or DEFAULT_DESK_NAME
    reply_to = request["recipient"] or DEFAULT_REPLY_ADDRESS
    message = EmailMessage()
    message["From"] = formataddr((desk, reply_to))
    message["Reply-To"] = formataddr((desk, reply_to))
    message["To"] = recipients[0] if recipients else ""
    if len(recipients) > 1:
        message["Cc"] = ", ".join(recipients[1:])
    message["Subject"] = SUBJECTS[kind].format(desk=desk, title=request["subject"])
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = f"<{code}_{secrets.token_hex(6)}_sprut@{MESSAGE_ID_DOMAIN}>"
    references = _references(conn, request_id, code)
    if references:
        message["In-Reply-To"] = references[-1]
        message["References"] = " ".join(references)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: a machine wrote it
    text = _body(conn, request, kind, code, desk)
    message.set_content(text)
    from .shapes import html_body

    message.add_alternative(html_body(text), subtype="html")
    return message, recipients


def _references(conn: sqlite3.Connection, request_id: int, code: str) -> list[str]:
    """The thread's root id, the mail that opened the request (when it came by mail)
    and the latest earlier notifications, the parent last: mail clients show one thread."""
    opened = conn.execute(
        "SELECT message_id FROM mail_messages WHERE request_id = ? ORDER BY created_at, rowid "
        "LIMIT 1",
        (request_id,),
    ).fetchone()
    earlier = conn.execute(
        "SELECT message_id FROM notifications WHERE request_id = ? ORDER BY id DESC LIMIT 5",
        (request_id,),
    ).fetchall()
    found = [f"<{code}@{MESSAGE_ID_DOMAIN}>"]  # the parent comes last
    found += [opened[0]] if opened else []
    found += [row[0] for row in reversed(earlier)]
    return found


def _body(conn: sqlite3.Connection, request: sqlite3.Row, kind: str, code: str, desk: str) -> str:
    """The default trigger's text: the delimiter, the intro, the latest public comments
    (newest first, as {{ticket.comments_formatted}}), the footer, the encoded id."""
    comments = conn.execute(
        "SELECT c.body, c.created_at, u.name FROM comments c JOIN users u "
        "ON u.id = c.author_id WHERE c.request_id = ? AND c.public = 1 "
        "ORDER BY c.created_at DESC, c.id DESC LIMIT ?",
        (request["id"], SHOWN_COMMENTS),
    ).fetchall()
    parts = [DELIMITER, "", INTROS[kind].format(id=request["id"]), ""]
    for comment in comments:
        stamp = parse_iso(comment["created_at"]).strftime("%b %d, %Y, %H:%M UTC")
        parts += [RULE, "", f"{comment['name']}, {stamp}", "", comment["body"].strip(), ""]
    parts += [RULE, f"This email is a service from {desk}.", "", f"[{code}]", ""]
    return "\n".join(parts)


def mailbox_path(state: SandboxState, address: str) -> Path:
    """The Maildir the embedded desk delivers one address's mail to."""
    return state.db_path.parent / "mailboxes" / address.lower()


def _deliver(state: SandboxState, message: EmailMessage, recipients: list[str]) -> str | None:
    """Into each recipient's Maildir, or over SMTP when the desk has a relay set;
    returns the error, or None when delivered."""
    with state.reading() as conn:
        relay = get_meta(conn, "notify_smtp")
    raw = message.as_bytes()
    if relay:
        import smtplib
        from email import policy

        raw = message.as_bytes(policy=policy.SMTP)  # CRLF line ends on the wire

        host, _, port = relay.rpartition(":")
        try:
            with smtplib.SMTP(host, int(port), timeout=10) as smtp:
                smtp.sendmail(_envelope_sender(message), recipients, raw)
        except (OSError, smtplib.SMTPException) as exc:
            return f"SMTP relay {relay}: {exc}"
        return None
    import mailbox

    try:
        for address in recipients:
            path = mailbox_path(state, address)
            path.parent.mkdir(parents=True, exist_ok=True)
            mailbox.Maildir(path, create=True).add(raw)
    except OSError as exc:
        return f"Maildir: {exc}"
    return None


def _envelope_sender(message: EmailMessage) -> str:
    from email.utils import parseaddr

    return parseaddr(str(message["From"]))[1]
