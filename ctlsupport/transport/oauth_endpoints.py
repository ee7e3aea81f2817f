"""Where and as whom the desk is asked for OAuth tokens: its endpoints, the registered
client and redirect. Kept apart from the sign-in itself, so that showing the settings
needs no HTTP machinery."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_CLIENT_ID = "ctlsupport"
DEFAULT_SCOPE = "read write"
# The loopback port the desk admin registers in the redirect URL (docs/provider-setup.md).
DEFAULT_REDIRECT_PORT = 47613
CALLBACK_PATH = "/callback"


@dataclass(frozen=True)
class Endpoints:
    """Where and as whom to ask the desk for tokens."""

    authorize_url: str
    token_url: str
    client_id: str = DEFAULT_CLIENT_ID
    scope: str = DEFAULT_SCOPE
    redirect_port: int = DEFAULT_REDIRECT_PORT

    @property
    def redirect_uri(self) -> str:
        """The redirect URL the desk must have registered for the client, exactly."""
        return redirect_uri(self.redirect_port)


def redirect_uri(port: int) -> str:
    """The loopback redirect URL for a port."""
    return f"http://127.0.0.1:{port}{CALLBACK_PATH}"


def endpoints_for(
    desk_url: str,
    *,
    client_id: str = "",
    authorize_url: str = "",
    token_url: str = "",
    redirect_port: str | int = "",
) -> Endpoints:
    """The desk's OAuth endpoints: the given ones, else Zendesk's paths under the desk URL."""
    base = desk_url.rstrip("/")
    return Endpoints(
        authorize_url=authorize_url or f"{base}/oauth/authorizations/new",
        token_url=token_url or f"{base}/oauth/tokens",
        client_id=client_id or DEFAULT_CLIENT_ID,
        redirect_port=int(redirect_port or DEFAULT_REDIRECT_PORT),
    )
