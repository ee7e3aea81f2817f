"""Commands against a hostile or broken desk (tests/support/hostile.py): one clear line
and the documented exit code, never "internal error", never a hang, nothing lost."""

from __future__ import annotations

import time

import pytest
from hostile import Reply

from ctlsupport.exitcodes import ExitCode

FLAGS = [
    "--subject", "ACME: VA1ACMEWEB01 unreachable", "--priority", "low",
    "--customer-name", "Acme Corp", "--customer-alias", "acme", "--datacenter", "va1",
    "--server", "VA1ACMEWEB01", "--ip", "64.15.183.10", "--portal-username", "jdoe",
    "--full-name", "Jo Doe", "--description", "The web server stopped answering.",
    "--steps", "none",
]  # fmt: skip


@pytest.fixture
def desk(hostile, cli, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "hostile-token")
    monkeypatch.setenv("CTLSUPPORT_PIN", "4711")
    monkeypatch.setenv("CTLSUPPORT_RETRY_SECONDS", "3")
    server = hostile()
    setup = cli("--no-input", "setup", "--desk-url", server.url,
                "--alias", "support@partner.example", "--auth", "token")  # fmt: skip
    assert setup.code == 0, setup.stderr
    return server


@pytest.mark.parametrize(
    "reply",
    [Reply(200, b""), Reply.json({}), Reply.json([]), Reply.json({"requests": [{"id": "x"}]}),
     Reply(200, b'{"requests": [', content_length=100)],
    ids=["empty", "{}", "array", "bad-id", "truncated"],
)  # fmt: skip
def test_list_against_a_broken_desk_is_one_clear_error(cli, desk, reply):
    desk.route("GET", "/api/v2/requests", reply)
    result = cli("--json", "list")
    assert result.code in (ExitCode.DESK_ERROR, ExitCode.UNREACHABLE), result.stderr
    error = result.json()["error"]
    assert error["code"] != "internal" and "Traceback" not in result.stderr + result.stdout


def test_a_truncated_answer_to_open_keeps_the_ticket(cli, desk):
    desk.route("POST", "/api/v2/requests", Reply(201, b'{"request": {"id": 4', content_length=90))
    desk.route("GET", "/api/v2/requests", Reply.json({"requests": [], "meta": {}}))
    result = cli("--json", "--no-input", "open", *FLAGS, stdin="ERROR refused")
    assert result.code == ExitCode.QUEUED, result.stdout + result.stderr
    items = cli("--json", "outbox", "list").json()["data"]["items"]
    assert len(items) == 1 and "cut off" in items[0]["last_error"]


def test_a_day_long_retry_after_says_when_to_try(cli, desk):
    desk.route("GET", "/api/v2/requests", Reply.text("no", 429, headers={"Retry-After": "100000"}))
    started = time.monotonic()
    result = cli("list")
    assert time.monotonic() - started < 10
    assert result.code == ExitCode.DESK_ERROR
    assert "try again after" in result.stderr


def test_a_desk_that_never_answers_is_given_up_at_the_deadline(cli, desk, monkeypatch):
    monkeypatch.setenv("CTLSUPPORT_DEADLINE", "2")
    desk.route("GET", "/api/v2/requests", Reply(never=True))
    started = time.monotonic()
    result = cli("list")
    assert time.monotonic() - started < 6
    assert result.code == ExitCode.UNREACHABLE
    assert "2 s deadline" in result.stderr


def test_the_deadline_is_a_setting(cli, desk, monkeypatch):
    assert cli("config", "set", "deadline", "2").code == 0
    assert cli("config", "set", "deadline", "soon").code == ExitCode.INVALID_INPUT
    desk.route("GET", "/api/v2/requests", Reply(never=True))
    started = time.monotonic()
    assert cli("list").code == ExitCode.UNREACHABLE
    assert time.monotonic() - started < 6


