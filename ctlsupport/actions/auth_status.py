"""How a profile is signed in: method, identity, where its secrets are, expiry, and what
to do about it."""

from __future__ import annotations

from typing import Any

from ctlsupport.config import secrets, settings
from ctlsupport.errors import KeyringUnavailable


def profile_status(profile: settings.Profile) -> dict[str, Any]:
    """How one profile is signed in: method, identity, storage, expiry, warnings."""
    from ctlsupport.actions import signin
    from ctlsupport.actions import tokens as stored

    method = profile.auth
    kind = "oauth-access" if method == "oauth" else method
    entry: dict[str, Any] = {
        "profile": profile.name,
        "desk_url": profile.desk_url,
        "method": method,
        "identity": None,
        "stored_in": None,
        "expires_at": None,
        "expired": None,
        "renewable": None,
        "pin_stored_in": None,
        "warnings": [],
    }
    warnings: list[str] = entry["warnings"]
    try:
        access, entry["stored_in"] = secrets.lookup(profile.name, kind)
        entry["pin_stored_in"] = secrets.source(profile.name, "pin", profile.alias)
        if method == "oauth" and entry["stored_in"] not in (None, "env"):
            tokens = stored.load_tokens(profile, access)
            if tokens is not None and tokens.expires_at is not None:
                entry["expires_at"] = stored.iso_time(tokens.expires_at)
                entry["expired"] = tokens.expired()
            entry["renewable"] = bool(tokens and tokens.refresh)
            if entry["expired"] and not entry["renewable"]:
                warnings.append("the access token has expired: sign in again")
    except KeyringUnavailable as exc:
        entry["stored_in"] = "keyring unavailable"
        warnings.append(f"{exc.message}; hint: {exc.hint}")
    if entry["stored_in"] not in (None, "keyring unavailable"):
        entry["identity"] = profile.alias
    else:
        warnings.append("not signed in: run `ctlsupport auth login`")
    if "insecure file" in (entry["stored_in"], entry["pin_stored_in"]):
        warnings.append(f"secrets in a plain file: {secrets.insecure_path()}")
    legacy = signin.legacy_warning(method)
    if legacy:
        warnings.append(legacy)
    return entry
