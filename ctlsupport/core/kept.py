"""What the desk kept of a new request: the asked values against the desk's answer.

Zendesk is permissive (contract §13.2): it drops what an end user may not write and
still answers 201. An end user's priority is kept only where the desk lets end users
set it; CCs go to `email_ccs` or `collaborators` depending on a desk setting (§13.4).
So after every create, compare, and say plainly what was dropped and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ctlsupport.model import Request, TicketDraft

PRIORITY_FIX = (
    "the desk does not let end users set the priority through the API: send urgent and "
    "high by email (the address sets the priority: `--via email`), or ask the provider's "
    "desk admin to let end users set it (docs/provider-setup.md)"
)
MAIL_PRIORITY_FIX = (
    "the desk set the priority from the address the mail went to: check that route's "
    "address with the provider (`ctlsupport config show`, docs/email.md)"
)
CC_FIX = (
    "add them by email (Cc on the mail the desk receives), or ask the provider's desk "
    "admin which CC setting the desk uses (docs/provider-setup.md)"
)


@dataclass(frozen=True)
class Dropped:
    """One asked value the desk did not keep."""

    field: str  # priority | cc
    asked: Any
    kept: Any
    message: str
    fix: str


@dataclass(frozen=True)
class Kept:
    """The comparison: empty `dropped` means the desk kept everything asked."""

    dropped: list[Dropped] = field(default_factory=list)

    @property
    def all_kept(self) -> bool:
        return not self.dropped

    def as_data(self) -> dict[str, Any]:
        """For --json: `{"all_kept": bool, "dropped": [{field, asked, kept, message, fix}]}`."""
        return {"all_kept": self.all_kept, "dropped": [asdict(d) for d in self.dropped]}

    def lines(self) -> list[str]:
        """One plain sentence per dropped value, with its fix."""
        return [f"{d.message}; {d.fix}" for d in self.dropped]


def _priority(asked: str | None, answer: Mapping[str, Any], by_mail: bool) -> Dropped | None:
    if not asked:
        return None
    kept = answer.get("priority")
    if kept == asked:
        return None
    shown = kept or "no priority"
    return Dropped(
        "priority", asked, kept, f"priority {asked} was not kept: the desk has {shown}",
        MAIL_PRIORITY_FIX if by_mail else PRIORITY_FIX,
    )  # fmt: skip


def _ccs(
    asked: Iterable[str], answer: Mapping[str, Any], emails: Mapping[int, str] | None
) -> Dropped | None:
    wanted = [a.strip().lower() for a in asked if a and a.strip()]
    if not wanted:
        return None
    ids = [*(answer.get("email_cc_ids") or []), *(answer.get("collaborator_ids") or [])]
    if emails is not None:  # the desk's users are known: compare by address
        present = {str(emails[i]).lower() for i in ids if i in emails}
        missing = [a for a in dict.fromkeys(wanted) if a not in present]
    else:  # only the ids: compare how many
        count = len(set(wanted)) - len(set(ids))
        missing = list(dict.fromkeys(wanted))[-count:] if count > 0 else []
    if not missing:
        return None
    names = ", ".join(missing)
    noun = "CC was" if len(missing) == 1 else "CCs were"
    return Dropped("cc", missing, ids, f"{noun} not kept by the desk: {names}", CC_FIX)


def compare(
    *,
    asked_priority: str | None,
    asked_ccs: Iterable[str] = (),
    answer: Mapping[str, Any],
    emails: Mapping[int, str] | None = None,
    by_mail: bool = False,
) -> Kept:
    """Compare what was asked with the desk's request JSON; `emails` (user id -> address,
    e.g. from `include=users`) lets CCs be named exactly; `by_mail`: the request came
    from a mail (its priority was set by the address)."""
    found = [_priority(asked_priority, answer, by_mail), _ccs(asked_ccs, answer, emails)]
    return Kept([d for d in found if d is not None])


def of_request(draft: TicketDraft, request: Request, account_rep: str, *, by_mail: bool) -> Kept:
    """What the desk kept of a draft, from the request it made of it."""
    from ctlsupport.core.tickets import cc_list

    answer = {"priority": request.priority, "email_cc_ids": request.email_cc_ids,
              "collaborator_ids": request.collaborator_ids}  # fmt: skip
    return compare(
        asked_priority=draft.priority, asked_ccs=cc_list(draft, account_rep), answer=answer,
        by_mail=by_mail,
    )  # fmt: skip


def noted(
    data: dict[str, Any], draft: TicketDraft, request: Request, account_rep: str, *, by_mail: bool
) -> list[str]:
    """Compare, put the result in `data["kept"]` (for --json), and return the lines that
    say what was not kept."""
    found = of_request(draft, request, account_rep, by_mail=by_mail)
    data["kept"] = found.as_data()
    return [f"  NOT KEPT: {line}" for line in found.lines()]
