"""Any directory written as CSV or TOML reads back the same; any file is read or refused
with one clean error, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctlsupport.core import customer_files
from ctlsupport.core.validate import FieldInvalid, line
from ctlsupport.errors import InvalidInput
from ctlsupport.store.customers import Customer, Server

ALIAS = st.from_regex(r"[A-Z0-9]{2,6}", fullmatch=True)
NAME = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"]),
    min_size=1,
    max_size=40,
)
IP = st.sampled_from(["", "64.15.183.10", "2001:db8::1", "198.51.100.7"])
DC = st.sampled_from(["", "VA1", "UC1", "GB3"])
SERVER = st.builds(Server, st.from_regex(r"[A-Z0-9]{4,12}", fullmatch=True), IP, DC)


def _valid_name(name: str) -> bool:
    try:
        return line("customer name")(name) == name
    except FieldInvalid:
        return False


CUSTOMERS = st.lists(
    st.builds(
        Customer,
        ALIAS,
        NAME.filter(_valid_name),
        st.lists(SERVER, max_size=3, unique_by=lambda s: s.name),
    ),
    max_size=6,
    unique_by=lambda c: c.alias,
)


@pytest.mark.parametrize("fmt", customer_files.FORMATS)
@settings(max_examples=60, deadline=None)
@given(customers=CUSTOMERS)
def test_written_then_read_is_the_same(fmt, customers):
    text = customer_files.write(customers, fmt)
    back = customer_files.group(customer_files.read(text, fmt))
    assert back == customers


@pytest.mark.parametrize("fmt", customer_files.FORMATS)
@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=400))
def test_any_file_is_read_or_refused_cleanly(fmt, text):
    try:
        customer_files.read(text, fmt)
    except InvalidInput as exc:
        assert exc.message
