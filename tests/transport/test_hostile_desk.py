"""The client against a hostile, broken or slow desk: never a crash, never a hang, never
a credential or a body sent to another host (tests/support/hostile.py serves them)."""

from __future__ import annotations

import time

import pytest
from hostile import Reply, request_json

from ctlsupport.errors import (
    BadAnswer,
    ConfigError,
    CtlError,
    DeskUnreachable,
    RateLimited,
)
from ctlsupport.secret import Secret
from ctlsupport.transport.deadline import Deadline
from ctlsupport.transport.http import Credentials, DeskSession
from ctlsupport.transport.zendesk import DeskClient

CREDS = Credentials("support@partner.example", "token", Secret("hostile-token"))
REQUESTS = "/api/v2/requests"


def _client(url: str, *, read: float = 2.0, deadline: float = 20.0, **kwargs) -> DeskClient:
    session = DeskSession(url, CREDS, timeout=(0.5, read), deadline=Deadline(deadline), **kwargs)
    return DeskClient(session)


def _page(items, *, has_more=False, next_url="http://x/next"):
    return {"requests": items, "meta": {"has_more": has_more, "after_cursor": "c"},
            "links": {"next": next_url, "prev": next_url}}  # fmt: skip


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, b""),
        Reply.json({}),
        Reply.json([1, 2, 3]),
        Reply.json({"request": {"subject": "no id"}}),
        Reply.json({"request": request_json("12")}),
        Reply.json({"request": request_json(1.5)}),
        Reply.json({"request": request_json(2**70)}),
        Reply.text("<html>proxy error</html>"),
        Reply(200, b"[" * 100000),  # deeply nested JSON
    ],
    ids=["empty", "{}", "array", "no-id", "text-id", "float-id", "huge-id", "html", "nested"],
)
def test_a_malformed_answer_is_one_clear_error(hostile, reply):
    desk = hostile().route("GET", f"{REQUESTS}/1", reply)
    with pytest.raises(BadAnswer) as info:
        _client(desk.url).get_request(1)
    assert "desk" in info.value.message and "\n" not in info.value.message


def test_a_malformed_answer_to_a_create_may_have_been_sent(hostile):
    desk = hostile().route("POST", REQUESTS, Reply.json({"request": {"subject": "x"}}, 201))
    with pytest.raises(BadAnswer) as info:
        _client(desk.url).create_request({"request": {"subject": "s"}})
    assert info.value.maybe_sent is True


def test_a_truncated_answer_may_have_been_sent(hostile):
    body = b'{"request": {"id": 7, "subject": "cut'
    desk = hostile().route("POST", REQUESTS, Reply(201, body, content_length=500))
    with pytest.raises(DeskUnreachable) as info:
        _client(desk.url).create_request({"request": {"subject": "s"}})
    assert info.value.maybe_sent is True
    assert "cut off" in info.value.message


def test_has_more_with_empty_pages_stops(hostile):
    desk = hostile()
    desk.route("GET", REQUESTS, Reply.json(_page([], has_more=True, next_url=desk.url + REQUESTS)))
    started = time.monotonic()
    with pytest.raises(BadAnswer, match="stopped making progress"):
        list(_client(desk.url).iter_requests())
    assert time.monotonic() - started < 5


def test_a_next_page_on_another_host_is_not_followed(hostile):
    desk, other = hostile(), hostile()
    other.route("GET", "/", Reply.json(_page([])))
    page = _page([request_json(1)], has_more=True, next_url=other.url + "/steal?page=2")
    desk.route("GET", REQUESTS, Reply.json(page))
    with pytest.raises(BadAnswer, match="another host"):
        list(_client(desk.url).iter_requests())
    assert other.seen == []


def test_a_307_on_create_to_another_host_sends_nothing_there(hostile):
    desk, other = hostile(), hostile()
    other.route("POST", "/", Reply.json({"request": request_json(9)}, 201))
    desk.route("POST", REQUESTS, Reply.redirect(307, other.url + "/api/v2/requests.json"))
    with pytest.raises(BadAnswer, match="not followed"):
        _client(desk.url).create_request({"request": {"subject": "PIN 4711"}})
    assert other.seen == []


