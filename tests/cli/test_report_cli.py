"""`ctlsupport report` end to end on the embedded sandbox desk: a history whose figures are
known, read over HTTP and joined with the local history; the output modes (JSON, TSV
when piped, CSV, the HTML page, rich tables and charts on a terminal); bad input; and
`sandbox seed` feeding a report."""

from __future__ import annotations

import csv
import io
import json
import os
import sys

import pytest
import reporthistory as h

from ctlsupport.exitcodes import ExitCode

FROM, TO, ZONE = h.PERIOD
PERIOD_FLAGS = ("--from", FROM, "--to", TO, "--tz", ZONE)


def _desk():
    from ctlsupport.config import paths
    from ctlsupport.sandbox import SandboxState

    folder = paths.ensure_private_dir(paths.sandbox_dir())
    return SandboxState(folder / "sandbox.sqlite3")


def _write_history() -> None:
    """The known history, written into the embedded desk as if it had lived it."""
    from ctlsupport.sandbox import users
    from ctlsupport.sandbox.shapes import html_body

    desk = _desk()
    partner = desk.ensure_end_user("support@partner.example", "Partner Support", "sandbox")["id"]
    agent = desk.ensure_agent()["id"]
    with desk.writing() as conn:
        org = users.by_id(conn, partner)["organization_id"]
        number = 7100000009000
        for t in h.TICKETS:
            last = max(x for x in (t.created, t.reply, t.restored) if x)
            conn.execute(
                """INSERT INTO requests (id, subject, description, status, priority, type,
                       requester_id, organization_id, via_channel, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'api', ?, ?)""",
                (t.id, t.subject or f"{t.customer or 'X'}: ticket {t.id}", h.body(t), t.status,
                 t.priority, t.kind, partner, org, t.created, last),
            )  # fmt: skip
            thread = [(partner, h.body(t), t.created), (agent, "On it.", t.reply)]
            if t.restored and t.restored != t.reply:
                thread.append((agent, "Restored.", t.restored))
            for author, text, moment in thread:
                if moment is None:
                    continue
                number += 1
                conn.execute(
                    """INSERT INTO comments (id, request_id, author_id, body, html_body,
                           public, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)""",
                    (number, t.id, author, text, html_body(text), moment),
                )


@pytest.fixture
def history():
    _write_history()


def _report(cli, *extra: str) -> dict:
    result = cli("--sandbox", "--json", "report", *PERIOD_FLAGS, *extra)
    assert result.code == 0, result.stdout + result.stderr
    return result.json()["data"]


@pytest.mark.parametrize("by", ["priority", "customer", "engineer", "datacenter"])
def test_every_figure_over_the_desk_and_the_local_history(cli, history, by):
    """Read over HTTP (requests, then each thread), kept locally, figured exactly."""
    data = _report(cli, "--by", by)
    assert data["offline"] is False
    assert data["requests_read"] == len(h.TICKETS)
    h.check(data, late=True, by=by)


def test_threads_are_read_again_only_when_a_request_changed(cli, history):
    first = _report(cli)
    assert first["threads_read"] > 10
    assert _report(cli)["threads_read"] == 0
    _desk().assign(109)  # #109 changed at the desk (assigned; no new answer)
    again = _report(cli)
    assert again["threads_read"] == 1
    h.check(again, late=True)
    _desk().agent_reply(109, "Still looking.")  # a new answer, long after the first
    data = _report(cli)
    assert data["threads_read"] == 1
    row = next(t for t in data["tickets"] if t["id"] == 109)
    assert row["first_reply_at"] == "2026-03-12T10:00:00Z"  # the first answer stays first
    assert row["updates"] == "missed" and row["longest_update_gap_seconds"] > 200 * 86400
    offline = cli("--sandbox", "--json", "report", "--offline", *PERIOD_FLAGS)
    assert offline.code == 0
    kept = offline.json()["data"]
    assert (kept["offline"], kept["requests_read"], kept["threads_read"]) == (True, 0, 0)
    for part in ("first_response", "restoration", "escalations", "breakdown", "totals"):
        assert kept[part] == data[part], part  # the history holds what the desk said
    assert next(t for t in kept["tickets"] if t["id"] == 109) == row


def test_piped_output_is_long_form_tsv(cli, history):
    result = cli("--sandbox", "report", *PERIOD_FLAGS)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "section\tkey\tmeasure\tvalue"
    assert all(len(line.split("\t")) == 4 for line in lines)
    for line in (
        "period\tall\ttime_zone\tEurope/Berlin",
        "totals\tall\ttickets\t14",
        "first_response\ttask\tmedian_seconds\t14400",
        "first_response\turgent\tp90_seconds\t1200",
        "restoration\thigh\tmedian_seconds\t25200",
        "updates\thigh\tmedian_seconds\t23700",
        "updates\turgent\tmissed\t3",
        "escalation_answer\tescalation\tmissed\t1",
        "tickets_per_week\t2026-03-09\tnormal\t4",
        "by_priority\tnormal\tmedian_seconds\t12600",
        "first_response\tlow\tmedian_seconds\t3600",
    ):
        assert line in lines, line
    assert "\x1b[" not in result.stdout


def test_csv_has_one_row_per_ticket_with_its_figures(cli, history):
    result = cli("--sandbox", "report", "--csv", *PERIOD_FLAGS)
    assert result.code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == h.TOTALS["tickets"]
    by_id = {int(r["id"]): r for r in rows}
    assert by_id[112]["response_seconds"] == str(9 * 3600 + 1800)
    assert (by_id[112]["first_response"], by_id[112]["type"]) == ("missed", "task")
    assert by_id[108]["response_seconds"] == "" and by_id[108]["first_response"] == "missed"
    assert (by_id[105]["restoration"], by_id[105]["escalations"]) == ("missed", "1")
    assert (by_id[105]["updates"], by_id[105]["longest_update_gap_seconds"]) == ("missed", "29700")
    assert (by_id[106]["updates"], by_id[106]["longest_update_gap_seconds"]) == ("met", "0")
    assert by_id[104]["engineer"] == "Priya Natarajan" and by_id[104]["datacenter"] == "IL1"


