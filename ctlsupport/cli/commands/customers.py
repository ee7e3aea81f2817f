"""`ctlsupport customers`: the directory of customers and their servers (thin: flags in,
actions/customers.py does the work, the result rendered here)."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Annotated

import typer

from ctlsupport.cli.completion import complete
from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import Yes

app = typer.Typer(
    help="The directory of customers and their servers that `open` fills tickets from.",
    no_args_is_help=True,
)

Alias = Annotated[
    str,
    typer.Argument(
        help="The customer's account alias, e.g. ACME.", autocompletion=complete.customers
    ),
]
ServerOpt = Annotated[
    str | None,
    typer.Option(
        "--server", help="A server's name, e.g. VA1ACMEWEB01.", autocompletion=complete.servers
    ),
]
IpOpt = Annotated[str | None, typer.Option("--ip", help="The server's external IP.")]
DcOpt = Annotated[
    str | None,
    typer.Option(
        "--datacenter",
        help="The server's data center, e.g. VA1.",
        autocompletion=complete.datacenters,
    ),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="csv or toml (default: from the file name).",
        autocompletion=complete.file_formats,
    ),
]


def _plain(customer) -> dict:
    return asdict(customer)


def _print_customer(customer) -> None:
    out = sys.stdout
    out.write(f"{customer.alias}\t{customer.name}\n")
    for s in customer.servers:
        out.write(f"  {s.name}\t{s.ip or '-'}\t{s.datacenter or '-'}\n")


@app.command(
    "list", epilog="Examples:\n\n  ctlsupport customers list\n\n  ctlsupport customers list acme"
)
def list_cmd(
    ctx: typer.Context,
    query: Annotated[
        str | None, typer.Argument(help="Find customers by name or alias (typos allowed).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most N.")] = 50,
) -> None:
    """List the customers in the directory, or those that resemble QUERY."""
    from ctlsupport.actions import customers

    state: AppState = ctx.obj
    found = customers.list_customers(query or "", limit=limit)
    data = {"customers": [{**_plain(m.customer), "score": round(m.score)} for m in found]}

    def human() -> None:
        if not found:
            state.out.note("No customers yet: `ctlsupport customers add`, or open a ticket.")
        for match in found:
            c = match.customer
            servers = ", ".join(s.name for s in c.servers) or "-"
            sys.stdout.write(f"{c.alias}\t{c.name}\t{servers}\n")

    state.out.result(data, human)


@app.command("show", epilog="Example:\n\n  ctlsupport customers show ACME")
def show_cmd(ctx: typer.Context, alias: Alias) -> None:
    """Show a customer and their servers (name, IP, data center)."""
    from ctlsupport.actions import customers

    state: AppState = ctx.obj
    customer = customers.show(alias)
    state.out.result(_plain(customer), lambda: _print_customer(customer))


@app.command(
    "add",
    epilog="Example:\n\n  ctlsupport customers add ACME --name 'Acme Corp' "
    "--server VA1ACMEWEB01 --ip 203.0.113.10 --datacenter VA1",
)
def add_cmd(
    ctx: typer.Context,
    alias: Alias,
    name: Annotated[str | None, typer.Option("--name", help="The customer's name.")] = None,
    server: ServerOpt = None,
    ip: IpOpt = None,
    datacenter: DcOpt = None,
) -> None:
    """Add a customer, and maybe their first server."""
    from ctlsupport.actions import customers
    from ctlsupport.errors import MissingFields

    state: AppState = ctx.obj
    if not name:
        raise MissingFields("missing required input: --name", details={"missing": ["--name"]})
    options = customers.AddOptions(alias, name, server or "", ip or "", datacenter or "")
    customer = customers.add(options)
    state.out.result(_plain(customer), lambda: _print_customer(customer))


@app.command(
    "edit",
    epilog="Examples:\n\n  ctlsupport customers edit ACME --server VA1ACMEWEB01 --ip 203.0.113.20"
    "\n\n  ctlsupport customers edit ACME --name 'Acme Corporation' --remove-server VA1ACMEDB01",
)
def edit_cmd(
    ctx: typer.Context,
    alias: Alias,
    name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    new_alias: Annotated[str | None, typer.Option("--alias", help="A new account alias.")] = None,
    server: ServerOpt = None,
    ip: IpOpt = None,
    datacenter: DcOpt = None,
    remove_server: Annotated[
        str | None,
        typer.Option(
            "--remove-server", help="Forget this server.", autocompletion=complete.servers
        ),
    ] = None,
) -> None:
    """Change a customer: name, alias, a server's IP or data center (a new server is added)."""
    from ctlsupport.actions import customers

    state: AppState = ctx.obj
    options = customers.EditOptions(alias, name, new_alias, server, ip, datacenter, remove_server)
    result = customers.edit(options)

    def human() -> None:
        for line in result.changes or ["nothing changed"]:
            state.out.note(line)
        _print_customer(result.customer)

    state.out.result({**_plain(result.customer), "changes": result.changes}, human)


