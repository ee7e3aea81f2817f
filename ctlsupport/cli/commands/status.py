"""`ctlsupport status`: the platform's health per data center and service."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Annotated

import typer

from ctlsupport.actions import lookups
from ctlsupport.cli.completion import complete
from ctlsupport.cli.context import AppState

HELP = "Show the platform status: data centers, services, incidents and maintenance."
EPILOG = "Examples:\n\n  ctlsupport status\n\n  ctlsupport status --datacenter VA1"


def status(
    ctx: typer.Context,
    datacenter: Annotated[
        str | None,
        typer.Option(
            "--datacenter",
            "-d",
            help="Only this data center (code, e.g. VA1).",
            autocompletion=complete.datacenters,
        ),
    ] = None,
) -> None:
    state: AppState = ctx.obj
    summary = lookups.read_status(state)
    if datacenter:
        from ctlsupport.core import validate

        try:
            code = validate.datacenter(datacenter)
        except validate.FieldInvalid as exc:
            from ctlsupport.errors import InvalidInput

            raise InvalidInput(f"--datacenter: {exc}") from None
        summary = summary.for_datacenter(code)

    def human() -> None:
        out = sys.stdout
        if not summary.known:  # no status page, or it did not answer: not an error
            out.write(f"Platform status: not known ({summary.reason})\n")
            return
        if not out.isatty():
            for c in summary.components:
                out.write(f"component\t{c.name}\t{c.status}\n")
            for i in summary.incidents:
                latest = i.latest.body if i.latest else ""
                out.write(f"incident\t{i.id}\t{i.status}\t{i.impact}\t{i.name}\t{latest}\n")
            for m in summary.maintenances:
                out.write(f"maintenance\t{m.id}\t{m.status}\t{m.scheduled_for}\t{m.name}\n")
            return
        out.write(f"{summary.page_name or 'Platform status'}: {summary.description}\n")
        broken = [c for c in summary.components if c.status != "operational"]
        fine = [c.name for c in summary.components if c.status == "operational"]
        for c in broken:
            out.write(f"  {c.name:<16} {c.status}\n")
        if fine:
            out.write(f"  operational: {', '.join(fine)}\n")
        out.write("\nActive incidents:\n" if summary.incidents else "\nNo active incidents.\n")
        for i in summary.incidents:
            out.write(f"  [{i.status}] {i.name} ({i.impact}; {', '.join(i.components)})\n")
            if i.latest:
                out.write(f"    {i.latest.at} {i.latest.status}: {i.latest.body}\n")
            if i.shortlink:
                out.write(f"    {i.shortlink}\n")
        if summary.maintenances:
            out.write("\nScheduled maintenance:\n")
        for m in summary.maintenances:
            out.write(
                f"  [{m.status}] {m.name} ({', '.join(m.components)}): "
                f"{m.scheduled_for} to {m.scheduled_until}\n"
            )

    state.out.result(asdict(summary), human)
