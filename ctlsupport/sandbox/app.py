"""One HTTP call in, one Response out: rate limit, route, authenticate, dispatch."""

from __future__ import annotations

from email.message import Message
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from . import admin, oauth, routes, uploads
from .auth import authenticate, rate_key
from .body import RequestBody
from .config import SandboxConfig
from .errors import ApiError, Response, invalid_endpoint, not_found, text_response
from .faults import FaultDice, FaultQueue
from .ratelimit import EXCEEDED_TEXT, RateLimiter
from .state import SandboxState

_DOWNLOAD_PREFIX = "/attachments/token/"


class SandboxApp:
    """The sandbox's request handling, independent of the socket plumbing."""

    def __init__(self, state: SandboxState, config: SandboxConfig) -> None:
        self.state = state
        self.config = config
        self.limiter = RateLimiter(config.rate_limit_per_minute)
        self.faults = FaultQueue()
        self.dice = FaultDice(
            config.fault_rates,
            config.slow_seconds,
            config.fault_seed,
            upload_seconds=config.slow_upload_seconds,
        )
        self.admin_secret = admin.new_secret(state.db_path.parent)

    def handle(
        self, method: str, target: str, headers: Message, body: RequestBody, client: str
    ) -> Response:
        """Answer one request; ApiError becomes its response, other errors propagate."""
        parts = urlsplit(target)
        path = unquote(parts.path)
        # The last value wins when a key repeats, as in a Rails params hash.
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if path == "/sandbox" or path.startswith("/sandbox/"):
            given = headers.get(admin.HEADER)
            return admin.handle(
                self.state, self.faults, method, path, body, client, given, self.admin_secret
            )
        if oauth.handles(path):  # the sign-in endpoints live outside /api/v2
            return oauth.handle(self.state, self.config, method, path, params, headers, body)
        public = self._public(method, path, params)
        if public is not None:
            return public
        if not (path.startswith("/api/v2/") or path.startswith(_DOWNLOAD_PREFIX)):
            return invalid_endpoint().response

        decision = self.limiter.hit(rate_key(headers.get("Authorization"), client))
        rolled = self.dice.roll() if path.startswith("/api/v2/") else None
        if not decision.allowed:
            response = text_response(
                429, EXCEEDED_TEXT, headers={"Retry-After": str(decision.reset_seconds)}
            )
        elif (injected := self._injected(path, rolled)) is not None:
            response = injected
        else:
            try:
                if path.startswith(_DOWNLOAD_PREFIX):
                    response = self._download(method, path)
                else:
                    response = self._api(method, path, params, headers, body)
            except ApiError as exc:
                response = exc.response
            response = self.dice.after(rolled, response)
        response.headers.update(decision.headers())
        if response.status == 429:  # also for an injected 429
            response.headers["x-rate-limit-remaining"] = response.headers["ratelimit-remaining"] = (
                "0"
            )
        return response

    def _public(self, method: str, path: str, params: dict[str, str]) -> Response | None:
        """Help Center search and the status page: public, no sign-in, no rate limit."""
        from . import helpcenter, statuspage

        if helpcenter.handles(path):
            return helpcenter.handle(self.state.base_url, method, path, params)
        if statuspage.handles(path):
            return statuspage.handle(self.state, method, path)
        return None

    def _injected(self, path: str, rolled: str | None) -> Response | None:
        """A planned fault (POST /sandbox/faults) first, then a random one."""
        if not path.startswith("/api/v2/"):
            return None
        if rolled == "slowupload" and not path.startswith("/api/v2/uploads"):
            self.dice.cancel(rolled)  # a slow upload link slows uploads only
            rolled = None
        return self.faults.apply() or self.dice.before(rolled)

    def _api(
        self,
        method: str,
        path: str,
        params: dict[str, str],
        headers: Message,
        body: RequestBody,
    ) -> Response:
        normalised = path.rstrip("/").removesuffix(".json")
        found = routes.match(method, normalised)
        if found is None:
            raise invalid_endpoint()  # unknown paths answer before any credential check
        handler, args = found
        identity = authenticate(
            self.state, headers.get("Authorization"), password_access=self.config.password_access
        )
        if any(_past_integer_range(arg) for arg in args):
            raise not_found()  # no record can have that id (SQLite's integers end there)
        self.state.close_due()  # the solved -> closed automation, run lazily
        call = routes.Call(
            state=self.state,
            config=self.config,
            identity=identity,
            method=method,
            path=normalised,
            params=params,
            args=args,
            headers=headers,
            body=body,
        )
        return handler(call)

    def _download(self, method: str, path: str) -> Response:
        """`content_url`: the file itself; the 25-character token in the path is the key."""
        if method != "GET":
            raise invalid_endpoint()
        token = path[len(_DOWNLOAD_PREFIX) :].strip("/")
        row, file_path = uploads.for_download(self.state, token)
        disposition = f"attachment; filename*=UTF-8''{quote(row['file_name'])}"
        return Response(
            200,
            b"",
            row["content_type"],
            {"Content-Disposition": disposition},
            stream=file_path,
        )


def _past_integer_range(arg: str) -> bool:
    """Whether a numeric path argument is beyond a 64-bit signed integer."""
    return arg.isdigit() and (len(arg) > 19 or int(arg) > 2**63 - 1)
