"""The table of ticket fields. Prompts, flags, the missing-field error and docs read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ctlsupport.core import validate


@dataclass(frozen=True)
class Field:
    """One thing the provider asks for on a ticket."""

    name: str  # attribute of TicketDraft
    label: str  # what the prompt and the preview call it
    flag: str  # the `open` option that sets it
    help: str
    check: Callable[[str], str]
    required: bool = True
    kind: str = "line"  # line | text | choice | secret | list | paths
    env: str = ""  # environment variable that can supply it (secrets)


FIELDS: tuple[Field, ...] = (
    Field("subject", "Subject", "--subject", "One line that says what is wrong.", validate.subject),
    Field(
        "priority",
        "Priority",
        "--priority",
        "urgent, high, normal (default) or low, per the provider's matrix.",
        validate.priority,
        kind="choice",
    ),
    Field(
        "partner_ticket",
        "Partner ticket number",
        "--partner-ticket",
        "Your own ticket number for this case, if you track it separately.",
        validate.partner_ticket,
        required=False,
    ),
    Field(
        "customer_name",
        "Customer name",
        "--customer-name",
        "The affected customer's name.",
        validate.line("customer name"),
    ),
    Field(
        "customer_alias",
        "Customer account alias",
        "--customer-alias",
        "The customer's account alias: 2-6 letters or digits, e.g. ACME.",
        validate.customer_alias,
    ),
    Field(
        "datacenter",
        "Data center",
        "--datacenter",
        "The data center (stack) the server is in, e.g. VA1.",
        validate.datacenter,
        kind="choice",
    ),
    Field(
        "server",
        "Server name",
        "--server",
        "The affected server, e.g. VA1ACMEWEB01.",
        validate.server_name,
    ),
    Field(
        "ip",
        "External IP",
        "--ip",
        "The server's external (public) IPv4 or IPv6 address.",
        validate.public_ip,
    ),
    Field(
        "portal_username",
        "Control Portal username",
        "--portal-username",
        "Your Control Portal username (the profile's by default).",
        validate.line("Control Portal username", 80),
    ),
    Field(
        "pin",
        "Control Portal PIN",
        "CTLSUPPORT_PIN",
        "Your Control Portal PIN (1-10 digits); from the keyring, or CTLSUPPORT_PIN.",
        validate.pin,
        kind="secret",
        env="CTLSUPPORT_PIN",
    ),
    Field(
        "full_name",
        "Your full name",
        "--full-name",
        "Your full name, signed on the ticket (the profile's by default).",
        validate.line("full name", 80),
    ),
    Field(
        "description",
        "Brief description",
        "--description",
        "What is wrong, since when, and who is affected.",
        lambda v: validate.clean_text(v, what="description", max_len=20000),
        kind="text",
    ),
    Field(
        "steps",
        "Troubleshooting steps taken",
        "--steps",
        "What you have already done to verify or solve it.",
        lambda v: validate.clean_text(v, what="troubleshooting steps", max_len=20000),
        kind="text",
    ),
    Field(
        "error_text",
        "Error output",
        "--error-file",
        "A copy of the error(s): piped on stdin, or --error-file FILE (- for stdin); "
        "--no-error-output when there is none (a service task, a question).",
        lambda v: validate.clean_text(v, what="error output", max_len=200000),
        kind="text",
    ),
    Field(
        "attachments",
        "Attachments",
        "--attach",
        "Screenshots or logs, at most 50 MB each (repeatable).",
        validate.attachment,
        required=False,
        kind="paths",
    ),
    Field(
        "cc",
        "CC",
        "--cc",
        "Email addresses to copy (repeatable); the profile's account rep is added.",
        validate.email,
        required=False,
        kind="list",
    ),
)

BY_NAME = {f.name: f for f in FIELDS}


def missing(values: dict[str, object]) -> list[Field]:
    """The required fields that have no value yet, in table order."""
    return [f for f in FIELDS if f.required and not values.get(f.name)]


# The explicit answer "there is no error output": accepted, and said in the ticket.
NO_ERROR_OUTPUT = "None shown: there is no error output for this request."
NO_ERROR_WORDS = ("none", "n/a", "-", "none shown")