def test_html_page_is_self_contained_with_every_chart(cli, history, tmp_path):
    page = tmp_path / "report.html"
    result = cli("--sandbox", "report", "--html", str(page), *PERIOD_FLAGS)
    assert result.code == 0, result.stderr
    assert result.stdout == "" and "report.html" in result.stderr
    text = page.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert text.count('<figure class="chart"') == 4 and text.count("<svg") == 4
    for outside in ("<script", "src=", "@import", "url(", "<link"):
        assert outside not in text, outside
    assert "14400" not in text and "4h 00m" in text  # the task median, for people


def test_terminal_shows_tables_and_charts(history, tmp_path):
    """On a real terminal: rich tables and the block-character charts."""
    import pexpect

    env = {**os.environ, "COLUMNS": "120", "LINES": "60", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        sys.executable, ["-m", "ctlsupport", "--sandbox", "report", *PERIOD_FLAGS],
        env=env, encoding="utf-8", timeout=60, dimensions=(60, 120),
    )  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    out = child.before
    assert child.exitstatus == 0, out
    for text in ("First response", "Restoration (urgent and high)", "Tickets per week", "Updates",
                 "Open tickets by age", "By priority", "1 business day", "9h 30m"):  # fmt: skip
        assert text in out, text
    assert "|" in out and "█" in out and "\x1b[" in out  # charts, in colour


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--since", "soon"), "--since must be a number"),
        (("--since", "5d", "--from", "2026-03-01"), "either --since or --from/--to"),
        (("--tz", "Mars/Olympus"), "unknown time zone"),
        (("--by", "weather"), "--by must be one of"),
        (("--from", "2026-13-01"), "--from must be a date"),
    ],
)
def test_bad_input_is_one_line_and_usage_exit(cli, args, words):
    for where in (("--sandbox", "report", "--offline"), ("report",)):  # no profile at all
        result = cli(*where, *args)
        assert result.code == ExitCode.USAGE, result.stderr
        assert words in result.stderr and "Traceback" not in result.stderr
        assert result.stderr.startswith("ctlsupport: error: ")


def test_unwritable_page_and_missing_charting_library(cli, history, tmp_path, monkeypatch):
    missing = tmp_path / "no-such-dir" / "r.html"
    result = cli("--sandbox", "report", "--offline", "--html", str(missing))
    assert result.code == ExitCode.USAGE and "cannot write" in result.stderr
    monkeypatch.setitem(sys.modules, "pygal", None)  # as if it were not installed
    result = cli("--sandbox", "report", "--offline", "--html", str(tmp_path / "r.html"))
    assert result.code == ExitCode.CONFIG
    assert "pygal" in result.stderr and "pip install" in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_an_empty_period_says_so(cli):
    result = cli("--sandbox", "report")
    assert result.code == 0
    assert "No tickets were created in this period" in result.stderr
    assert "sandbox seed" in result.stderr
    assert "totals\tall\ttickets\t0" in result.stdout


def test_seeded_sandbox_has_something_to_report(cli):
    seeded = cli("--sandbox", "--json", "sandbox", "seed", "--tickets", "150", "--days", "30",
                 "--random-seed", "7")  # fmt: skip
    assert seeded.code == 0, seeded.stderr
    summary = seeded.json()["data"]
    assert summary["tickets"] == 150 and summary["escalations"] >= 1
    data = _seeded_report(cli)
    assert data["totals"]["tickets"] == 150  # all created in the last 30 days
    rows = {r["key"]: r for r in data["first_response"]}
    assert sum(r["missed"] for r in rows.values()) >= 1  # some breaches
    assert sum(r["met"] for r in rows.values()) > sum(r["missed"] for r in rows.values())
    assert data["escalations"]["items"] and data["breakdown"]["groups"]
    engineers = _seeded_report(cli, "--by", "engineer")["breakdown"]["groups"]
    assert {g["key"] for g in engineers} <= set(_seed_module().ENGINEERS)
    bad = cli("--sandbox", "sandbox", "seed", "--tickets", "0")
    assert bad.code == ExitCode.USAGE


def _seeded_report(cli, *extra: str) -> dict:
    result = cli("--sandbox", "--json", "report", "--since", "31d", *extra)
    assert result.code == 0, result.stderr
    return result.json()["data"]


def _seed_module():
    from ctlsupport.sandbox import seed

    return seed


def test_same_random_seed_gives_the_same_history(tmp_path):
    from ctlsupport.sandbox import SandboxState
    from ctlsupport.sandbox.clock import parse_iso
    from ctlsupport.sandbox.seed import seed

    now = parse_iso("2026-06-01T12:00:00Z")
    dumps = []
    for name in ("a", "b"):
        desk = SandboxState(tmp_path / name / "sandbox.sqlite3")
        desk.ensure_end_user("support@partner.example", "Partner Support", "sandbox")
        seed(desk, tickets=40, days=20, now=now, random_seed=5)
        with desk.reading() as conn:
            rows = conn.execute(
                "SELECT subject, status, priority, type, created_at, updated_at FROM requests"
            ).fetchall()
            dumps.append(json.dumps([tuple(r) for r in rows]))
            assert all(r["created_at"] <= "2026-06-01T12:00:00Z" for r in rows)
    assert dumps[0] == dumps[1]
