"""check_desk_url: the one check of a desk address."""

from __future__ import annotations

import pytest

from ctlsupport.core.validate import FieldInvalid, check_desk_url, plain_http_warning


@pytest.mark.parametrize(
    "value",
    ["https://support.ctl.io", "https://support.ctl.io/", "http://127.0.0.1:8080",
     "https://[::1]:443/desk"],
)  # fmt: skip
def test_good_addresses(value):
    assert check_desk_url(value) == value.rstrip("/")


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("support.ctl.io", "https://"),
        ("ftp://support.ctl.io", "https://"),
        ("https://jo:secret@support.ctl.io", "user name or password"),
        ("https://jo@support.ctl.io", "user name or password"),
        ("https://support .ctl.io", "spaces"),
        ("https://support.ctl.io\x1b]0;x", "control"),
        ("https://support.ctl.io:99999", "port"),
        ("https://support.ctl.io:http", "port"),
        ("https://:443", "host"),
    ],
)
def test_bad_addresses_are_refused_without_echoing_them(value, why):
    with pytest.raises(FieldInvalid, match=why) as caught:
        check_desk_url(value)
    assert "secret" not in str(caught.value)


def test_plain_http_is_warned_only_off_this_machine():
    assert plain_http_warning("http://desk.example.com")
    for local in ("http://127.0.0.1:9", "http://localhost:8080", "https://desk.example.com"):
        assert plain_http_warning(local) is None
