"""A ticket's way to the desk: queued in the outbox first (no secrets), then delivered
exactly once; a failure leaves it queued with the reason, to be sent again later."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ctlsupport.core.delivery import Delivered, RetryPolicy, deliver
from ctlsupport.core.outbound import Gate
from ctlsupport.core.redact import Redactor
from ctlsupport.core.tickets import build_payload, render_body
from ctlsupport.errors import CtlError
from ctlsupport.model import Request, TicketDraft
from ctlsupport.secret import Secret

if TYPE_CHECKING:
    from ctlsupport.store.outbox import Outbox, OutboxItem
    from ctlsupport.transport.zendesk import DeskClient

SECRET_FIELDS = ("pin", "root_password")


def draft_to_payload(draft: TicketDraft, *, alias: str, account_rep: str) -> dict[str, Any]:
    """What the outbox keeps of a ticket: every field but the secrets."""
    data = {k: v for k, v in asdict(draft).items() if k not in SECRET_FIELDS}
    data["meta"] = {
        "alias": alias,
        "account_rep": account_rep,
        "reported_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return data


def draft_from_payload(payload: dict[str, Any]) -> TicketDraft:
    """The draft back from the outbox, secrets still to be supplied."""
    names = {f.name for f in fields(TicketDraft)} - set(SECRET_FIELDS)
    return TicketDraft(**{k: v for k, v in payload.items() if k in names})


def ticket_body(
    item: OutboxItem, *, pin: Secret | None, root_password: Secret | None, mask: bool = False
) -> tuple[TicketDraft, str]:
    """A queued ticket's draft, secrets supplied, and its body exactly as on every try:
    dated when it was queued, the client reference last (how the desk finds it again)."""
    draft = draft_from_payload(item.payload)
    draft.pin, draft.root_password = pin, root_password
    meta = item.payload.get("meta", {})
    reported = datetime.strptime(meta["reported_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    body = render_body(draft, alias=meta.get("alias", ""), now=reported, mask=mask)
    return draft, body + f"\nClient reference: {item.client_ref}\n"


@contextmanager
def releasing(
    outbox: Outbox, item: OutboxItem, why: Callable[[CtlError], str] = lambda exc: exc.message
) -> Iterator[None]:
    """Any failure inside puts the leased item back in the queue, with `why` (or
    "interrupted"), and goes on."""
    try:
        yield
    except CtlError as exc:
        outbox.release(item, why(exc))
        raise
    except BaseException:
        outbox.release(item, "interrupted")
        raise


def queue(
    outbox: Outbox,
    profile: str,
    draft: TicketDraft,
    *,
    alias: str,
    account_rep: str = "",
    route: str = "api",
    redactor: Redactor | None = None,
    mail: dict[str, Any] | None = None,
) -> OutboxItem:
    """Write the submission ahead of sending, through the outbound gate: its text fields
    and text attachments redacted (only the known secrets with `redactor` None, as with
    --no-redact); what is queued is what the desk gets.

    `mail`: for the email route, the message's fixed parts (Message-ID, To, Cc, Date).
    """
    secrets = [draft.pin, draft.root_password, *(redactor.known if redactor else ())]
    through = Gate(secrets, redact=redactor is not None)
    through.ticket(draft)
    payload = draft_to_payload(draft, alias=alias, account_rep=account_rep)
    if mail is not None:
        payload["meta"]["mail"] = mail
    return outbox.add(
        profile, "request", payload, route=route, attachments=draft.attachments, copy=through.copy
    )


@dataclass
class Sent:
    item: OutboxItem
    delivered: Delivered


def send(
    client: DeskClient,
    outbox: Outbox,
    item: OutboxItem,
    *,
    pin: Secret,
    root_password: Secret | None = None,
    policy: RetryPolicy | None = None,
    on_upload: Callable[[str, int], None] | None = None,
    on_retry: Callable[[int, str, float], None] | None = None,
) -> Sent:
    """Deliver one leased outbox item; on any failure it goes back to the queue.

    The lease is renewed while this works (a slow upload included); once it is lost,
    nothing more is sent (LeaseLost). An item taken over from a sender whose lease ran
    out, or tried before, is looked for at the desk before it is sent.
    """
    meta = item.payload.get("meta", {})
    with releasing(outbox, item), outbox.holding(item) as lost:
        held = _holder(outbox, item, lost)
        _stop_uploads_when_lost(client, lost, held)
        draft, body = ticket_body(item, pin=pin, root_password=root_password)
        held()
        tokens = client.upload_all(draft.attachments, on_upload)
        payload = build_payload(
            draft, body=body, upload_tokens=tokens, account_rep=meta.get("account_rep", "")
        )
        tried_before = item.attempts > 0 or item.taken_over
        doubted_at = _epoch(item.attempted_at)
        outbox.attempt(item)  # LeaseLost when another sender holds it now

        def create() -> Request:
            held()
            return client.create_request(payload)

        try:
            delivered = deliver(
                create,
                lambda: client.find_by_reference(item.client_ref),
                policy=policy or RetryPolicy.from_env(),
                on_retry=on_retry,
                tried_before=tried_before,
                doubted_at=doubted_at,
                time_left=client.http.deadline.remaining,
                sleep=client.http.deadline.sleep,
            )
        except CtlError as exc:
            # Remember only a send that may still land: the next sender waits it out.
            outbox.in_doubt_since(item, getattr(exc, "unsettled_since", None))
            raise
    outbox.mark_sent(
        item,
        delivered.result.id,
        adopted=delivered.adopted,
        retries=max(0, delivered.attempts - 1),
    )
    return Sent(item, delivered)


def _holder(outbox: Outbox, item: OutboxItem, lost: threading.Event) -> Callable[[], None]:
    """A check before each step that sends: raises LeaseLost once the lease is gone."""

    def held() -> None:
        if lost.is_set():
            raise outbox.lease_lost(item)
        outbox.renew(item)

    return held


def _stop_uploads_when_lost(
    client: DeskClient, lost: threading.Event, held: Callable[[], None]
) -> None:
    """Uploads check the lease as they go: a holder that lost it stops mid-file."""
    report = client.on_upload_progress

    def progress(name: str, sent: int, total: int) -> None:
        if lost.is_set():
            held()
        if report is not None:
            report(name, sent, total)

    client.on_upload_progress = progress


def _epoch(stamp: str | None) -> float | None:
    """Seconds since the epoch of a stored UTC stamp, None when there is none."""
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=moment.tzinfo or UTC).timestamp()
