"""The report as one self-contained HTML page: inline CSS, the same tables as the terminal,
and charts drawn as inline SVG by pygal. No script, no font, no image from anywhere else,
so the page can be mailed or kept and opens the same offline.

pygal is imported here only (docs/report.md says why it was chosen).
"""

from __future__ import annotations

import re
from html import escape

from ctlsupport.core.report import PRIORITY_ORDER, Report, Stats
from ctlsupport.errors import ConfigError

COLORS = {"urgent": "#c62828", "high": "#ef6c00", "normal": "#1565c0", "low": "#78909c"}
MET_COLOR, MISSED_COLOR, WAITING_COLOR = "#2e7d32", "#c62828", "#b0bec5"
# Axis steps for ticket counts: round numbers, about 8 of them per axis.
_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
CSS = (
    "body { font-family: " + FONT + "; }\n"
    """
body { margin: 2rem auto; max-width: 1100px; color: #1b1f23; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.meta { color: #57606a; margin-top: 0; }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
.card { border: 1px solid #d0d7de; border-radius: 8px; padding: .6rem 1rem; min-width: 9rem; }
.card b { display: block; font-size: 1.5rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { padding: .3rem .7rem; border-bottom: 1px solid #e1e4e8; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f6f8fa; }
.missed { color: #c62828; font-weight: 600; } .met { color: #2e7d32; }
.charts { display: grid; gap: 1rem;
  grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); }
figure { margin: 0; border: 1px solid #d0d7de; border-radius: 8px; padding: .5rem; }
figcaption { font-weight: 600; margin: .2rem .4rem .4rem; }
figure svg { width: 100%; height: auto; display: block; }
"""
)


