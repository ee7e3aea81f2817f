"""The commands that read only local files (the outbox, drafts, the settings): kept free
of Typer so that the light path of `cli/entry.py` can run them without loading it."""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, fields
from typing import TYPE_CHECKING

from ctlsupport.config import paths, settings

if TYPE_CHECKING:
    from ctlsupport.cli.context import AppState


def open_outbox():
    from ctlsupport.store import db
    from ctlsupport.store.outbox import Outbox

    return Outbox(db.connect())


def outbox_list(state: AppState, *, include_sent: bool = False) -> None:
    """`outbox list`: queued (and with `include_sent`, delivered) submissions."""
    items = open_outbox().items(include_sent=include_sent)

    def human() -> None:
        if not items:
            state.out.note("The outbox is empty: everything typed has reached the desk.")
            return
        from ctlsupport.config.settings import SANDBOX_PROFILE

        for item in items:
            subject = item.payload.get("subject", "")
            where = f"#{item.desk_id}" if item.desk_id else (item.last_error or "-")
            # Whose it is: `outbox send` sends only the items of the profile it runs for.
            made = "--sandbox" if item.profile == SANDBOX_PROFILE else item.profile
            row = [str(item.id), item.state, item.kind, item.route, str(item.attempts),
                   item.created_at, subject, where, made]  # fmt: skip
            sys.stdout.write("\t".join(row) + "\n")

    state.out.result({"items": [_public(i) for i in items]}, human)


def _public(item) -> dict:
    data = asdict(item)
    data["subject"] = item.payload.get("subject", "")
    data.pop("payload")
    return data


def drafts_list(state: AppState) -> None:
    """`drafts list`: the saved drafts."""
    from ctlsupport.config.settings import SANDBOX_PROFILE
    from ctlsupport.store import db
    from ctlsupport.store.drafts import Drafts

    drafts = Drafts(db.connect()).list()

    def human() -> None:
        if not drafts:
            state.out.note("No drafts.")
        for draft in drafts:
            where = "--sandbox" if draft.profile == SANDBOX_PROFILE else draft.profile
            row = [str(draft.id), draft.kind, where, draft.updated_at, draft.summary, draft.reason]
            sys.stdout.write("\t".join(row) + "\n")

    state.out.result(
        {"drafts": [{k: v for k, v in asdict(d).items() if k != "payload"} for d in drafts]},
        human,
    )


def resolved(state: AppState) -> list[dict[str, str]]:
    """Every value of the chosen profile and where it comes from: flag, env, file, default."""
    from ctlsupport.actions import tokens as stored

    profile = state.profile()
    if state.profile_name:
        name_source = "flag"
    elif os.environ.get("CTLSUPPORT_PROFILE"):
        name_source = "env"
    elif state.sandbox:
        name_source = "flag"
    else:
        name_source = "file" if paths.config_file().exists() else "default"
    in_file = state.settings().file_keys.get(profile.name, frozenset())
    rows = [{"key": "profile", "value": profile.name, "source": name_source}]
    derived = stored.endpoints(profile)
    for item in fields(settings.Profile):
        key = item.name
        if key in ("name", "routes"):
            continue
        value = getattr(profile, key)
        source = "file" if key in in_file else "default"
        # --sandbox sets these (the embedded desk, and its email channel).
        if state.sandbox and (key in ("desk_url", "alias", "auth") or key.startswith("smtp_")):
            source = "flag"
        if not value and key == "oauth_authorize_url":
            value = derived.authorize_url
        elif not value and key == "oauth_token_url":
            value = derived.token_url
        elif not value and key == "oauth_client_id":
            value = derived.client_id
        elif not value and key == "oauth_redirect_port":
            value = str(derived.redirect_port)
        rows.append({"key": key, "value": str(value), "source": source})
    from ctlsupport.core import mailroutes

    for route, (address, origin) in mailroutes.table(profile.routes).items():
        source = "file" if origin == "profile" else "default"
        rows.append({"key": f"routes.{route}", "value": address or "(not set)", "source": source})
    return rows


def config_show(state: AppState) -> None:
    """`config show`: each setting of the profile and where it came from."""
    rows = resolved(state)
    path = paths.config_file()

    def human() -> None:
        if not sys.stdout.isatty():
            for row in rows:
                sys.stdout.write(f"{row['key']}\t{row['value']}\t{row['source']}\n")
            return
        from rich.table import Table
        from rich.text import Text

        table = Table(box=None, header_style="bold", title=f"{path}", title_justify="left")
        for column in ("SETTING", "VALUE", "FROM"):
            table.add_column(column)
        for row in rows:
            table.add_row(row["key"], Text(row["value"] or "-"), row["source"])
        state.out.console().print(table)

    state.out.result({"config_file": str(path), "values": rows}, human)
