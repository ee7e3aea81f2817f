"""The HTTP session: base URL, auth header, timeouts, retries, and errors mapped to ours."""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ctlsupport import __version__
from ctlsupport.errors import (
    AuthError,
    DeskError,
    DeskUnreachable,
    DeskValidation,
    NotFound,
    RateLimited,
)
from ctlsupport.secret import SCRUBBER, Secret

CONNECT_TIMEOUT = 5.0
# How long to wait for an answer; CTLSUPPORT_HTTP_TIMEOUT changes it (slow links, tests).
READ_TIMEOUT = float(os.environ.get("CTLSUPPORT_HTTP_TIMEOUT", "30"))
# Lookups that only help (duplicates, the status banner) wait less, and never longer.
QUICK_TIMEOUT = (2.0, min(3.0, READ_TIMEOUT))


@dataclass(frozen=True)
class Credentials:
    """Who we are at the desk: the alias and one secret of one method."""

    alias: str
    method: str  # password | token | oauth
    secret: Secret

    def header(self) -> str:
        if self.method == "oauth":
            return f"Bearer {self.secret.reveal()}"
        user = f"{self.alias}/token" if self.method == "token" else self.alias
        raw = f"{user}:{self.secret.reveal()}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


class DeskSession:
    """A requests.Session bound to one desk, raising errors.py errors on failure."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials | None,
        *,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
        debug: Callable[[str], None] | None = None,
        on_invalid_token: Callable[[], Credentials] | None = None,
        retries: int = 3,
        quick: bool = False,
    ) -> None:
        # A lookup that only helps: one try, and a short wait.
        if quick:
            retries, timeout = 0, QUICK_TIMEOUT
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        # OAuth: renews the access token; used once per session, on the desk's invalid_token.
        self._renew = on_invalid_token
        self.timeout = timeout
        self._debug = debug
        self.session = requests.Session()
        self.session.headers.update(
            {"Accept": "application/json", "User-Agent": f"ctlsupport/{__version__}"}
        )
        if credentials is not None:
            SCRUBBER.add(credentials.secret, credentials.header())
        # Reads are safe to repeat: retry them on 429/503 and broken connections,
        # honouring Retry-After. Creates are never retried blindly (no duplicates).
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,  # only for the allowed (idempotent) methods below
            status=retries,
            backoff_factor=0.2,
            status_forcelist=(429, 503),
            allowed_methods=frozenset({"GET", "DELETE"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send one request; return the response for 2xx, raise a CtlError otherwise."""
        url = self.url(path)
        headers = kwargs.pop("headers", {}) or {}
        if self.credentials is not None:
            headers["Authorization"] = self.credentials.header()
        started = time.monotonic()
        self._log(f"> {method} {url}")
        try:
            response = self.session.request(
                method, url, headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.ConnectTimeout:
            raise DeskUnreachable(f"cannot reach the desk at {self.base_url}") from None
        except requests.Timeout:
            error = DeskUnreachable(
                f"the desk at {self.base_url} did not answer within {self.timeout[1]:g} s"
            )
            error.maybe_sent = True  # the request may have been processed all the same
            raise error from None
        except requests.ConnectionError as exc:
            error = DeskUnreachable(f"cannot reach the desk at {self.base_url}")
            # Refused or unresolvable: nothing was sent. Anything else (a reset, a
            # connection dropped mid-answer) may have reached the desk.
            error.maybe_sent = not _never_connected(exc)
            raise error from None
        elapsed = (time.monotonic() - started) * 1000
        self._log(
            f"< {response.status_code} {method} {url} ({elapsed:.0f} ms, "
            f"request id {response.headers.get('x-request-id', '-')})"
        )
        if response.status_code == 401 and self._renewed(response, kwargs):
            return self.request(method, path, headers=headers, **kwargs)
        if response.status_code >= 400:
            raise self._error(response)
        return response

    def _renewed(self, response: requests.Response, kwargs: dict[str, Any]) -> bool:
        """On an expired OAuth token, renew it once; True when the call may be sent again."""
        if self._renew is None or '"invalid_token"' not in response.text:
            return False
        renew, self._renew = self._renew, None
        self.credentials = renew()  # raises AuthError ("sign in again") when it cannot
        SCRUBBER.add(self.credentials.secret, self.credentials.header())
        self._log("access token renewed; sending again")
        # A 401 means nothing was processed; a streamed body (an upload) cannot be resent.
        body = kwargs.get("data")
        return body is None or isinstance(body, bytes | str | dict)

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request and parse its JSON body whatever its content type."""
        response = self.request(method, path, **kwargs)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise DeskError(
                f"the desk answered {method} {path} with something that is not JSON"
            ) from None

    def _log(self, line: str) -> None:
        if self._debug:
            self._debug(SCRUBBER.scrub(line))

    def _error(self, response: requests.Response) -> Exception:
        status = response.status_code
        body = json_object(response)
        text = _describe(body) or response.text.strip()[:200] or response.reason
        who = self.credentials.alias if self.credentials else "anonymous"
        if status == 401:
            if body.get("error") == "invalid_token":
                return AuthError(
                    "the desk says the access token is expired or invalid",
                    hint="Sign in again with `ctlsupport auth login`.",
                )
            if self.credentials is not None and self.credentials.method == "password":
                # Zendesk removed password access to the API (2026): say so, not "typo?".
                return AuthError(
                    f"the desk refused password sign-in for {who}: password access to the "
                    "desk's API is gone at Zendesk",
                    hint="Sign in with OAuth (`ctlsupport auth login --method oauth`; needs a "
                    "client the provider registered) or use the email route "
                    "(`ctlsupport config set via email`).",
                )
            return AuthError(
                f"the desk refused the credentials of {who} ({text})",
                hint="Check the password or token (`ctlsupport setup`), or the env variables.",
            )
        if status == 403:
            return AuthError(f"the desk does not allow this for {who} ({text})")
        if status == 404:
            return NotFound(f"not found at the desk: {response.request.path_url.split('?')[0]}")
        if status in (413, 422):
            return DeskValidation(f"the desk refused the request: {text}", details=body or None)
        if status == 429:
            wait = response.headers.get("Retry-After", "?")
            error = RateLimited(
                "the desk's rate limit is reached",
                hint=f"Wait {wait} s and try again.",
            )
            error.retry_after = _seconds(wait)
            return error
        error = DeskError(
            f"the desk answered {status}: {text}",
            hint=f"Temporary? Try again. Request id: {response.headers.get('x-request-id', '-')}",
        )
        error.retry_after = _seconds(response.headers.get("Retry-After"))
        return error


def _describe(body: dict) -> str:
    """A one-line summary of a Zendesk error envelope."""
    details = body.get("details")
    if isinstance(details, dict):
        parts = []
        for key, entries in details.items():
            for entry in entries if isinstance(entries, list) else [entries]:
                desc = entry.get("description") if isinstance(entry, dict) else str(entry)
                parts.append(desc if key == "base" else f"{key}: {desc}")
        if parts:
            return "; ".join(parts)
    for key in ("description", "error_description", "error"):
        if isinstance(body.get(key), str):
            return body[key]
    return ""


def _seconds(value: str | None) -> float | None:
    """A Retry-After value in seconds (the desk sends seconds, not dates)."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _never_connected(exc: requests.ConnectionError) -> bool:
    """Whether a connection error happened before anything reached the desk."""
    from urllib3.exceptions import NameResolutionError, NewConnectionError

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, NewConnectionError | NameResolutionError | ConnectionRefusedError):
            return True
        reason = getattr(cause, "reason", None)
        cause = reason if isinstance(reason, BaseException) else cause.__context__
    return False


def json_object(response: requests.Response) -> dict:
    """The JSON object of an answer; {} when it is not JSON or not an object (an error page)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
