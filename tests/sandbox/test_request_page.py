"""`sandbox serve` answers the request links it hands out with a readable page."""

from __future__ import annotations

import requests


def test_request_page_is_readable_and_masks_the_pin(client, sandbox):
    made = client.post(
        "/api/v2/requests.json",
        json={"request": {"subject": "ACME: disk <full>", "comment": {
            "body": "Customer name: Acme\nUser PIN: 4711\nThe disk is full."}}},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    link = made.json()["request"]["url"].replace("/api/v2/requests/", "/hc/requests/")
    link = link.removesuffix(".json")
    page = requests.get(link, timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "ACME: disk &lt;full&gt;" in page.text and "The disk is full." in page.text
    assert "4711" not in page.text and "User PIN: ********" in page.text
    missing = requests.get(f"{sandbox.url}/hc/requests/999999", timeout=10)
    assert missing.status_code == 404
