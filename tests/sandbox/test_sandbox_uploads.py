"""Uploads and attachments (contract §4)."""

from __future__ import annotations

import re
import struct
from datetime import UTC, datetime, timedelta

import requests

TOKEN_FORMAT = re.compile(r"^[A-Za-z0-9]{25}$")
ATTACHMENT_KEYS = [
    "url", "id", "file_name", "content_url", "mapped_content_url", "content_type", "size",
    "width", "height", "inline", "deleted", "malware_access_override", "malware_scan_result",
    "thumbnails",
]  # fmt: skip


def _upload(client, name: str, data: bytes, token: str | None = None, content_type: str = ""):
    params = {"filename": name}
    if token:
        params["token"] = token
    headers = {"Content-Type": content_type or "application/octet-stream"}
    return client.post("/api/v2/uploads.json", params=params, data=data, headers=headers)


def test_upload_answer(client, sandbox):
    response = _upload(client, "ping.log", b"64 bytes from 10.0.0.1\n")
    assert response.status_code == 201
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    upload = response.json()["upload"]  # JSON despite the label
    assert TOKEN_FORMAT.match(upload["token"])
    expires = datetime.strptime(upload["expires_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(days=2, hours=23) < expires - datetime.now(UTC) <= timedelta(days=3)
    attachment = upload["attachment"]
    assert upload["attachments"] == [attachment]
    assert list(attachment) == ATTACHMENT_KEYS
    assert attachment["file_name"] == "ping.log"
    assert attachment["size"] == 23
    assert attachment["width"] is None and attachment["height"] is None
    assert attachment["malware_scan_result"] == "not_scanned"
    assert response.headers["Location"] == attachment["url"]
    assert attachment["url"] == f"{sandbox.url}/api/v2/attachments/{attachment['id']}.json"
    assert re.fullmatch(
        rf"{sandbox.url}/attachments/token/[A-Za-z0-9]{{25}}/\?name=ping\.log",
        attachment["content_url"],
    )
    shown = client.get(f"/api/v2/attachments/{attachment['id']}")
    assert shown.json() == {"attachment": attachment}


def test_content_type_from_header_or_extension(client):
    declared = _upload(client, "shot.bin", b"x", content_type="image/png; charset=binary")
    assert declared.json()["upload"]["attachment"]["content_type"] == "image/png"
    guessed = _upload(client, "notes.txt", b"x")
    assert guessed.json()["upload"]["attachment"]["content_type"] == "text/plain"
    unknown = _upload(client, "blob.zzzz", b"x")
    assert unknown.json()["upload"]["attachment"]["content_type"] == "application/octet-stream"


def test_png_dimensions(client):
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I4sII", 13, b"IHDR", 640, 480) + b"\0" * 20
    attachment = _upload(client, "screen.png", png).json()["upload"]["attachment"]
    assert (attachment["width"], attachment["height"]) == (640, 480)


def test_content_url_serves_the_bytes(client):
    data = bytes(range(256)) * 10
    attachment = _upload(client, "dump.bin", data).json()["upload"]["attachment"]
    download = requests.get(attachment["content_url"], timeout=5)
    assert download.status_code == 200
    assert download.content == data
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert "dump.bin" in download.headers["Content-Disposition"]


def test_append_to_an_existing_upload(client, sandbox):
    first = _upload(client, "a.txt", b"aaa").json()["upload"]
    second = _upload(client, "b.txt", b"bbb", token=first["token"]).json()["upload"]
    assert second["token"] == first["token"]
    assert [a["file_name"] for a in second["attachments"]] == ["a.txt", "b.txt"]
    assert second["attachment"]["file_name"] == "b.txt"
    # The append window is 60 minutes.
    with sandbox.state.writing() as conn:
        conn.execute(
            "UPDATE uploads SET created_at = '2000-01-01T00:00:00Z' WHERE token = ?",
            (first["token"],),
        )
    late = _upload(client, "c.txt", b"ccc", token=first["token"])
    assert late.status_code == 422
    assert late.json()["error"] == "RecordInvalid"
    assert _upload(client, "d.txt", b"d", token="X" * 25).status_code == 422


def test_tokens_attach_once_to_the_first_comment(client):
    token = _upload(client, "err.log", b"boom").json()["upload"]["token"]
    created = client.create(comment={"body": "see log", "uploads": [token]})
    comments = client.get(f"/api/v2/requests/{created['id']}/comments").json()["comments"]
    assert [a["file_name"] for a in comments[0]["attachments"]] == ["err.log"]
    again = client.post(
        "/api/v2/requests",
        json={"request": {"subject": "s", "comment": {"body": "b", "uploads": [token]}}},
    )
    assert again.status_code == 422
    assert again.json()["details"]["base"][0]["field_key"] == "uploads"
    assert client.get("/api/v2/requests").json()["count"] == 1  # nothing half-created


def test_uploads_on_an_update_comment(client):
    created = client.create()
    token = _upload(client, "more.log", b"more").json()["upload"]["token"]
    response = client.put(
        f"/api/v2/requests/{created['id']}",
        json={"request": {"comment": {"body": "", "uploads": [token]}}},
    )
    assert response.status_code == 200
    comments = client.get(f"/api/v2/requests/{created['id']}/comments").json()["comments"]
    assert comments[-1]["attachments"][0]["file_name"] == "more.log"


def test_unknown_and_expired_tokens_are_422(client, sandbox):
    token = _upload(client, "old.log", b"old").json()["upload"]["token"]
    with sandbox.state.writing() as conn:
        conn.execute(
            "UPDATE uploads SET expires_at = '2000-01-01T00:00:00Z' WHERE token = ?", (token,)
        )
    for bad in (token, "nope"):
        response = client.post(
            "/api/v2/requests",
            json={"request": {"subject": "s", "comment": {"body": "b", "uploads": [bad]}}},
        )
        assert response.status_code == 422


def test_delete_upload(client):
    upload = _upload(client, "gone.txt", b"gone").json()["upload"]
    response = client.delete(f"/api/v2/uploads/{upload['token']}.json")
    assert response.status_code == 204
    assert response.content == b""
    assert requests.get(upload["attachment"]["content_url"], timeout=5).status_code == 404
    assert client.delete(f"/api/v2/uploads/{upload['token']}").status_code == 404
    used = client.post(
        "/api/v2/requests",
        json={"request": {"subject": "s", "comment": {"body": "b", "uploads": [upload["token"]]}}},
    )
    assert used.status_code == 422


def test_empty_upload_is_422(client):
    response = _upload(client, "empty.txt", b"")
    assert response.status_code == 422
    assert response.json() == {
        "error": "RecordInvalid",
        "description": "Record validation errors",
        "details": {
            "size": [{"description": "Size Size is not included in the list (1..1073741824)"}]
        },
    }


def test_missing_filename_is_422(client):
    response = client.post("/api/v2/uploads", data=b"x")
    assert response.status_code == 422


def test_oversize_upload_is_413_text(make_server):
    server = make_server(max_upload_bytes=1024)
    session = requests.Session()
    session.auth = ("support@partner.example/token", "sandbox-token")
    url = f"{server.url}/api/v2/uploads?filename=big.bin"
    response = session.post(url, data=b"x" * 4096, timeout=5)
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "1024" in response.text
    assert session.post(url, data=b"x" * 1024, timeout=5).status_code == 201
    # A chunked body without Content-Length is cut off once it passes the limit.
    chunked = session.post(url, data=iter([b"x" * 800, b"y" * 800]), timeout=5)
    assert chunked.status_code == 413
    ok = session.post(url, data=iter([b"x" * 300, b"y" * 300]), timeout=5)
    assert ok.status_code == 201
    assert ok.json()["upload"]["attachment"]["size"] == 600
    session.close()
    leftovers = list((server.state.uploads_dir).glob(".incoming-*"))
    assert leftovers == []
