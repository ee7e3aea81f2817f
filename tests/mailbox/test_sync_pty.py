"""`sync` on a real pseudo-terminal shows a progress bar on stderr while it reads."""

from __future__ import annotations

import mailbox
import os
import re
import sys

import pexpect
from boxhelp import alias_maildir, mail_desk, write_profile


def test_a_progress_bar_while_many_messages_are_read(desk, tmp_path):
    from ctlsupport.transport.imap import MaildirSource

    mail_desk(desk, "Many", "Many notifications.\n")
    source = MaildirSource(alias_maildir(desk))
    raw = next(iter(source.fetch(source.pending(0, set())))).raw
    box = mailbox.Maildir(tmp_path / "many", create=True)
    for n in range(400):
        box.add(re.sub(rb"Message-ID: <", f"Message-ID: <{n}-".encode(), raw, count=1))
    write_profile(maildir=str(tmp_path / "many"))
    env = {k: v for k, v in os.environ.items() if k != "CTLSUPPORT_NO_INPUT"}
    env.update(TERM="xterm", NO_COLOR="1")
    child = pexpect.spawn(sys.executable, ["-m", "ctlsupport", "sync"], env=env,
                          encoding="utf-8", timeout=60, dimensions=(30, 120))  # fmt: skip
    try:
        child.expect("Reading the mailbox")
        child.expect(r"Read 400 new message\(s\)")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
