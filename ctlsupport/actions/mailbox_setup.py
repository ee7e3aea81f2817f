"""`setup` on the email route: where the alias's mailbox is, so `sync`, `list`, `show`
and `watch` work without API access. Asked through the injected asker; the password
goes to the keyring, never to the config file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ctlsupport.core import validate

if TYPE_CHECKING:
    from ctlsupport.config.settings import Profile
    from ctlsupport.secret import Secret

KNOWN_HOSTS = {
    "outlook.office365.com": "xoauth2",  # Exchange Online takes no passwords over IMAP
    "imap.gmail.com": "password",  # an app password; or xoauth2
}


def ask_mailbox(ask: Any, profile: Profile) -> Secret | None:
    """Ask where the alias's mailbox is and how to sign in (Enter skips); returns the
    password to keep in the keyring, if one was typed."""
    from ctlsupport.secret import SCRUBBER, Secret

    kind = ask.select(
        "The alias's mailbox (the desk's notifications, for sync/list/show/watch)",
        [("imap", "IMAP server"), ("maildir", "a local Maildir"), ("none", "not now")],
        "maildir" if profile.maildir else ("imap" if profile.imap_host else "none"),
    )
    if kind == "none":
        return None
    if kind == "maildir":
        profile.maildir = ask.text(
            "Maildir path", default=profile.maildir, check=validate.line("Maildir path", 4096)
        )
        return None
    profile.maildir = ""
    profile.imap_host = ask.text("IMAP host", default=profile.imap_host or "",
                                 check=validate.line("IMAP host", 255))  # fmt: skip
    profile.imap_port = ask.text(
        "IMAP port", default=profile.imap_port or "993", check=validate.port
    )
    profile.imap_user = ask.text(
        "Mailbox user", default=profile.imap_user or profile.alias,
        check=validate.line("IMAP user", 255),
    )  # fmt: skip
    suggested = KNOWN_HOSTS.get(profile.imap_host.lower(), profile.imap_auth or "password")
    profile.imap_auth = ask.select(
        "Mailbox sign-in",
        [("password", "password or app password (kept in the OS keyring)"),
         ("xoauth2", "OAuth2 token printed by a command (Microsoft 365, Google)")],
        suggested,
    )  # fmt: skip
    if profile.imap_auth == "xoauth2":
        profile.imap_token_command = ask.text(
            "Command that prints an access token", default=profile.imap_token_command,
            check=validate.line("token command", 1000),
        )  # fmt: skip
        return None
    value = ask.secret("Mailbox password (Enter to keep the stored one)")
    if not value:
        return None
    SCRUBBER.add(value)
    return Secret(value)
