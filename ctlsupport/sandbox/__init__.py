"""A local, Zendesk-compatible support desk for tests, demos and training.

It speaks the end-user Requests, Uploads and Users API of the contract in
`docs/sandbox.md`, keeps its state in one SQLite file, and offers agent-side
actions through SandboxState and the loopback-only `/sandbox/...` endpoints.
"""

from .config import SandboxConfig
from .errors import SandboxError
from .server import SandboxServer
from .state import SandboxState

__all__ = ["SandboxConfig", "SandboxError", "SandboxServer", "SandboxState"]
