"""Helpers for the sign-in tests: a profile on a sandbox desk, a real `auth login` process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ALIAS = "support@partner.example"


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def register_client(server, port: int, kind: str = "public") -> str:
    """Register an OAuth client for a redirect on `port` through the desk's admin
    endpoint, as the provider's admin would."""
    import requests

    identifier = f"ctlsupport-test-{port}"
    body = {"identifier": identifier, "kind": kind,
            "redirect_urls": [f"http://127.0.0.1:{port}/callback"]}  # fmt: skip
    answer = requests.post(f"{server.url}/sandbox/oauth-clients", json=body,
                           headers=server.admin_headers, timeout=10)  # fmt: skip
    assert answer.status_code == 201, answer.text
    return identifier


def profile_on(cli, desk, name: str = "default", alias: str = ALIAS) -> None:
    """Create a profile pointing at a desk (a running sandbox server, or just an address).
    A sandbox gets an OAuth client of the profile's own registered (on a free redirect
    port: tests may run side by side)."""
    prefix = ("--profile", name) if name != "default" else ()
    url = desk if isinstance(desk, str) else desk.url
    values = [("desk_url", url), ("alias", alias)]
    if not isinstance(desk, str):
        port = free_port()
        values += [("oauth_client_id", register_client(desk, port)),
                   ("oauth_redirect_port", str(port))]  # fmt: skip
    for key, value in values:
        result = cli(*prefix, "config", "set", key, value)
        assert result.code == 0, result.stderr


def keyring_entries() -> dict[str, str]:
    """The file test keyring, by entry name (without the service prefix)."""
    path = Path(os.environ["CTLSUPPORT_TEST_KEYRING"])
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {key.split("\x00", 1)[1]: value for key, value in data.items()}


def set_keyring_entry(name: str, value: str) -> None:
    path = Path(os.environ["CTLSUPPORT_TEST_KEYRING"])
    data = json.loads(path.read_text())
    data[f"ctlsupport\x00{name}"] = value
    path.write_text(json.dumps(data))


class LoginProcess:
    """`ctlsupport auth login --no-browser` in a child; the test plays the browser."""

    def __init__(self, *args: str, env: dict[str, str] | None = None, stdin=None) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ctlsupport",
                *args,
                "auth",
                "login",
                "--method",
                "oauth",
                "--no-browser",
            ],
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []

    def url(self) -> str:
        """The authorization URL, printed on a line of its own on stderr."""
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            if line.startswith("http"):
                return line.strip()
        self.proc.wait(30)
        raise AssertionError("no sign-in address printed:\n" + "".join(self.lines))

    def finish(self, timeout: float = 60) -> tuple[int, str, str]:
        """Wait for the process; its exit code, stdout and the whole stderr."""
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out, "".join(self.lines) + err


def oauth_login(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """A whole sign-in: start it, visit the printed address (redirects reach the listener)."""
    import requests

    login = LoginProcess(*args, env=env)
    try:
        page = requests.get(login.url(), timeout=30)
        assert page.status_code in (200, 400), page.text
    except BaseException:
        login.proc.kill()
        raise
    return login.finish()