def test_desk_text_is_shown_without_escape_sequences(cli, desk):
    evil = {"id": 3, "subject": "\x1b]0;owned\x07Disk \x1b[2Jfull", "status": "open",
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}  # fmt: skip
    desk.route("GET", "/api/v2/requests", Reply.json({"requests": [evil], "meta": {}}))
    desk.route("GET", "/api/v2/requests/3/comments", Reply.json({"comments": [], "meta": {}}))
    result = cli("list")
    assert result.code == 0, result.stderr
    assert "Disk full" in result.stdout and "\x1b" not in result.stdout


@pytest.mark.parametrize(
    "url", ["http://user:PW@desk.example", "http://desk .example", "http://127.0.0.1:99999"]
)
def test_config_refuses_unusable_desk_urls(cli, url):
    result = cli("config", "set", "desk_url", url)
    assert result.code == ExitCode.INVALID_INPUT
    assert "PW" not in result.stderr + result.stdout and "Traceback" not in result.stderr


def test_config_warns_on_plain_http_for_a_remote_desk(cli):
    result = cli("config", "set", "desk_url", "http://desk.example.com")
    assert result.code == 0 and "plain http://" in result.stderr
    local = cli("config", "set", "desk_url", "http://127.0.0.1:8080")
    assert local.code == 0 and "plain http://" not in local.stderr


def test_a_bad_desk_url_in_the_file_is_a_config_error(cli, monkeypatch):
    from ctlsupport.config import settings

    settings.save(settings.Settings(profiles={"default": settings.Profile(
        desk_url="http://127.0.0.1:99999", alias="a@b.example", auth="token")}))  # fmt: skip
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "hostile-config-token")
    result = cli("list")
    assert result.code == ExitCode.CONFIG and "Traceback" not in result.stderr


def test_open_rate_limited_for_a_day_is_queued_with_when(cli, desk):
    reply = Reply.text("no", 429, headers={"Retry-After": "100000"})
    desk.route("POST", "/api/v2/requests", reply)
    started = time.monotonic()
    result = cli("--json", "--no-input", "open", *FLAGS, stdin="ERROR refused")
    assert time.monotonic() - started < 15
    assert result.code == ExitCode.QUEUED
    assert "rate limit is reached until" in result.json()["error"]["message"]
    assert desk.requests_to("POST", "/api/v2/requests")  # tried once, then kept
    items = cli("--json", "outbox", "list").json()["data"]["items"]
    assert [i["state"] for i in items] == ["queued"] and "until" in items[0]["last_error"]


def test_commands_warn_once_on_plain_http_to_a_remote_desk(cli, monkeypatch):
    from ctlsupport.config import settings

    settings.save(settings.Settings(profiles={"default": settings.Profile(
        desk_url="http://desk.invalid", alias="a@b.example", auth="token")}))  # fmt: skip
    monkeypatch.setenv("CTLSUPPORT_TOKEN", "hostile-config-token")
    result = cli("list")
    assert result.code == ExitCode.UNREACHABLE
    assert result.stderr.count("plain http://") == 1


def test_a_slow_desk_gets_a_still_waiting_line(cli, desk):
    page = {"requests": [], "meta": {"has_more": False}}
    desk.route("GET", "/api/v2/requests", Reply.json(page, delay=5.7))
    result = cli("list")
    assert result.code == 0, result.stderr
    assert "still waiting for the desk (5 s; giving up in 55 s)" in result.stderr


def test_a_comment_whose_answer_is_cut_off_is_kept_as_a_draft(cli, desk):
    from hostile import request_json

    desk.route("GET", "/api/v2/requests/5", Reply.json({"request": request_json(5)}))
    desk.route("GET", "/api/v2/requests/5/comments", Reply.json({"comments": [], "meta": {}}))
    desk.route("PUT", "/api/v2/requests/5", Reply(200, b'{"request": {"id"', content_length=80))
    assert cli("config", "set", "full_name", "Jo Doe").code == 0
    result = cli("--no-input", "comment", "5", "--body", "Please check the disk.")
    assert result.code == ExitCode.QUEUED, result.stderr
    assert "cut off" in result.stderr and "--resume" in result.stderr
    drafts = cli("--json", "drafts", "list").json()["data"]["drafts"]
    assert [d["kind"] for d in drafts] == ["comment"]