def duration(seconds: int | None) -> str:
    """A short duration: 45s, 12m, 3h 05m, 2d 4h."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def _pygal():
    try:
        import pygal
        from pygal.style import Style
    except ImportError:
        raise ConfigError(
            "the HTML report needs the charting library pygal, which is not installed",
            hint="Install it into ctlsupport's environment: pip install 'pygal>=3.0'",
        ) from None
    return pygal, Style


def page(report: Report) -> str:
    """The whole page as one string."""
    pygal, style_class = _pygal()
    charts = _Charts(pygal, style_class)
    p = report.period
    title = f"Service-level report: {p.label}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(_span(report))} &middot; tier {escape(report.tier)} &middot; '
        f"generated {escape(_local(report, report.now))}</p>",
        _cards(report),
        '<div class="charts">',
        _figure("response", "First response against its target", charts.response(report)),
        _figure("outcomes", "Met and missed first-response targets", charts.outcomes(report)),
        _figure("weeks", "Tickets per week", charts.weeks(report)),
        _figure("ages", "Open tickets by age", charts.ages(report)),
        "</div>",
        "<h2>First response</h2>",
        _stats_table(report.first_response, "priority"),
        "<h2>Restoration (urgent and high)</h2>",
        _stats_table(report.restoration, "priority"),
        "<h2>Updates: the longest wait for the next answer</h2>",
        _stats_table(report.updates, "priority"),
        "<h2>Escalations</h2>",
        _stats_table([report.escalation_answers], "answer"),
        _escalation_table(report),
        f"<h2>By {escape(report.by)}</h2>",
        _breakdown_table(report),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _span(report: Report) -> str:
    p = report.period
    start, end = _local(report, p.start), _local(report, p.end)
    return f"tickets created {start} to {end} ({p.zone})"


def _local(report: Report, moment) -> str:
    return moment.astimezone(report.period.tz).strftime("%Y-%m-%d %H:%M")


def _cards(report: Report) -> str:
    total = len(report.tickets)
    met = sum(s.met for s in report.first_response)
    missed = sum(s.missed for s in report.first_response)
    judged = met + missed
    cards = [
        ("Tickets", str(total)),
        ("First response met", f"{100 * met / judged:.0f}%" if judged else "-"),
        ("Missed", str(missed)),
        ("Open now", str(sum(n for _, n in report.open_by_age))),
        ("Escalated", f"{report.escalated_tickets}"),
    ]
    inner = "".join(f'<div class="card">{escape(k)}<b>{escape(v)}</b></div>' for k, v in cards)
    return f'<div class="cards">{inner}</div>'


def _figure(name: str, caption: str, svg: str) -> str:
    # pygal puts its settings in an inline script for its tooltips; the page needs none.
    svg = _SCRIPT.sub("", svg)
    return (
        f'<figure class="chart" data-chart="{name}"><figcaption>{escape(caption)}</figcaption>'
        f"{svg}</figure>"
    )


def _cell(value: object, css: str = "") -> str:
    attr = f' class="{css}"' if css else ""
    return f"<td{attr}>{escape(str(value))}</td>"


def _stats_table(rows: list[Stats], first: str) -> str:
    head = (first, "target", "hours", "tickets", "met", "missed", "waiting", "median", "90th pct")
    lines = ["<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>"]
    for s in rows:
        lines.append(
            "<tr>" + _cell(s.key) + _cell(s.target) + _cell(s.basis) + _cell(s.tickets)
            + _cell(s.met, "met" if s.met else "") + _cell(s.missed, "missed" if s.missed else "")
            + _cell(s.waiting) + _cell(duration(s.median_seconds))
            + _cell(duration(s.p90_seconds)) + "</tr>"
        )  # fmt: skip
    return "\n".join([*lines, "</table>"])


def _escalation_table(report: Report) -> str:
    if not report.escalations:
        return "<p>No escalations in this period.</p>"
    head = ("ticket", "escalation", "sent", "ticket age then", "answered in", "answer")
    lines = ["<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>"]
    for e in report.escalations:
        lines.append(
            "<tr>" + _cell(f"#{e.original_id}") + _cell(f"#{e.request_id}")
            + _cell(_local(report, e.sent)) + _cell(duration(e.after_seconds))
            + _cell(duration(e.answer_seconds)) + _cell(e.outcome, e.outcome) + "</tr>"
        )  # fmt: skip
    return "\n".join([*lines, "</table>"])


def _breakdown_table(report: Report) -> str:
    head = (report.by, "tickets", "open", "escalated", "met", "missed", "median", "90th pct")
    lines = ["<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>"]
    for g in report.breakdown:
        r = g.response
        lines.append(
            "<tr>" + _cell(g.key) + _cell(g.tickets) + _cell(g.open) + _cell(g.escalated)
            + _cell(r.met) + _cell(r.missed, "missed" if r.missed else "")
            + _cell(duration(r.median_seconds)) + _cell(duration(r.p90_seconds)) + "</tr>"
        )  # fmt: skip
    return "\n".join([*lines, "</table>"])


class _Charts:
    """The page's charts, one pygal style for all."""

    def __init__(self, pygal, style_class) -> None:
        self.pygal = pygal
        self.style_class = style_class

    def _config(self, colors: tuple[str, ...], **extra) -> dict:
        style = self.style_class(
            font_family=FONT, background="white", plot_background="white",
            colors=colors, title_font_size=14, label_font_size=12, legend_font_size=12,
            major_label_font_size=12, value_font_size=11,
        )  # fmt: skip
        # js=[]: pygal would link its tooltip script from the web; the page must stand alone.
        return {
            "style": style, "js": [], "disable_xml_declaration": True, "width": 640,
            "height": 340, "legend_at_bottom": True, "print_values": False, **extra,
        }  # fmt: skip

    def response(self, report: Report) -> str:
        """Median and 90th percentile as a share of each row's target (100% = target)."""
        rows = [s for s in report.first_response if s.target_seconds and s.median_seconds]
        chart = self.pygal.Bar(
            **self._config(("#42a5f5", "#1565c0", "#cfd8dc"), y_title="% of target")
        )
        chart.x_labels = [s.key for s in rows]
        chart.add("median", [_share(s.median_seconds, s.target_seconds) for s in rows])
        chart.add("90th percentile", [_share(s.p90_seconds, s.target_seconds) for s in rows])
        chart.add("target (100%)", [100] * len(rows))
        return chart.render(is_unicode=True)

    def outcomes(self, report: Report) -> str:
        rows = [s for s in report.first_response if s.tickets]
        most = max((s.tickets for s in rows), default=0)
        chart = self.pygal.StackedBar(
            **self._config((MET_COLOR, MISSED_COLOR, WAITING_COLOR), y_labels=_counts(most))
        )
        chart.x_labels = [s.key for s in rows]
        chart.add("met", [s.met for s in rows])
        chart.add("missed", [s.missed for s in rows])
        chart.add("waiting", [s.waiting for s in rows])
        return chart.render(is_unicode=True)

    def weeks(self, report: Report) -> str:
        colors = tuple(COLORS[p] for p in PRIORITY_ORDER)
        most = max((sum(c.values()) for _, c in report.weeks), default=0)
        every = max(1, -(-len(report.weeks) // 13))  # at most about 13 week labels
        chart = self.pygal.StackedBar(
            **self._config(
                colors, x_label_rotation=30, y_labels=_counts(most),
                x_labels_major_every=every, show_minor_x_labels=every == 1,
            )
        )  # fmt: skip
        chart.x_labels = [week[5:] for week, _ in report.weeks]
        for prio in PRIORITY_ORDER:
            chart.add(prio, [counts.get(prio, 0) for _, counts in report.weeks])
        return chart.render(is_unicode=True)

    def ages(self, report: Report) -> str:
        most = max((n for _, n in report.open_by_age), default=0)
        chart = self.pygal.Bar(
            **self._config(("#6a1b9a",), show_legend=False, y_labels=_counts(most))
        )
        chart.x_labels = [label for label, _ in report.open_by_age]
        chart.add("open tickets", [n for _, n in report.open_by_age])
        return chart.render(is_unicode=True)


def _counts(most: int) -> list[int]:
    """Whole-number axis labels up to at least `most` (ticket counts have no fractions)."""
    step = next(n for n in _STEPS if n * 8 >= most) if most <= _STEPS[-1] * 8 else -(-most // 8)
    return list(range(0, max(most, 1) + step, step))


def _share(seconds: int | None, target: int | None) -> float | None:
    if seconds is None or not target:
        return None
    return round(100 * seconds / target, 1)