def test_a_redirect_of_a_read_on_the_same_host_is_followed(hostile):
    desk = hostile()
    desk.route("GET", "/moved", Reply.json({"request": request_json(3)}))
    desk.route("GET", f"{REQUESTS}/3", Reply.redirect(301, "/moved"))
    assert _client(desk.url).get_request(3).id == 3
    assert desk.seen[-1].headers["authorization"].startswith("Basic ")


def test_a_day_long_retry_after_is_not_waited(hostile):
    reply = Reply.text("slow down", 429, headers={"Retry-After": "100000"})
    desk = hostile().route("GET", REQUESTS, reply)
    started = time.monotonic()
    with pytest.raises(RateLimited) as info:
        list(_client(desk.url).iter_requests())
    assert time.monotonic() - started < 5
    assert info.value.retry_after == 100000
    assert "try again after" in (info.value.hint or "")


@pytest.mark.parametrize("value", ["-5", "soon", "1e99"])
def test_a_nonsense_retry_after_is_no_crash(hostile, value):
    desk = hostile().route("GET", REQUESTS, Reply.text("no", 429, headers={"Retry-After": value}))
    with pytest.raises(RateLimited):
        list(_client(desk.url).iter_requests())
    assert len(desk.seen) >= 1


def test_a_trickled_answer_is_cut_at_the_deadline(hostile):
    body = b'{"request": ' + b" " * 200 + b"}"
    desk = hostile().route("GET", f"{REQUESTS}/1", Reply(200, body, trickle_every=0.2))
    started = time.monotonic()
    with pytest.raises(DeskUnreachable, match="deadline"):
        _client(desk.url, deadline=2).get_request(1)
    assert time.monotonic() - started < 4


def test_a_desk_that_never_answers_is_given_up_at_the_deadline(hostile):
    desk = hostile().route("GET", REQUESTS, Reply(never=True))
    heard: list[str] = []
    session = DeskSession(
        desk.url, CREDS, timeout=(0.5, 30), deadline=Deadline(2.5, on_wait=heard.append, tick=1)
    )
    started = time.monotonic()
    with pytest.raises(DeskUnreachable, match=r"2\.5 s deadline"):
        list(DeskClient(session).iter_requests())
    assert time.monotonic() - started < 4.5
    assert heard and "still waiting for the desk" in heard[0]


def test_a_huge_answer_is_not_read_whole(hostile):
    desk = hostile().route("GET", REQUESTS, Reply(200, b"", huge=64 * 1024 * 1024))
    with pytest.raises(BadAnswer, match="larger than 1 MB"):
        list(_client(desk.url, max_answer_bytes=1024 * 1024).iter_requests())
    assert desk.huge_sent < 32 * 1024 * 1024  # the client hung up long before the end


def test_an_upload_survives_a_pause_longer_than_the_connect_timeout(hostile, tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * (40 * 1024 * 1024))
    upload = Reply.json({"upload": {"token": "tok"}}, 201, pause_after=1024 * 1024, pause_for=1.5)
    desk = hostile().route("POST", "/api/v2/uploads", upload)
    assert _client(desk.url, read=5).upload(path) == "tok"
    assert desk.seen[-1].body_size == path.stat().st_size


def test_the_upload_body_does_not_count_against_the_deadline(hostile, tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * (40 * 1024 * 1024))
    upload = Reply.json({"upload": {"token": "tok"}}, 201, pause_after=1024 * 1024, pause_for=2)
    desk = hostile().route("POST", "/api/v2/uploads", upload)
    assert _client(desk.url, read=5, deadline=1.5).upload(path) == "tok"


