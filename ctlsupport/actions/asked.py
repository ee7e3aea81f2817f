"""Secrets a delivery may need that are not stored: asked of the person when one is there."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctlsupport.actions.session import Session
    from ctlsupport.config.settings import Profile
    from ctlsupport.secret import Secret
    from ctlsupport.store.outbox import OutboxItem


def pin(state: Session, profile: Profile) -> Secret | None:
    pin = state.secret("pin", profile)
    if pin is None:
        ask = state.asker()
        if ask.interactive:
            from ctlsupport.core import validate
            from ctlsupport.secret import SCRUBBER, Secret

            value = ask.secret("Control Portal PIN", check=validate.pin)
            SCRUBBER.add(value)
            pin = Secret(value)
    return pin


def root_password(state: Session, item: OutboxItem) -> Secret | None:
    """The root/admin password of a queued ticket, asked again (it is never stored)."""
    ask = state.asker()
    if not ask.interactive:
        return None
    from ctlsupport.secret import SCRUBBER, Secret

    subject = item.payload.get("subject", "")
    value = ask.secret(f"Root/admin password for '{subject}' (never stored)")
    SCRUBBER.add(value)
    return Secret(value) if value else None
