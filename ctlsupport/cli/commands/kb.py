"""`ctlsupport kb`: search the provider's knowledge base (Help Center articles)."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Annotated

import typer

from ctlsupport.actions import lookups
from ctlsupport.cli.context import AppState

app = typer.Typer(
    help="Search the provider's knowledge base before opening a ticket.", no_args_is_help=True
)
SEARCH_EPILOG = "Examples:\n\n  ctlsupport kb search 'reset PIN'\n\n  ctlsupport kb search vpn -n 3"


@app.command("search", epilog=SEARCH_EPILOG)
def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(help="Words to search for.")],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=100, help="Show at most N articles.")
    ] = 10,
    page: Annotated[int, typer.Option("--page", min=1, help="Page of results.")] = 1,
) -> None:
    """Search knowledge-base articles (no sign-in needed on a public help center)."""
    state: AppState = ctx.obj
    text = " ".join(query).strip()
    if not text:
        from ctlsupport.errors import UsageError

        raise UsageError("give at least one word to search for")
    result = lookups.find_articles(state, text, limit=limit, page=page)

    def human() -> None:
        out = sys.stdout
        if not out.isatty():
            for a in result.articles:
                out.write(f"{a.id}\t{a.title}\t{a.html_url}\n")
            return
        if not result.articles:
            state.out.note(f"No articles match {text!r}.")
            return
        for a in result.articles:
            out.write(f"{a.title}\n  {a.html_url}\n  {a.snippet_text}\n\n")
        more = result.count - (page - 1) * limit - len(result.articles)
        if more > 0:
            state.out.note(f"{more} more: add --page {page + 1}")

    data = {
        "query": text,
        "count": result.count,
        "next_page": result.next_page,
        "articles": [asdict(a) for a in result.articles],
    }
    state.out.result(data, human)
