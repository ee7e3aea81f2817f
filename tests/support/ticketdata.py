"""Ticket values shared by the tests (importable: tests/support is on sys.path)."""

FULL_FLAGS = [
    "--subject", "ACME: VA1ACMEWEB01 unreachable",
    "--priority", "high",
    "--impact", "The customer's web shop is offline",  # urgent/high need one
    "--partner-ticket", "P-77",
    "--customer-name", "Acme Corp",
    "--customer-alias", "acme",
    "--datacenter", "va1",
    "--server", "VA1ACMEWEB01",
    "--ip", "64.15.183.10",
    "--portal-username", "jdoe",
    "--full-name", "Jo Doe",
    "--description", "The web server stopped answering at 09:12 UTC.",
    "--steps", "Rebooted from Control Portal; still no ping.",
    "--cc", "rep@provider.example",
]  # fmt: skip


def desk_body(request_id: int | str) -> str:
    """The first comment as the embedded `--sandbox` desk holds it (PIN lines included:
    ctlsupport itself masks them in everything it shows)."""
    from ctlsupport.config import paths
    from ctlsupport.sandbox import SandboxState

    state = SandboxState(paths.sandbox_dir() / "sandbox.sqlite3")
    return state.get_request(int(request_id))["description"]
