"""The keyring round trip on a real Secret Service: gnome-keyring in its own D-Bus session.

`.ci/run` installs Debian's gnome-keyring and dbus-x11; only where they are missing is
this skipped, and the reason says which program was not found.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NEEDED = ("dbus-run-session", "gnome-keyring-daemon", "dbus-send")

# Runs inside `dbus-run-session`: an unlocked keyring daemon of our own, stopped at the end.
SESSION = r"""
set -eu
printf 'ci-keyring-password' | gnome-keyring-daemon --foreground --unlock \
    --components=secrets >/dev/null 2>&1 &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
        | grep -q 'boolean true'; then break; fi
    sleep 0.1
done
"$PYTHON" -c "$CHECK"
"$PYTHON" -m ctlsupport --sandbox --json doctor
"""

CHECK = """
import json
from ctlsupport.config import secrets
from ctlsupport.secret import Secret

secrets.store("ci", "oauth-refresh", Secret("refresh-value-42"))
secrets.store("ci", "pin", Secret("97531"), "support@partner.example")
got = secrets.get("ci", "oauth-refresh").reveal()
source = secrets.source("ci", "oauth-refresh")
pin = secrets.get("ci", "pin", "support@partner.example").reveal()
secrets.round_trip("ci")
gone = [secrets.delete("ci", "oauth-refresh"), secrets.delete("ci", "oauth-refresh")]
print(json.dumps({"backend": secrets.backend_name(), "got": got, "pin": pin,
                  "source": source, "deleted": gone,
                  "after": secrets.get("ci", "oauth-refresh") is None}))
"""


def test_round_trip_on_gnome_keyring(tmp_path: Path):
    missing = [name for name in NEEDED if shutil.which(name) is None]
    if missing:
        reason = (
            f"no Secret Service here: {', '.join(missing)} not installed (gnome-keyring, dbus-x11)"
        )
        print(reason)
        pytest.skip(reason)
    home = tmp_path / "session-home"
    home.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
        "PYTHON": sys.executable,
        "CHECK": CHECK,
    }
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    proc = subprocess.run(
        ["dbus-run-session", "--", "bash", "-c", SESSION],
        env=env, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    result = json.loads(lines[0])
    assert result["backend"] == "keyring.backends.SecretService.Keyring"
    assert result["got"] == "refresh-value-42" and result["pin"] == "97531"
    assert result["source"] == "keyring"
    assert result["deleted"] == [True, False] and result["after"] is True
    doctor = json.loads("\n".join(lines[1:]))
    keyring = next(c for c in doctor["data"]["checks"] if c["name"] == "keyring")
    assert keyring["status"] == "ok" and "SecretService" in keyring["detail"]
