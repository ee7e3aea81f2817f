"""Field validators: what passes, what is refused, what only warns."""

from __future__ import annotations

import pytest

from ctlsupport.core import validate
from ctlsupport.core.validate import FieldInvalid


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("1234", "1234"), (" 0 ", "0"), ("0123456789", "0123456789")],
)
def test_pin_accepts_1_to_10_digits(raw, clean):
    assert validate.pin(raw) == clean


@pytest.mark.parametrize("raw", ["", "12345678901", "12a4", "-123", "１２３", "12 34"])
def test_pin_refuses(raw):
    with pytest.raises(FieldInvalid, match="PIN must be 1-10 digits"):
        validate.pin(raw)


@pytest.mark.parametrize(("raw", "clean"), [("acme", "ACME"), ("A1", "A1"), ("ABCDEF", "ABCDEF")])
def test_alias(raw, clean):
    assert validate.customer_alias(raw) == clean


@pytest.mark.parametrize("raw", ["A", "ABCDEFG", "AC-ME", "", "AC ME"])
def test_alias_refuses(raw):
    with pytest.raises(FieldInvalid):
        validate.customer_alias(raw)


@pytest.mark.parametrize(
    ("raw", "warning"),
    [
        ("203.0.113.10", "private or reserved"),  # TEST-NET-3 is documentation space
        ("8.8.8.8", None),
        ("10.0.0.1", "private or reserved"),
        ("192.168.1.20", "private or reserved"),
        ("127.0.0.1", "loopback"),
        ("169.254.1.1", "private or reserved"),
        ("2606:4700:4700::1111", None),
        ("fe80::1", "private or reserved"),
        ("::1", "loopback"),
    ],
)
def test_ip_accepts_and_warns(raw, warning):
    clean = validate.public_ip(raw)
    note = validate.ip_warning(clean)
    if warning is None:
        assert note is None
    else:
        assert warning in note


@pytest.mark.parametrize("raw", ["300.1.1.1", "example.com", "1.2.3", "", "::g"])
def test_ip_refuses(raw):
    with pytest.raises(FieldInvalid, match="not an IPv4 or IPv6 address"):
        validate.public_ip(raw)


def test_datacenter_is_case_insensitive_and_listed():
    assert validate.datacenter("va1") == "VA1"
    with pytest.raises(FieldInvalid, match="unknown data center"):
        validate.datacenter("XX1")


def test_datacenter_list_can_be_overridden(isolated_home):
    from ctlsupport.config import paths
    from ctlsupport.core.datacenters import datacenters

    paths.config_dir().mkdir(parents=True)
    (paths.config_dir() / "datacenters.toml").write_text('[datacenters]\nXX1 = "Lab"\n')
    datacenters.cache_clear()
    assert validate.datacenter("xx1") == "XX1"
    with pytest.raises(FieldInvalid):
        validate.datacenter("VA1")


@pytest.mark.parametrize(
    ("name", "dc", "alias", "warning"),
    [
        ("VA1ACMEWEB01", "VA1", "ACME", None),
        ("va1acmeweb01", "VA1", "ACME", None),
        ("UC1ACMEWEB01", "VA1", "ACME", "starts with UC1"),
        ("VA1OTHRWEB01", "VA1", "ACME", "does not contain the account alias ACME"),
        ("webserver", "VA1", "ACME", "does not look like a provider server name"),
    ],
)
def test_server_name_hint_only_warns(name, dc, alias, warning):
    assert validate.server_name(name) == name
    note = validate.server_warning(name, dc, alias)
    assert (note is None) if warning is None else (warning in note)


def test_server_name_refuses_spaces():
    with pytest.raises(FieldInvalid):
        validate.server_name("VA1 ACME")


def test_email():
    assert validate.email(" Rep@Provider.Example ") == "Rep@provider.example"
    with pytest.raises(FieldInvalid):
        validate.email("rep@")


def test_attachment(tmp_path):
    good = tmp_path / "shot.png"
    good.write_bytes(b"x")
    assert validate.attachment(str(good)) == str(good.resolve())
    empty = tmp_path / "empty.log"
    empty.touch()
    with pytest.raises(FieldInvalid, match="is empty"):
        validate.attachment(str(empty))
    big = tmp_path / "big.bin"
    with big.open("wb") as handle:
        handle.truncate(validate.MAX_ATTACHMENT_BYTES + 1)
    with pytest.raises(FieldInvalid, match="at most 50 MB"):
        validate.attachment(str(big))
    with pytest.raises(FieldInvalid, match="does not exist"):
        validate.attachment(str(tmp_path / "missing"))


def test_text_drops_control_characters_and_needs_content():
    assert validate.clean_text("a\x00b\x1b[31mc\r\nd", what="x") == "ab[31mc\nd"
    with pytest.raises(FieldInvalid, match="must not be empty"):
        validate.clean_text(" \n\t ", what="x")
    with pytest.raises(FieldInvalid, match="single line"):
        validate.subject("two\nlines")
