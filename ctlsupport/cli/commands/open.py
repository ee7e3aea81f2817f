"""`ctlsupport open`: collect every field the provider requires, preview, submit."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ctlsupport.cli import open_template, options
from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import Yes
from ctlsupport.core import fields
from ctlsupport.core.errorlog import DEFAULT_LINES as DEFAULT_ERROR_LINES

HELP = "Open a new ticket with every field the provider requires."
EPILOG = (
    "Examples:\n\n"
    "  ctlsupport open\n\n"
    "  make deploy 2>&1 | ctlsupport --no-input open --subject 'ACME: deploy fails' "
    "--customer-name 'Acme Corp' --customer-alias ACME --server VA1ACMEWEB01 "
    "--ip 203.0.113.10 --datacenter VA1 --description '...' --steps '...'"
)


def _opt(name: str, **extra):
    from ctlsupport.cli.completion.complete import FIELD_COMPLETERS

    spec = fields.BY_NAME[name]
    if name in FIELD_COMPLETERS:
        extra["autocompletion"] = FIELD_COMPLETERS[name]
    return typer.Option(spec.flag, help=spec.help, **extra)


def open_ticket(
    ctx: typer.Context,
    subject: Annotated[str | None, _opt("subject")] = None,
    priority: Annotated[str | None, _opt("priority")] = None,
    partner_ticket: Annotated[str | None, _opt("partner_ticket")] = None,
    customer_name: Annotated[str | None, _opt("customer_name")] = None,
    customer_alias: Annotated[str | None, _opt("customer_alias")] = None,
    datacenter: Annotated[str | None, _opt("datacenter")] = None,
    server: Annotated[str | None, _opt("server")] = None,
    ip: Annotated[str | None, _opt("ip")] = None,
    portal_username: Annotated[str | None, _opt("portal_username")] = None,
    full_name: Annotated[str | None, _opt("full_name")] = None,
    description: Annotated[str | None, _opt("description")] = None,
    steps: Annotated[str | None, _opt("steps")] = None,
    error_file: Annotated[str | None, _opt("error_text", metavar="FILE")] = None,
    no_error_output: Annotated[
        bool,
        typer.Option(
            "--no-error-output",
            help="There is no error output to give (a service task, a question); "
            "the ticket says so.",
        ),
    ] = False,
    error_lines: Annotated[
        int,
        typer.Option(
            "--error-lines",
            min=1,
            metavar="N",
            help="Keep the last N lines of the error output in the ticket body; "
            "longer output is also attached whole, gzip-compressed.",
        ),
    ] = DEFAULT_ERROR_LINES,
    attach: Annotated[list[str] | None, _opt("attachments", metavar="FILE")] = None,
    cc: Annotated[list[str] | None, _opt("cc", metavar="EMAIL")] = None,
    login_required: Annotated[
        bool,
        typer.Option(
            "--login-required",
            help="The provider must log in to the server: ask for the root/admin password.",
        ),
    ] = False,
    root_password_stdin: Annotated[
        bool,
        typer.Option(
            "--root-password-stdin",
            help="Read the root/admin password from the first line of stdin "
            "(the rest of stdin is the error text).",
        ),
    ] = False,
    via: Annotated[
        str | None,
        options.via_option(
            "api (the desk's API) or email (a message from the support alias to the "
            "address for the priority). Default: urgent and high by email where the "
            "profile can send mail (the address sets the priority), else the profile's `via`."
        ),
    ] = None,
    yes: Yes = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print what would be sent, secrets masked; send nothing."),
    ] = False,
    no_redact: Annotated[
        bool,
        typer.Option(
            "--no-redact",
            help="Send the error text and text attachments as they are, secrets included.",
        ),
    ] = False,
    resume: Annotated[
        str | None,
        typer.Option(
            "--resume",
            metavar="[DRAFT]",
            help="Continue an interrupted ticket: the newest draft, or draft number DRAFT.",
        ),
    ] = None,
    kind: options.KindOption = "incident",
    breach: options.BreachOption = False,
    impact: options.ImpactOption = None,
    criterion: options.CriterionOption = None,
    due: options.DueOption = None,
    out_of_scope_ok: options.OutOfScopeOption = False,
    no_duplicate_check: options.NoDuplicateOption = False,
    suggest: options.SuggestOption = None,
    template: open_template.TemplateOption = None,
    checked: open_template.CheckedOption = None,
    unchecked: open_template.UncheckedOption = None,
) -> None:
    """Open a ticket: flags in, the open action, its result out."""
    from ctlsupport.actions import open as action
    from ctlsupport.actions.open_checks import Options as ProcessOptions

    opts = action.OpenOptions(
        fields={
            "subject": subject, "priority": priority, "partner_ticket": partner_ticket,
            "customer_name": customer_name, "customer_alias": customer_alias,
            "datacenter": datacenter, "server": server, "ip": ip,
            "portal_username": portal_username, "full_name": full_name,
            "description": description, "steps": steps, "attachments": attach, "cc": cc,
        },
        route=options.route(via, "api") if via else "auto",
        error_file=error_file,
        error_lines=error_lines,
        stdin=piped_stdin(error_file),
        login_required=login_required,
        root_password_stdin=root_password_stdin,
        yes=yes,
        dry_run=dry_run,
        no_redact=no_redact,
        no_error_output=no_error_output,
        resume=resume,
        template=template,
        checked=checked or [],
        unchecked=unchecked or [],
        process=ProcessOptions(
            kind, breach, impact, criterion, due, out_of_scope_ok, not no_duplicate_check,
            suggest, dry_run,
        ),
    )  # fmt: skip
    state: AppState = ctx.obj
    done = action.open_ticket(opts, state, state.asker())
    if done is not None:
        state.out.done(done)


def piped_stdin(error_file: str | None):
    """Standard input as bytes when it carries data (a pipe, or `--error-file -`); None
    when it is a terminal or closed."""
    if sys.stdin is None:
        return None
    if sys.stdin.isatty() and error_file != "-":
        return None
    return sys.stdin.buffer
