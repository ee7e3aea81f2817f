"""A status page that does not answer: `status` says "not known" once, exit 0."""

from __future__ import annotations


def test_status_not_known_is_not_an_error(cli):
    for key, value in (("desk_url", "http://127.0.0.1:9"), ("status_url", "http://127.0.0.1:9")):
        assert cli("config", "set", key, value).code == 0
    plain = cli("status")
    assert plain.code == 0, plain.stderr
    assert plain.stdout.count("not known") == 1 and "Traceback" not in plain.stderr
    data = cli("--json", "status").json()["data"]
    assert data["known"] is False and data["description"] == "not known" and data["reason"]