@app.command("remove", epilog="Example:\n\n  ctlsupport customers remove ACME --yes")
def remove_cmd(ctx: typer.Context, alias: Alias, yes: Yes = False) -> None:
    """Forget a customer and their servers."""
    from ctlsupport.actions import customers
    from ctlsupport.cli import prompts
    from ctlsupport.errors import Cancelled, UsageError

    state: AppState = ctx.obj
    if not yes:
        if not prompts.interactive(state.no_input):
            raise UsageError("removing a customer needs --yes without a terminal")
        customer = customers.show(alias)
        with prompts.Prompter() as prompter:
            servers = len(customer.servers)
            if not prompter.confirm(
                f"Forget {customer.alias} ({customer.name}) and {servers} server(s)?"
            ):
                raise Cancelled("cancelled; nothing was removed")
    removed = customers.remove(alias)
    state.out.result(
        _plain(removed), lambda: state.out.note(f"Removed {removed.alias} ({removed.name}).")
    )


@app.command(
    "import",
    epilog="Examples:\n\n  ctlsupport customers import team-customers.csv"
    "\n\n  ctlsupport customers import customers.toml --update",
)
def import_cmd(
    ctx: typer.Context,
    path: Annotated[
        str,
        typer.Argument(metavar="FILE", help="A CSV or TOML file.", autocompletion=complete.paths),
    ],
    fmt: FormatOpt = None,
    update: Annotated[
        bool,
        typer.Option(
            "--update", help="Take the file's values where they differ from the directory."
        ),
    ] = False,
) -> None:
    """Merge a team's CSV or TOML file into the directory: all rows, or none."""
    from ctlsupport.actions import customers

    state: AppState = ctx.obj
    result = customers.import_file(customers.ImportOptions(path, fmt, update))

    def human() -> None:
        note = state.out.note
        note(
            f"Imported {path}: {len(result.customers_added)} new customer(s), "
            f"{len(result.servers_added)} new server(s), {len(result.changed)} change(s)."
        )
        for line in result.changed:
            note(f"  {line}")

    state.out.result(asdict(result), human)


@app.command(
    "export",
    epilog="Examples:\n\n  ctlsupport customers export --output customers.toml"
    "\n\n  ctlsupport customers export --format csv > customers.csv",
)
def export_cmd(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write here (default: stdout).",
            autocompletion=complete.paths,
        ),
    ] = None,
) -> None:
    """Write the directory as CSV or TOML, for a team to share."""
    from pathlib import Path

    from ctlsupport.actions import customers
    from ctlsupport.core.customer_files import format_of

    state: AppState = ctx.obj
    chosen = format_of(output, fmt) if output else (fmt or "csv").lower()
    text = customers.export(chosen)
    if output:
        Path(output).expanduser().write_text(text, encoding="utf-8")
        state.out.result(
            {"path": output, "format": chosen}, lambda: state.out.note(f"Wrote {output}.")
        )
        return
    state.out.result({"format": chosen, "text": text}, lambda: sys.stdout.write(text))
