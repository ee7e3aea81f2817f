"""How `ctlsupport report` looks: rich tables and bar charts drawn with block characters in
a terminal, long-form TSV when piped, one row per ticket as CSV."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator

from ctlsupport.core.report import PRIORITY_ORDER, Report, Stats
from ctlsupport.core.report_page import duration

BAR_WIDTH = 40
PRIORITY_STYLES = {"urgent": "red", "high": "yellow", "normal": "blue", "low": "white"}
# Distinct blocks, so the stacked bars read without colour too (NO_COLOR).
PRIORITY_BLOCKS = {"urgent": "█", "high": "▓", "normal": "▒", "low": "░"}
OUTCOME_STYLES = {"met": "green", "missed": "bold red", "waiting": "dim"}


# -- terminal ---------------------------------------------------------------------------------


def terminal(console, report: Report) -> None:
    """Tables and charts for a person at a terminal."""
    from rich.text import Text

    p = report.period
    console.print(Text(f"Service-level report: {p.label}", style="bold"))
    start = p.start.astimezone(p.tz).strftime("%Y-%m-%d %H:%M")
    end = p.end.astimezone(p.tz).strftime("%Y-%m-%d %H:%M")
    console.print(
        f"tickets created {start} to {end} ({p.zone}), tier {report.tier}: "
        f"{len(report.tickets)} tickets, {report.escalated_tickets} escalated",
        markup=False,
    )
    console.print(_stats_table("First response", report.first_response))
    console.print(_response_chart(report))
    console.print(_stats_table("Restoration (urgent and high)", report.restoration))
    console.print(_stats_table("Updates: the longest wait for the next answer",
                               report.updates))  # fmt: skip
    console.print(_stats_table("Escalations: the escalation team's answer",
                               [report.escalation_answers]))  # fmt: skip
    console.print(_weeks_chart(report))
    console.print(_ages_chart(report))
    console.print(_breakdown_table(report))


def _stats_table(title: str, rows: list[Stats]):
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", title_style="bold", box=None)
    for column in ("", "TARGET", "TICKETS", "MET", "MISSED", "WAITING", "MEDIAN", "90TH PCT"):
        table.add_column(column, justify="left" if column in ("", "TARGET") else "right")
    for s in rows:
        target = s.target + (" (business hours)" if s.basis != "24x7" else "")
        table.add_row(
            s.key, target, str(s.tickets), Text(str(s.met), style="green" if s.met else ""),
            Text(str(s.missed), style="bold red" if s.missed else ""), str(s.waiting),
            duration(s.median_seconds), duration(s.p90_seconds),
        )  # fmt: skip
    return table


def _response_chart(report: Report):
    """Median (solid) and 90th percentile (light) against the target (the | mark)."""
    from rich.text import Text

    text = Text("First response against its target (| = target; █ median, ░ 90th pct)\n",
                style="bold")  # fmt: skip
    half = BAR_WIDTH // 2  # the target sits in the middle: bars show 0-200% of it
    for s in report.first_response:
        if not s.target_seconds or s.median_seconds is None:
            continue
        median = min(BAR_WIDTH, round(half * s.median_seconds / s.target_seconds))
        p90 = min(BAR_WIDTH, round(half * (s.p90_seconds or 0) / s.target_seconds))
        late = (s.p90_seconds or 0) > s.target_seconds
        cells = ["█" if i < median else "░" if i < p90 else " " for i in range(BAR_WIDTH)]
        cells.insert(half, "|")
        text.append(f"{s.key:<7} ")
        text.append("".join(cells), style="red" if late else "green")
        text.append(f"  {duration(s.median_seconds)} / {duration(s.p90_seconds)}"
                    f" (target {s.target})\n")  # fmt: skip
    return text


def _weeks_chart(report: Report):
    from rich.text import Text

    text = Text("Tickets per week  ", style="bold")
    for prio in PRIORITY_ORDER:
        text.append(f"{PRIORITY_BLOCKS[prio]} {prio}  ", style=PRIORITY_STYLES[prio])
    text.append("\n")
    most = max((sum(c.values()) for _, c in report.weeks), default=0) or 1
    for week, counts in report.weeks:
        total = sum(counts.values())
        text.append(f"{week} ")
        for prio in PRIORITY_ORDER:
            width = round(BAR_WIDTH * counts.get(prio, 0) / most)
            text.append(PRIORITY_BLOCKS[prio] * width, style=PRIORITY_STYLES[prio])
        text.append(f" {total}\n")
    return text


def _ages_chart(report: Report):
    from rich.text import Text

    text = Text("Open tickets by age\n", style="bold")
    most = max((n for _, n in report.open_by_age), default=0) or 1
    for label, count in report.open_by_age:
        text.append(f"{label:<10} ")
        text.append("█" * round(BAR_WIDTH * count / most), style="magenta")
        text.append(f" {count}\n")
    return text


def _breakdown_table(report: Report):
    from rich.table import Table

    table = Table(title=f"By {report.by}", title_justify="left", title_style="bold", box=None)
    head = (report.by.upper(), "TICKETS", "OPEN", "ESCALATED", "MET", "MISSED", "MEDIAN",
            "90TH PCT")  # fmt: skip
    for column in head:
        table.add_column(column, justify="left" if column == head[0] else "right")
    for g in report.breakdown:
        r = g.response
        table.add_row(
            g.key, str(g.tickets), str(g.open), str(g.escalated), str(r.met), str(r.missed),
            duration(r.median_seconds), duration(r.p90_seconds),
        )  # fmt: skip
    return table


# -- scripts ----------------------------------------------------------------------------------


def summary_rows(report: Report) -> Iterator[tuple[str, str, str, object]]:
    """The summary in long form: (section, key, measure, value); times in seconds."""
    yield "period", "all", "from", _stamp(report.period.start)
    yield "period", "all", "to", _stamp(report.period.end)
    yield "period", "all", "time_zone", report.period.zone
    yield "totals", "all", "tickets", len(report.tickets)
    yield "totals", "all", "escalated_tickets", report.escalated_tickets
    for section, rows in (("first_response", report.first_response),
                          ("restoration", report.restoration),
                          ("updates", report.updates),
                          ("escalation_answer", [report.escalation_answers])):  # fmt: skip
        for s in rows:
            for measure in ("tickets", "met", "missed", "waiting", "median_seconds",
                            "p90_seconds", "target_seconds"):  # fmt: skip
                yield section, s.key, measure, getattr(s, measure)
    for label, count in report.open_by_age:
        yield "open_by_age", label, "tickets", count
    for week, counts in report.weeks:
        for prio, count in counts.items():
            yield "tickets_per_week", week, prio, count
    for g in report.breakdown:
        for measure, value in g.as_data().items():
            if measure != "key":
                yield f"by_{report.by}", g.key, measure, value


def _stamp(moment) -> str:
    from ctlsupport.store.db import stamp

    return stamp(moment)


def tsv(report: Report) -> None:
    """Long-form TSV on stdout; an empty value is `-`."""
    out = sys.stdout
    out.write("section\tkey\tmeasure\tvalue\n")
    for section, key, measure, value in summary_rows(report):
        out.write(f"{section}\t{_plain(key)}\t{measure}\t{'-' if value is None else value}\n")


def _plain(text: str) -> str:
    return " ".join(str(text).split()) or "-"


CSV_COLUMNS = (
    "id", "created_at", "status", "priority", "type", "customer", "engineer", "datacenter",
    "first_reply_at", "response_seconds", "response_target_seconds", "first_response",
    "restored_at", "restoration_seconds", "restoration", "longest_update_gap_seconds",
    "updates", "escalations",
)  # fmt: skip


def csv_rows(report: Report) -> None:
    """One CSV row per ticket of the period, with its figures."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for figures in report.tickets:
        data = figures.as_data()
        writer.writerow(["" if data[c] is None else data[c] for c in CSV_COLUMNS])
