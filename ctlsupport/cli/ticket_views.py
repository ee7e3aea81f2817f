"""How `list` and `show` look: a rich table or view in a terminal, stable tab-separated
columns when piped, one JSON envelope with --json."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctlsupport.actions.show import Shown
    from ctlsupport.cli.context import AppState
    from ctlsupport.core import tracking


def render_rows(state: AppState, rows: Iterator[tracking.Row], *, offline: bool) -> None:
    if state.json:
        _json_rows(state, rows, offline)
    elif sys.stdout.isatty():
        _table(state, list(rows), offline)
    else:
        _plain(state, rows, offline)


def _row_data(row: tracking.Row, offline: bool) -> dict:
    data = row.as_data()
    if offline:
        data["seen_at"] = row.seen_at
    return data


def _json_rows(state: AppState, rows: Iterator[tracking.Row], offline: bool) -> None:
    """One envelope, built in a spooled file: flat memory, and never half an envelope on
    stdout when a later page fails (the error envelope is printed instead)."""
    import json
    import shutil
    import tempfile

    with tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8") as spool:
        spool.write('{"ok": true, "data": {"offline": ' + json.dumps(offline) + ', "requests": [')
        count = 0
        for row in rows:
            spool.write(("," if count else "") + "\n  ")
            spool.write(json.dumps(_row_data(row, offline), ensure_ascii=False))
            count += 1
        spool.write(f'\n], "count": {count}}}}}\n')
        spool.seek(0)
        shutil.copyfileobj(spool, sys.stdout)
    sys.stdout.flush()


def _iso(moment: datetime | None) -> str:
    from ctlsupport.store.db import stamp

    return stamp(moment) if moment else "-"


def _cell(text: str | None) -> str:
    """One tab-separated cell: no tabs or line breaks inside."""
    return " ".join((text or "-").split()) or "-"


def _plain(state: AppState, rows: Iterator[tracking.Row], offline: bool) -> None:
    """Stable tab-separated columns for scripts: id, subject, customer, priority, status,
    created (ISO 8601), first-response state, first-response due (ISO 8601)."""
    count = 0
    for row in rows:
        r = row.request
        cells = [
            str(r.id), _cell(r.subject), _cell(row.customer), _cell(r.priority),
            _cell(r.status), _cell(r.created_at), row.clock.state, _iso(row.clock.due),
        ]  # fmt: skip
        sys.stdout.write("\t".join(cells) + "\n")
        count += 1
    sys.stdout.flush()
    if offline:
        state.out.note(f"(offline: last known state of {count} request(s) from local history)")


STATE_STYLES = {"breached": "bold red", "due soon": "yellow", "on track": "green"}


def _relative(due: datetime | None, now: datetime) -> str:
    from ctlsupport.core import tracking

    if due is None:
        return ""
    seconds = int((due - now).total_seconds())
    text = tracking.age_text(abs(seconds))
    return f"in {text}" if seconds >= 0 else f"{text} ago"


# Below this many columns, `list` keeps to the columns that matter most.
NARROW = 100


def _table(state: AppState, rows: list[tracking.Row], offline: bool) -> None:
    """One line a request: the subject is cut with an ellipsis to fit the terminal,
    and a narrow terminal shows fewer columns and a shorter first-response state."""
    if not rows:
        state.out.note("No requests match." if not offline else "No requests in the local history.")
        return
    from rich.table import Table

    console = state.out.console()
    narrow = console.width < NARROW
    cells = [_cells(row, narrow) for row in rows]
    names = ["ID", "SUBJECT", "PRIORITY", "STATUS", "FIRST RESPONSE"]
    if not narrow:
        names[2:2] = ["CUSTOMER"]
        names[-1:-1] = ["AGE"]
    others = [
        max(len(names[i]), *(c[i].cell_len for c in cells)) for i in range(len(names)) if i != 1
    ]
    room = max(12, console.width - sum(others) - 2 * len(names))
    title = "Last known state (offline, from local history)" if offline else None
    table = Table(box=None, header_style="bold", title=title, title_justify="left")
    for name in names:
        table.add_column(name, no_wrap=True, overflow="ellipsis")
    for c in cells:
        c[1].truncate(room, overflow="ellipsis")
        table.add_row(*c)
    console.print(table)


def _cells(row: tracking.Row, narrow: bool) -> list:
    from rich.text import Text

    from ctlsupport.core import tracking

    r, clock = row.request, row.clock
    sla = Text(clock.state, style=STATE_STYLES.get(clock.state, "dim"))
    if clock.running and clock.due is not None:
        relative = _relative(clock.due, datetime.now(UTC))
        local = clock.due.astimezone().strftime("%a %H:%M")
        sla.append(f" {relative}" if narrow else f" {local} ({relative})")
    cells = [Text(str(r.id)), Text(r.subject), Text(r.priority or "-"), Text(r.status), sla]
    if not narrow:
        cells[2:2] = [Text(row.customer or "-")]
        cells[-1:-1] = [Text(tracking.age_text(row.age_seconds))]
    return cells


def paged(state: AppState, draw: Callable[[], None], no_pager: bool = False) -> None:
    """Draw a view; taller than the terminal, through $PAGER (else `less -R`)."""
    import os
    import shutil

    console = state.out.console()
    pager = os.environ.get("PAGER", "less -R" if shutil.which("less") else "")
    if no_pager or not pager.strip() or pager.strip() == "cat":
        draw()
        return
    with console.capture() as captured:
        draw()
    text = captured.get()
    if text.count("\n") < console.size.height - 1:
        sys.stdout.write(text)
        return
    _through(pager, text)


def _through(pager: str, text: str) -> None:
    """Hand the text to the pager; the person quits it when done."""
    import subprocess

    try:
        proc = subprocess.Popen(pager, shell=True, stdin=subprocess.PIPE, text=True)
    except OSError:
        sys.stdout.write(text)
        return
    try:
        assert proc.stdin is not None
        proc.stdin.write(text)
        proc.stdin.close()
    except BrokenPipeError:
        pass  # quit before the end
    proc.wait()


def show_plain(shown: Shown, sandbox: bool = False) -> None:
    request, row, panel = shown.request, shown.row, shown.panel
    comments, escalated = shown.comments, shown.escalated
    out = sys.stdout
    out.write(f"#{request.id} {request.subject}\n")
    out.write(
        f"status {request.status}  priority {request.priority or '-'}  "
        f"type {request.type or '-'}  customer {row.customer or '-'}\n"
    )
    out.write(f"created {request.created_at}  updated {request.updated_at}\n")
    if request.followup_source_id:
        out.write(f"follow-up of #{request.followup_source_id}\n")
    for line in shown.links():
        out.write(line + "\n")
    if not sandbox:  # the embedded desk's pages end with the command
        out.write(f"{request.web_url}\n")
    out.write(
        f"first response ({panel['tier']}, {panel['target']}): {panel['state']}, "
        f"due {panel['first_response_due'] or '-'}"
        + (f", answered {panel['first_reply_at']}" if panel["first_reply_at"] else "")
        + "\n"
    )
    if panel["updates"]:
        out.write(
            f"updates {panel['updates']}; restoration {panel['restoration']}"
            f" (target {panel['restoration_due'] or '-'})\n"
        )
    out.write(f"can be solved by you: {'yes' if request.can_be_solved_by_me else 'no'}\n")
    for comment in comments:
        out.write(f"\n--- {comment.author_name} at {comment.created_at}\n")
        out.write(comment.body.rstrip() + "\n")
        for attachment in comment.attachments:
            out.write(f"  [attachment] {attachment.file_name} ({_size(attachment.size)})\n")
    for esc in escalated:  # recorded here by `ctlsupport escalate`
        target = f"request #{esc.escalation_id}" if esc.escalation_id else esc.message_id
        out.write(f"\nEscalated {esc.created_at} by {esc.route} as {target}: {esc.reason}\n")


def _size(size: int) -> str:
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def _local(text: str) -> str:
    from ctlsupport.core.escalation import parse_time

    return parse_time(text).astimezone().strftime("%Y-%m-%d %H:%M %Z") if text else "-"


def show_rich(state: AppState, shown: Shown) -> None:
    request, row, panel = shown.request, shown.row, shown.panel
    comments, escalated = shown.comments, shown.escalated
    from rich.panel import Panel
    from rich.text import Text

    console = state.out.console()
    head = Text(f"#{request.id} ", style="bold")
    head.append(request.subject, style="bold")
    console.print(head)
    console.print(
        f"status {request.status}   priority {request.priority or '-'}   "
        f"type {request.type or '-'}   customer {row.customer or '-'}",
        markup=False,
    )
    console.print(
        f"created {_local(request.created_at)}   updated {_local(request.updated_at)}",
        markup=False,
    )
    if request.followup_source_id:
        console.print(f"follow-up of #{request.followup_source_id}", markup=False)
    for line in shown.links():
        console.print(line, markup=False)
    if not state.sandbox:  # the embedded desk's pages end with the command
        console.print(request.web_url, markup=False)
    state_text = Text(panel["state"], style=STATE_STYLES.get(panel["state"], "dim"))
    due = row.clock.due.astimezone().strftime("%a %Y-%m-%d %H:%M %Z") if row.clock.due else "-"
    lines = Text.assemble(
        f"First response ({panel['tier']}, {panel['target']}): ", state_text, f", due {due}"
    )
    if panel["first_reply_at"]:
        lines.append(f", answered {_local(panel['first_reply_at'])}")
    if panel["updates"]:
        lines.append(f"\nUpdates: {panel['updates']}\nRestoration: {panel['restoration']}")
        if panel["restoration_due"]:
            lines.append(f" (target {_local(panel['restoration_due'])})")
    lines.append(f"\nCan be solved by you: {'yes' if request.can_be_solved_by_me else 'no'}")
    console.print(Panel(lines, title="Service level", title_align="left", expand=False))
    for comment in comments:
        who = "you" if comment.author_id == request.requester_id else "provider"
        console.print(
            Text(f"\n{comment.author_name} ({who}) - {_local(comment.created_at)}", style="bold")
        )
        console.print(Text(comment.body.rstrip()))
        for attachment in comment.attachments:
            console.print(Text(f"  attachment: {attachment.file_name} ({_size(attachment.size)})"))
    for esc in escalated:
        target = f"request #{esc.escalation_id}" if esc.escalation_id else esc.message_id
        console.print(
            Text(f"\nEscalated {esc.created_at} by {esc.route} as {target}: {esc.reason}")
        )
