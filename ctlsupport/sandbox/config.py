"""Settings of one sandbox desk."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class SandboxConfig:
    """Where the sandbox keeps its state, where it listens, and how it behaves."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 0  # 0 = pick a free port
    email: str = "support@partner.example"  # the seeded partner END USER
    password: str = "sandbox"
    token: str = "sandbox-token"  # account-wide API token (Basic email/token:TOKEN)
    name: str = "Partner Support"
    # Basic email:password on the API: gone at Zendesk (contract §2.3); `sandbox serve
    # --allow-password` turns it on to test older desks.
    password_access: bool = False
    rate_limit_per_minute: int = 700
    # Access tokens from /oauth/tokens expire only when `expires_in` is asked for, as
    # on the real desk; a number here forces that lifetime on every token (tests).
    oauth_token_seconds: float | None = None
    # The desk admin's settings (desk_settings.py), stored in the file when given.
    desk_settings: dict[str, str] | None = None
    close_after_hours: float = 72.0  # solved -> closed automation (the provider says 72 h)
    max_upload_bytes: int = 50 * 1024 * 1024
    public_url: str | None = None  # base of "url" fields; default: the server's own address
    # Random faults per API call, by kind ("429", "500", "503", "slow", "reset", "drop",
    # "late", "slowupload"):
    # the chance of each, e.g. {"503": 0.05}. See faults.py and docs/sandbox.md.
    fault_rates: dict[str, float] = field(default_factory=dict)
    slow_seconds: float = 35.0  # a "slow" fault answers (a "late" one commits) after this long
    slow_upload_seconds: float | None = None  # a "slowupload" holds an upload (None: slow)
    fault_seed: int | None = None
    # The email channel (mail_intake.py): an SMTP port on `host` (None: no SMTP, 0: a
    # free one), the address -> priority triggers (None: the email route's defaults),
    # and the loop guard: more than `mail_loop_limit` mails from one sender within
    # `mail_loop_seconds` are suspended (cause "loop").
    smtp_port: int | None = None
    mail_priorities: dict[str, str] | None = None
    mail_loop_limit: int = 20
    mail_loop_seconds: float = 3600.0
    # Where the desk's notifications go: None or "" delivers them into a Maildir per
    # recipient under data_dir/mailboxes/; "host:port" relays them to that SMTP server.
    notify_smtp: str | None = None

    @property
    def db_path(self) -> Path:
        """The SQLite file holding all state."""
        return Path(self.data_dir) / "sandbox.sqlite3"
