"""`ctlsupport templates`: the problem templates `open --template` fills tickets from."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Annotated

import typer

from ctlsupport.cli.completion import complete
from ctlsupport.cli.context import AppState

app = typer.Typer(
    help="Problem templates: subject, priority, questions, articles and the L1 checklist.",
    no_args_is_help=True,
)


@app.command("list", epilog="Example:\n\n  ctlsupport templates list")
def list_cmd(ctx: typer.Context) -> None:
    """List the templates, packaged and your team's own."""
    from ctlsupport.actions import templates

    state: AppState = ctx.obj
    found = templates.list_templates()

    def human() -> None:
        for t in found:
            sys.stdout.write(f"{t.name}\t{t.priority}\t{t.title}\n")

    state.out.result({"templates": [asdict(t) for t in found]}, human)


@app.command("show", epilog="Example:\n\n  ctlsupport templates show server-down")
def show_cmd(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(help="The template's name.", autocompletion=complete.templates)
    ],
) -> None:
    """Show a template: what it fills in, what it asks, and its checklist."""
    from ctlsupport.actions import templates

    state: AppState = ctx.obj
    found = templates.show(name)

    def human() -> None:
        out = sys.stdout
        out.write(f"{found.name}: {found.title}  ({found.origin})\n\n")
        out.write(f"Subject:   {found.subject}\n")
        out.write(f"Kind:      {found.kind}\n")
        out.write(f"Priority:  {found.priority} ({found.criterion})\n\n")
        out.write(f"Description:\n{found.description.strip()}\n\n")
        if found.questions:
            out.write("Questions:\n")
            out.writelines(f"  {q.id}: {q.text}\n" for q in found.questions)
        out.write("\nRead first:\n")
        out.writelines(f"  {a.title}  (ctlsupport kb search '{a.query}')\n" for a in found.articles)
        out.write("\nL1 checklist (--checked ITEM / --unchecked ITEM=REASON):\n")
        out.writelines(f"  [ ] {c.id}: {c.text}\n" for c in found.checklist)

    state.out.result(asdict(found), human)
