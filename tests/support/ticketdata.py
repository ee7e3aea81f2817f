"""Ticket values shared by the tests (importable: tests/support is on sys.path)."""

FULL_FLAGS = [
    "--subject", "ACME: VA1ACMEWEB01 unreachable",
    "--priority", "high",
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
