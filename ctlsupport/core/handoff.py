"""A message handed to a person when ctlsupport cannot send it: an .eml file and a link.

With no mail server set up, an escalation must still go out as the exact message the
provider's automation expects (a NEW mail to the escalation address, subject
`ESCALATION: Ticket - <number>`), never quietly as an ordinary request. The .eml opens
in any mail program ready to send; the mailto: link does the same in a browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

# Mail programs and browsers cut long mailto: links; past this, point to the file only.
MAILTO_LIMIT = 1800


@dataclass(frozen=True)
class Handoff:
    """Where the message was written, and a mailto: link for it (None when too long)."""

    path: Path
    mailto: str | None
    to: str
    subject: str

    def as_data(self) -> dict[str, str | None]:
        return {"eml": str(self.path), "mailto": self.mailto, "to": self.to,
                "subject": self.subject}  # fmt: skip

    def instructions(self) -> str:
        """What the person does next, in one sentence."""
        how = f"open {self.path} in your mail program and send it"
        if self.mailto:
            how += ", or open the mailto: link"
        return f"{how} (From must be the support alias; send it as it is, as a new message)"


def mailto_link(to: str, subject: str, body: str, cc: list[str] | None = None) -> str | None:
    """A mailto: link (RFC 6068) for the message; None when it would be too long."""
    query = f"subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    if cc:
        query = f"cc={quote(','.join(cc), safe='@,')}&" + query
    link = f"mailto:{quote(to, safe='@')}?{query}"
    return link if len(link) <= MAILTO_LIMIT else None


def write(
    folder: Path,
    *,
    alias: str,
    to: str,
    subject: str,
    body: str,
    name: str,
) -> Handoff:
    """Write the message as `folder/name.eml` (mode 0600) and return the hand-off."""
    import os

    from ctlsupport.transport.mail import build_ticket, new_message_id

    message = build_ticket(
        alias=alias, to=to, subject=subject, body=body, message_id=new_message_id(alias)
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.eml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(message.as_bytes())
    return Handoff(path, mailto_link(to, subject, body), to, subject)