def test_desk_text_reaches_us_without_escape_sequences(hostile):
    evil = request_json(5, subject="\x1b]0;owned\x07Disk \x1b[2Jfull", description="a\x1b[31mb\rc")
    desk = hostile().route("GET", f"{REQUESTS}/5", Reply.json({"request": evil}))
    comment = {"id": 1, "author_id": 2, "body": "hi\x1b[H\x1b[2J",
               "attachments": [{"file_name": "x\x1b]8;;evil\x07.log"}]}  # fmt: skip
    users = [{"id": 2, "name": "Agent\x07\x1b[5m"}]
    comments = {"comments": [comment], "users": users, "meta": {"has_more": False}}
    desk.route("GET", f"{REQUESTS}/5/comments", Reply.json(comments))
    client = _client(desk.url)
    request = client.get_request(5)
    assert request.subject == "Disk full" and request.description == "ab\nc"
    comment = next(client.iter_comments(5))
    assert (comment.body, comment.author_name) == ("hi", "Agent")
    assert comment.attachments[0].file_name == "x.log"


def test_error_bodies_are_stripped_too(hostile):
    reply = Reply.text("\x1b]0;title\x07bad \x1b[2Jthing", 500)
    desk = hostile().route("GET", f"{REQUESTS}/1", reply)
    with pytest.raises(CtlError) as info:
        _client(desk.url, retries=0).get_request(1)
    assert "\x1b" not in info.value.message and "bad thing" in info.value.message


@pytest.mark.parametrize(
    "url",
    ["http://user:PW@desk.example", "http://desk .example", "http://127.0.0.1:99999",
     "ftp://desk.example", "https://"],
)  # fmt: skip
def test_an_unusable_desk_url_is_a_config_error(url):
    with pytest.raises(ConfigError) as info:
        DeskSession(url, CREDS)
    assert "PW" not in info.value.message


@pytest.mark.parametrize(
    "reply",
    [Reply(200, b""), Reply.json([]), Reply.json({"results": {"id": 1}}),
     Reply.json({"results": [{"title": "no id"}]}), Reply.json({"results": [{"id": "1"}]})],
    ids=["empty", "array", "results-object", "no-id", "text-id"],
)  # fmt: skip
def test_a_broken_help_center_is_one_clear_error(hostile, reply):
    from ctlsupport.transport import helpcenter

    desk = hostile().route("GET", helpcenter.SEARCH_PATH, reply)
    with pytest.raises(BadAnswer):
        helpcenter.search(desk.url, "vpn")


def test_help_center_text_is_stripped(hostile):
    from ctlsupport.transport import helpcenter

    hit = {"id": 4, "title": "VPN\x1b]0;x\x07 setup", "snippet": "<em>vpn</em>\x1b[2J"}
    desk = hostile().route("GET", helpcenter.SEARCH_PATH, Reply.json({"results": [hit]}))
    article = helpcenter.search(desk.url, "vpn").articles[0]
    assert article.title == "VPN setup" and "\x1b" not in article.snippet


@pytest.mark.parametrize(
    "body",
    [[], {"status": "red", "components": "all", "incidents": [1, "x", {"name": 5}]},
     {"page": [], "incidents": [{"name": "Outage \x1b[2J VA1", "components": [None]}]}],
    ids=["array", "wrong-types", "escapes"],
)  # fmt: skip
def test_a_broken_status_page_is_no_crash(hostile, body):
    from ctlsupport.transport import statuspage

    desk = hostile().route("GET", statuspage.SUMMARY_PATH, Reply.json(body))
    try:
        summary = statuspage.fetch(desk.url)
    except BadAnswer:
        assert not isinstance(body, dict)
        return
    assert all("\x1b" not in i.name for i in summary.incidents)


def test_a_restarted_deadline_gives_each_look_its_whole_time(hostile):
    desk = hostile().route(
        "GET", f"{REQUESTS}/1", Reply.json({"request": request_json(1)}, delay=0.4)
    )
    session = DeskSession(desk.url, CREDS, timeout=(0.5, 5), deadline=Deadline(1.0))
    client = DeskClient(session)
    client.get_request(1)
    client.get_request(1)
    with pytest.raises(DeskUnreachable, match="deadline"):
        client.get_request(1)  # 1.2 s of waits in all: past the command's deadline
    for _ in range(3):
        session.deadline.restart()  # what `watch` does before each look
        assert client.get_request(1).id == 1
