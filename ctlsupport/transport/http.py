"""The HTTP session: base URL, auth header, timeouts, retries, and errors mapped to ours.

The desk is not trusted: answers are read streamed and size-capped, within the
command's deadline; credentials and bodies go to the desk's own host only (no
redirect or link to another host is followed); an answer that is not what the API
promises is a clear error (BadAnswer), never a crash.
"""

from __future__ import annotations

import base64
import json as jsonlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.util.retry import Retry

from ctlsupport import __version__
from ctlsupport.errors import (
    AuthError,
    BadAnswer,
    ConfigError,
    DeskError,
    DeskUnreachable,
    DeskValidation,
    NotFound,
    RateLimited,
)
from ctlsupport.model import printable
from ctlsupport.secret import SCRUBBER, Secret
from ctlsupport.transport.deadline import Deadline, default_seconds
from ctlsupport.transport.failures import (
    MAX_RETRY_WAIT,
    describe,
    json_object,
    never_connected,
    rate_limit_message,
    retry_seconds,
    try_again_hint,
)
from ctlsupport.transport.progress import FlowingBody
from ctlsupport.transport.urls import check_base_url, origin, same_origin, short

CONNECT_TIMEOUT = 5.0
# How long to wait for an answer; CTLSUPPORT_HTTP_TIMEOUT changes it (slow links, tests).
READ_TIMEOUT = float(os.environ.get("CTLSUPPORT_HTTP_TIMEOUT", "30"))
# Lookups that only help (duplicates, the status banner) wait less, and never longer.
QUICK_TIMEOUT = (2.0, min(3.0, READ_TIMEOUT))
# The largest answer read from the desk (a page of 100 long comments is a few MB).
MAX_ANSWER_BYTES = int(float(os.environ.get("CTLSUPPORT_MAX_ANSWER_MB", "32")) * 1024 * 1024)
IDEMPOTENT = frozenset({"GET", "HEAD", "DELETE"})
CHUNK = 64 * 1024


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
        deadline: Deadline | None = None,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        # A lookup that only helps: one try, and a short wait.
        if quick:
            retries, timeout = 0, QUICK_TIMEOUT
        self.base_url = check_base_url(base_url)
        self.credentials = credentials
        # OAuth: renews the access token; used once per session, on the desk's invalid_token.
        self._renew = on_invalid_token
        self.timeout = timeout
        self.retries = retries
        self.deadline = deadline or Deadline(default_seconds())
        self.max_answer_bytes = max_answer_bytes
        self._debug = debug
        self.session = requests.Session()
        self.session.headers.update(
            {"Accept": "application/json", "User-Agent": f"ctlsupport/{__version__}"}
        )
        if credentials is not None:
            SCRUBBER.add(credentials.secret, credentials.header())
        # Only refused connections are retried down here (nothing was sent); every other
        # retry is decided in `request`, against the deadline.
        retry = Retry(total=retries, connect=retries, read=0, status=0, redirect=0,
                      other=0, backoff_factor=0.2, raise_on_status=False,
                      raise_on_redirect=False, respect_retry_after_header=False)  # fmt: skip
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def url(self, path: str) -> str:
        """The absolute address of `path`; another host than the desk's is refused."""
        if not path.startswith(("http://", "https://")):
            return f"{self.base_url}{path}"
        if not same_origin(path, self.base_url):
            raise BadAnswer(
                f"the desk pointed to another host ({origin(path)}); not followed: "
                f"credentials and data go only to {self.base_url}"
            )
        return path

    def request(
        self, method: str, path: str, *, _hops: int = 0, **kwargs: Any
    ) -> requests.Response:
        """Send one request; return the response for 2xx, raise a CtlError otherwise."""
        url = self.url(path)
        headers = dict(kwargs.pop("headers", {}) or {})
        response = self._with_retries(method, url, headers, kwargs)
        if 300 <= response.status_code < 400:
            return self._redirected(method, response, headers, kwargs, _hops)
        if response.status_code == 401 and self._renewed(response, kwargs):
            return self.request(method, path, headers=headers, **kwargs)
        if response.status_code >= 400:
            raise self._error(response)
        return response

    def _with_retries(
        self, method: str, url: str, headers: dict[str, str], kwargs: dict[str, Any]
    ) -> requests.Response:
        """Reads are safe to repeat: on 429/503, a reset or a timeout, try again while
        the deadline allows (Retry-After honoured up to MAX_RETRY_WAIT). Creates are
        never retried blindly here (no duplicates)."""
        attempt = 0
        while True:
            try:
                response = self._send(method, url, headers, kwargs)
            except DeskUnreachable:
                if not self._again(method, attempt, _backoff(attempt)):
                    raise
            else:
                if response.status_code not in (429, 503) or not self._again(
                    method, attempt, _wait_for(response, attempt)
                ):
                    return response
            attempt += 1

    def _again(self, method: str, attempt: int, wait: float | None) -> bool:
        """Whether to try once more after `wait` seconds (and wait if so)."""
        if method not in IDEMPOTENT or attempt >= self.retries or wait is None:
            return False
        if wait > MAX_RETRY_WAIT or wait >= self.deadline.remaining() - 0.5:
            return False
        self._log(f"trying again in {wait:.1f} s")
        time.sleep(wait)
        return True

    def _send(
        self, method: str, url: str, headers: dict[str, str], kwargs: dict[str, Any]
    ) -> requests.Response:
        """One exchange, its answer read whole (capped) within the deadline."""
        deadline = self.deadline
        if deadline.expired():
            raise self._late(maybe_sent=False)
        if self.credentials is not None:
            headers["Authorization"] = self.credentials.header()
        connect, read = self.timeout
        read = max(0.05, min(read, deadline.remaining()))
        options = dict(kwargs)
        body = options.get("data")
        streamed = hasattr(body, "read")
        if streamed:  # the connect timeout must not cut a body that is flowing
            options["data"] = FlowingBody(body, deadline)
        # Sending a body is governed by the first number: a paused desk gets the full
        # read timeout (not the deadline, paused while the body flows).
        timeout = (max(connect, self.timeout[1]) if streamed else min(connect, read), read)
        started = time.monotonic()
        self._log(f"> {method} {url}")
        try:
            with deadline.waiting("the desk"):
                response = self.session.request(
                    method, url, headers=headers, timeout=timeout, allow_redirects=False,
                    stream=True, **options,
                )  # fmt: skip
                self._read_body(response, method)
        except (requests.RequestException, OSError, Urllib3Error) as exc:
            raise self._unreachable(exc, method) from None
        finally:
            deadline.resume()
        elapsed = (time.monotonic() - started) * 1000
        self._log(
            f"< {response.status_code} {method} {url} ({elapsed:.0f} ms, "
            f"request id {response.headers.get('x-request-id', '-')})"
        )
        return response

    def _read_body(self, response: requests.Response, method: str) -> None:
        """Read the answer in pieces: stop past the size cap or the deadline; a body
        shorter than announced is a cut-off answer (the request may have been done)."""
        limit = self.max_answer_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            response.close()
            raise BadAnswer(self._too_large(limit), maybe_sent=method not in IDEMPOTENT)
        pieces, total = [], 0
        try:
            while piece := response.raw.read1(CHUNK, decode_content=True):
                total += len(piece)
                if total > limit:
                    raise BadAnswer(self._too_large(limit), maybe_sent=method not in IDEMPOTENT)
                if self.deadline.expired():
                    raise self._late(maybe_sent=True)
                pieces.append(piece)
        finally:
            response.close()
        encoded = response.headers.get("Content-Encoding", "identity") not in ("", "identity")
        if declared.isdigit() and not encoded and total < int(declared):
            raise self._cut_off()
        response._content = b"".join(pieces)  # what .content, .text and .json() read
        response._content_consumed = True

    def _unreachable(self, exc: BaseException, method: str) -> Exception:
        """A transport failure as our error: was anything sent? was it in time?"""
        from urllib3.exceptions import ProtocolError, ReadTimeoutError

        if isinstance(exc, BadAnswer | DeskUnreachable):
            return exc
        if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.InvalidSchema):
            return ConfigError(f"the desk URL {self.base_url} is not usable: {exc}")
        if isinstance(exc, requests.ConnectTimeout):
            return DeskUnreachable(f"cannot reach the desk at {self.base_url}")
        if self.deadline.expired():
            return self._late(maybe_sent=True)
        if isinstance(exc, requests.Timeout | ReadTimeoutError):
            error = DeskUnreachable(
                f"the desk at {self.base_url} did not answer within {self.timeout[1]:g} s"
            )
            error.maybe_sent = True  # the request may have been processed all the same
            return error
        if isinstance(exc, requests.exceptions.ChunkedEncodingError | ProtocolError):
            return self._cut_off()
        error = DeskUnreachable(f"cannot reach the desk at {self.base_url}")
        # Refused or unresolvable: nothing was sent. Anything else (a reset, a
        # connection dropped mid-answer) may have reached the desk.
        error.maybe_sent = not never_connected(exc)
        return error

    def _late(self, *, maybe_sent: bool) -> DeskUnreachable:
        seconds = self.deadline.seconds
        error = DeskUnreachable(
            f"no answer from the desk at {self.base_url} within the {seconds:g} s deadline",
            hint="Try again later, or allow longer: `ctlsupport config set deadline SECONDS` "
            "or CTLSUPPORT_DEADLINE.",
        )
        error.maybe_sent = maybe_sent
        return error

    def _cut_off(self) -> DeskUnreachable:
        error = DeskUnreachable(f"the answer of the desk at {self.base_url} was cut off")
        error.maybe_sent = True
        return error

    def _too_large(self, limit: int) -> str:
        return f"the desk's answer is larger than {limit // 1048576} MB; not read"

    def _redirected(
        self, method: str, response: requests.Response, headers: dict, kwargs: dict, hops: int
    ) -> requests.Response:
        """Follow a redirect only for a read on the desk's own host; never resend a body
        or credentials elsewhere (a 307 on a create is refused: nothing was created)."""
        target = urljoin(response.url, response.headers.get("Location", ""))
        if method in IDEMPOTENT and same_origin(target, self.base_url) and hops < 5:
            self._log(f"following {response.status_code} to {target}")
            return self.request(method, target, headers=headers, _hops=hops + 1, **kwargs)
        raise BadAnswer(
            f"the desk answered {method} with {response.status_code}, pointing to "
            f"{origin(target)}; not followed: credentials and data go only to {self.base_url}"
        )

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
        """Send a request and parse its JSON body whatever its content type (None: empty)."""
        response = self.request(method, path, **kwargs)
        if not response.content.strip():
            return None
        try:
            return jsonlib.loads(response.content)
        except (ValueError, RecursionError):
            raise BadAnswer(
                f"the desk answered {method} {short(path)} with something that is not JSON",
                maybe_sent=method not in IDEMPOTENT,
            ) from None

    def object(self, method: str, path: str, key: str | None = None, **kwargs: Any) -> dict:
        """The JSON object of an answer, or its object under `key`; anything else (empty,
        an array, a missing key) is a BadAnswer."""
        data = self.json(method, path, **kwargs)
        inner = data.get(key) if key is not None and isinstance(data, dict) else data
        if not isinstance(inner, dict):
            what = "a JSON object" if key is None else f"a {key!r} object"
            raise BadAnswer(
                f"the desk's answer to {method} {short(path)} has no {what}",
                maybe_sent=method not in IDEMPOTENT,
            )
        return inner

    def _log(self, line: str) -> None:
        if self._debug:
            self._debug(SCRUBBER.scrub(line))

    def _error(self, response: requests.Response) -> Exception:
        status = response.status_code
        body = json_object(response)
        raw = describe(body) or response.text[:300] or response.reason or ""
        text = " ".join(printable(raw).split())[:200]
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
                    "(`ctlsupport setup --via email`).",
                )
            return AuthError(
                f"the desk refused the credentials of {who} ({text})",
                hint="Check the password or token (`ctlsupport setup`), or the env variables.",
            )
        if status == 403:
            return AuthError(f"the desk does not allow this for {who} ({text})")
        if status == 404:
            return NotFound(f"{_thing(response.request.path_url)} was not found at the desk")
        if status in (413, 422):
            return DeskValidation(f"the desk refused the request: {text}", details=body or None)
        if status == 429:
            wait = retry_seconds(response.headers.get("Retry-After"))
            error = RateLimited(rate_limit_message(wait), hint=try_again_hint(wait))
            error.retry_after = wait
            return error
        error = DeskError(
            f"the desk answered {status}: {text}",
            hint=f"Temporary? Try again. Request id: {response.headers.get('x-request-id', '-')}",
        )
        error.retry_after = retry_seconds(response.headers.get("Retry-After"))
        return error


def _backoff(attempt: int) -> float:
    return 0.2 * 2**attempt


def _wait_for(response: requests.Response, attempt: int) -> float:
    """How long a 429/503 asks to wait (the backoff when it does not say)."""
    wait = retry_seconds(response.headers.get("Retry-After"))
    return _backoff(attempt) if wait is None else wait


def _thing(path_url: str) -> str:
    """What an API path names, in words (an error never shows the API's paths)."""
    import re

    path = path_url.split("?")[0].removesuffix(".json")
    found = re.search(r"/(requests|attachments|users|articles)/(\d+)", path)
    if found:
        kind = {"requests": "request #", "attachments": "attachment ", "users": "user "}
        return f"{kind.get(found.group(1), 'article ')}{found.group(2)}"
    return "what was asked for"
