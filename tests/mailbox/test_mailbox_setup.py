"""The mailbox questions of `setup` on the email route, with a scripted asker."""

from __future__ import annotations

from boxhelp import ALIAS, profile

from ctlsupport.actions.mailbox_setup import ask_mailbox


class Scripted:
    """Answers in order; records the questions and their offered defaults."""

    interactive = True

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, str]] = []

    def _next(self, label: str, default: str = "", check=None) -> str:
        self.asked.append((label, default))
        answer = self.answers.pop(0) or default  # Enter takes the default
        return check(answer) if check else answer

    def text(self, label, *, default="", check=None, help=""):
        return self._next(label, default, check)

    def select(self, label, choices, default):
        return self._next(label, default)

    def secret(self, label, *, check=None):
        return self._next(label)


def test_microsoft_365_is_offered_xoauth2_and_no_password_is_asked():
    p = profile()
    ask = Scripted("imap", "outlook.office365.com", "", "", "xoauth2", "oauth-helper --imap")
    assert ask_mailbox(ask, p) is None
    assert (p.imap_host, p.imap_port, p.imap_user) == ("outlook.office365.com", "993", ALIAS)
    assert (p.imap_auth, p.imap_token_command) == ("xoauth2", "oauth-helper --imap")
    assert ("Mailbox sign-in", "xoauth2") in ask.asked


def test_a_password_comes_back_for_the_keyring_and_stays_out_of_the_profile():
    p = profile()
    secret = ask_mailbox(Scripted("imap", "imap.gmail.com", "", "", "password", "app-pw"), p)
    assert secret.reveal() == "app-pw"
    assert "app-pw" not in repr(p.to_toml())


def test_a_maildir_or_nothing():
    p = profile()
    ask_mailbox(Scripted("maildir", "/var/mail/support"), p)
    assert p.maildir == "/var/mail/support"
    q = profile()
    assert ask_mailbox(Scripted("none"), q) is None and not (q.imap_host or q.maildir)


def test_setup_without_api_access_asks_for_the_mailbox_and_keeps_its_password():
    from asker import ScriptedAsker

    from ctlsupport.actions.session import QuietNotes, Session
    from ctlsupport.actions.setup import SetupOptions, setup
    from ctlsupport.config import paths, secrets

    class Asking(Session):
        def asker(self):
            return self.ask

    session = Asking(notes=QuietNotes())
    session.ask = ScriptedAsker([
        ("Desk URL", "https://support.example.com"), ("Support alias", ALIAS),
        ("Your Control Portal username", "jdoe"), ("Your full name", "Jo Doe"),
        ("Support tier", "professional"), ("Account representative", ""),
        ("Default data center", ""), ("How your team reaches", "email"), ("SMTP server", ""),
        ("The alias's mailbox", "imap"), ("IMAP host", "imap.partner.example"),
        ("Mailbox sign-in", "password"), ("Mailbox password", "mailbox-pw"),
        ("Control Portal PIN", ""),
    ])  # fmt: skip
    done = setup(SetupOptions(), session)
    assert "imap-password" in done.data["stored"]
    assert not any(q.startswith("Sign in to the desk") for q in session.ask.asked)
    assert any("No API access" in line for line in done.lines)
    assert "Desk sign-in method" not in session.ask.asked  # the email route needs none
    saved = paths.config_file().read_text()
    assert 'imap_host = "imap.partner.example"' in saved and "mailbox-pw" not in saved
    assert secrets.get("default", "imap-password").reveal() == "mailbox-pw"
