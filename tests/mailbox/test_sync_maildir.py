"""`sync` from a Maildir: the desk's notifications into the local history, incremental,
and robust to whatever else a mailbox holds."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage

import pytest
from boxhelp import ALIAS, alias_maildir, mail_desk, profile

from ctlsupport.actions import sync as action
from ctlsupport.store import db
from ctlsupport.transport.imap import MaildirSource


def run(path, **values):
    conn = db.connect()
    return action.sync(conn, profile(maildir=str(path), **values), MaildirSource(path)), conn


def known(conn, ticket: int):
    return conn.execute("SELECT * FROM requests WHERE id = ?", (ticket,)).fetchone()


def test_a_mailed_ticket_gets_its_number_status_and_replies_from_the_mailbox(desk):
    mail_desk(desk, "Backup failed", "Last night's backup failed.\n")
    ticket = desk.state.list_requests()[0]["id"]
    result, conn = run(alias_maildir(desk))
    assert (result.read, result.notices, result.new_tickets, result.numbers_learned) == (1, 1, 1, 1)
    row = known(conn, ticket)
    assert (row["subject"], row["status"], row["source"]) == ("Backup failed", "new", "mail")

    desk.state.agent_reply(ticket, "Restarted the job.")
    result, conn = run(alias_maildir(desk))
    assert (result.read, result.replies, result.status_changes) == (1, 1, 1)
    assert known(conn, ticket)["status"] == "open"
    assert known(conn, ticket)["first_reply_at"]
    desk.state.set_status(ticket, "solved")
    result, conn = run(alias_maildir(desk))
    assert known(conn, ticket)["status"] == "solved" and result.status_changes == 1
    from ctlsupport.store.mailbox import MailboxStore

    kinds = [(n.kind, n.author, n.body) for n in MailboxStore(conn).notices("default", ticket)]
    assert kinds[0] == ("received", "Partner Support", "Last night's backup failed.")
    assert kinds[1] == ("reply", "Sam Agent", "Restarted the job.")
    again, _ = run(alias_maildir(desk))
    assert again.read == 0 and again.notices == 0


def test_our_own_mail_learns_the_number_the_desk_gave_it(desk):
    from ctlsupport.store.mail_log import MailLog

    conn = db.connect()
    log = MailLog(conn)
    opened = mail_desk(desk, "Mailed from here", "Opened by ctlsupport.\n")
    log.record("ref-1", opened, profile="default", kind="request", route="normal",
               recipient="help@ctl.io", subject="Mailed from here")  # fmt: skip
    run(alias_maildir(desk))
    ticket = desk.state.list_requests()[0]["id"]
    assert log.get("ref-1").desk_id == ticket
    assert known(conn, ticket)["submitted_here"] == 1


def _add(path, raw: bytes) -> None:
    mailbox.Maildir(path, create=True).add(raw)


def _notification(desk) -> bytes:
    source = MaildirSource(alias_maildir(desk))
    return next(iter(source.fetch(source.pending(0, set())))).raw


def test_whatever_else_the_mailbox_holds_is_skipped_counted_and_never_a_traceback(desk, tmp_path):
    mail_desk(desk, "Real ticket", "Broken.\n")
    box = tmp_path / "box"
    real = _notification(desk)
    _add(box, real)
    _add(box, real)  # the same notification delivered twice
    newsletter = EmailMessage()
    newsletter["From"] = "news@vendor.example"
    newsletter["Subject"] = "Our offers"
    newsletter.set_content("Buy now.")
    _add(box, newsletter.as_bytes())
    _add(box, b"\x00\xff\xfe garbage that is no mail at all \x00")
    _add(box, b'From: x@y\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nbroken')
    latin = real.replace(b"Broken.", b"Kaputt \xe4\xf6\xfc.")  # declared utf-8, is latin-1
    latin = latin.replace(b"Message-ID: <", b"Message-ID: <latin")
    _add(box, latin)
    huge = EmailMessage()
    huge["From"] = "someone@customer.example"
    huge["Subject"] = "big file"
    huge.set_content("see attachment")
    huge.add_attachment(b"\0" * (3 * 1024 * 1024), maintype="application", subtype="octet-stream")
    _add(box, huge.as_bytes())
    html = EmailMessage()
    html["From"] = "help@ctl.io"
    html["Subject"] = "[Provider Support] Re: Real ticket"
    html["Message-ID"] = "<html-only@desk.example>"
    code = real.split(b"[")[-1].split(b"]")[0].decode()
    html.set_content(
        "<div><p>##- Please type your reply above this line -##</p><p>Your request "
        f"({desk.state.list_requests()[0]['id']}) has been updated.</p><hr><p>Sam Agent, "
        "Nov 30</p><p>Reboot <b>done</b>.<br>Check it.</p><hr><p>[" + code + "]</p></div>",
        subtype="html",
    )
    _add(box, html.as_bytes())

    result, conn = run(box)
    assert result.read == 8
    assert result.notices == 3  # the notification, the recoded copy, the HTML one
    assert result.skipped["duplicate"] == 1
    assert result.skipped["not_desk"] == 2  # the newsletter, the huge mail
    assert result.skipped["malformed"] == 2  # the garbage, the broken multipart
    assert result.truncated == 1 and result.recoded == 1
    (body,) = conn.execute("SELECT body FROM mail_notices WHERE message_id = ?",
                           ("<html-only@desk.example>",)).fetchone()  # fmt: skip
    assert body == "Reboot done.\nCheck it."
    assert "Skipped:" in "\n".join(result.lines())


def test_an_interrupted_sync_loses_nothing_and_counts_nothing_twice(desk, monkeypatch):
    for n in range(7):
        mail_desk(desk, f"Ticket {n}", "Body.\n")
    monkeypatch.setattr(action, "BATCH", 3)
    path = alias_maildir(desk)

    class Interrupted(MaildirSource):
        """Ctrl-C while the fifth message is read: in the middle of the second batch."""

        def fetch(self, keys):
            for n, fetched in enumerate(super().fetch(keys)):
                if keys[0] != self.first and n == 1:
                    raise KeyboardInterrupt
                yield fetched

    source = Interrupted(path)
    source.first = source.pending(0, set())[0]
    conn = db.connect()
    with pytest.raises(KeyboardInterrupt):
        action.sync(conn, profile(maildir=str(path)), source)
    assert conn.execute("SELECT COUNT(*) FROM requests").fetchone()[0] == 3
    rest, _ = run(path)
    assert rest.read == 4 and rest.new_tickets == 4 and rest.notices == 4
    assert conn.execute("SELECT COUNT(*) FROM requests").fetchone()[0] == 7
    assert conn.execute("SELECT COUNT(*) FROM mail_notices").fetchone()[0] == 7


def test_the_api_wins_and_the_mailbox_fills_the_gaps(desk):
    from ctlsupport.model import Request
    from ctlsupport.store.history import History

    mail_desk(desk, "Seen by the API", "Hello.\n")
    ticket = desk.state.list_requests()[0]["id"]
    conn = db.connect()
    seen = Request(ticket, "Seen by the API", "pending", "high", "incident", "Hello.",
                   "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", "", "")  # fmt: skip
    History(conn).record_seen("default", [seen])
    desk.state.agent_reply(ticket, "Answer.")
    result, conn = run(alias_maildir(desk))
    row = known(conn, ticket)
    assert (row["status"], row["priority"], row["source"]) == ("pending", "high", "api")
    assert row["first_reply_at"] and row["mail_updated_at"]  # the gaps filled
    assert result.replies == 1 and result.status_changes == 0


def test_mail_to_a_maildir_that_is_not_one_is_a_one_line_config_error(tmp_path):
    from ctlsupport.errors import ConfigError

    with pytest.raises(ConfigError, match="is not a Maildir"):
        MaildirSource(tmp_path)


def test_our_own_copy_quoting_a_notification_is_not_a_notification(desk, tmp_path):
    mail_desk(desk, "Own copy", "Hi.\n")
    real = _notification(desk)
    own = real.replace(b"From: Provider Support <help@ctl.io>", f"From: {ALIAS}".encode())
    own = own.replace(b"Message-ID: <", b"Message-ID: <own")
    box = tmp_path / "own"
    _add(box, own)
    result, _ = run(box)
    assert result.skipped["own"] == 1 and result.notices == 0


def test_watch_from_a_maildir_reports_new_tickets_replies_and_status(desk):
    from ctlsupport.actions.mail_watch import MailWatcher, watch

    mail_desk(desk, "Known before", "Hi.\n")
    ticket = desk.state.list_requests()[0]["id"]
    path = alias_maildir(desk)
    conn = db.connect()
    p = profile(maildir=str(path))
    source = MaildirSource(path)
    action.sync(conn, p, source)
    watcher = MailWatcher(conn, p, source)
    desk.state.agent_reply(ticket, "On it.")
    desk.state.set_status(ticket, "solved")
    mail_desk(desk, "Brand new", "Another.\n")
    changes = []
    code = watch(watcher, interval=0.1, count=1, until=None, on_change=changes.append,
                 note=lambda text: None)  # fmt: skip
    assert code == 0
    kinds = sorted((c.kind, c.request_id) for c in changes)
    assert kinds == [("comment", ticket), ("new", ticket + 1), ("status", ticket)]
    status = next(c for c in changes if c.kind == "status")
    assert (status.before, status.after) == ("new", "solved")


def test_escape_sequences_in_mail_never_reach_the_history(desk, tmp_path):
    mail_desk(desk, "Plain", "Hi.\n")
    real = _notification(desk)
    evil = real.replace(
        b"Subject: [Request received] Plain",
        b"Subject: [Request received] Pl\x1b]0;owned\x07ain\x1b[2J",
    )
    box = tmp_path / "evil"
    _add(box, evil)
    _, conn = run(box)
    subjects = [r[0] for r in conn.execute("SELECT subject FROM mail_notices")]
    subjects += [r[0] for r in conn.execute("SELECT subject FROM requests")]
    assert subjects and all("\x1b" not in s and "\x07" not in s for s in subjects)
