"""Fixtures: a real sandbox desk on 127.0.0.1, port 0, state in the test's tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from ctlsupport.sandbox import SandboxConfig, SandboxServer

EMAIL = "support@partner.example"
TOKEN = "sandbox-token"
PASSWORD = "sandbox"


class Client:
    """A thin requests wrapper bound to one sandbox and one set of credentials."""

    def __init__(self, base: str, auth: Any = (f"{EMAIL}/token", TOKEN)) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.auth = auth

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.base + path, timeout=10, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.post(self.base + path, timeout=10, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.put(self.base + path, timeout=10, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.delete(self.base + path, timeout=10, **kwargs)

    def create(self, subject: str = "ACME: VA1ACMEWEB01 unreachable", **fields: Any) -> dict:
        """Create a request and return its JSON; fails the test unless 201."""
        payload = {"subject": subject, "comment": {"body": "Server stopped answering."}}
        payload.update(fields)
        response = self.post("/api/v2/requests.json", json={"request": payload})
        assert response.status_code == 201, response.text
        return response.json()["request"]

    def close(self) -> None:
        self.session.close()


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Callable[..., SandboxServer]]:
    """Start sandboxes with custom settings; all are stopped after the test."""
    started: list[SandboxServer] = []

    def make(data_dir: Path | None = None, **settings: Any) -> SandboxServer:
        config = SandboxConfig(data_dir=data_dir or tmp_path / "desk", **settings)
        server = SandboxServer(config).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
        assert server.last_error is None, server.last_error


@pytest.fixture
def sandbox(make_server: Callable[..., SandboxServer]) -> SandboxServer:
    """A sandbox with default settings."""
    return make_server()


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[Client]:
    """A client authenticated as the seeded partner end user with the API token."""
    api = Client(sandbox.url)
    yield api
    api.close()


@pytest.fixture
def client_factory(sandbox: SandboxServer) -> Iterator[Callable[..., Client]]:
    """Clients with other credentials against the default sandbox."""
    made: list[Client] = []

    def make(auth: Any) -> Client:
        api = Client(sandbox.url, auth)
        made.append(api)
        return api

    yield make
    for api in made:
        api.close()
