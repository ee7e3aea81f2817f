"""`ctlsupport doctor`: every check against a real sandbox desk; failures exit non-zero."""

from __future__ import annotations

from oauthflow import ALIAS, oauth_login, profile_on

from ctlsupport.exitcodes import ExitCode


def _checks(result) -> dict[str, dict]:
    document = result.json()
    checks = (
        document["data"]["checks"] if document["ok"] else document["error"]["details"]["checks"]
    )
    return {c["name"]: c for c in checks}


def test_all_good_after_oauth_login(cli, sandbox):
    profile_on(cli, sandbox)
    assert oauth_login()[0] == 0
    result = cli("--json", "doctor")
    assert result.code == 0, result.stdout
    checks = _checks(result)
    route = checks.pop("route")  # no mail server: urgent and high would go by the API
    assert route["status"] == "warn" and "set an SMTP server" in route["detail"]
    assert [c["status"] for c in checks.values()] == ["ok"] * len(checks)
    assert set(checks) == {
        "config", "keyring", "desk", "sign-in", "identity", "clock", "sign-in method", "outbox",
    }  # fmt: skip
    assert "filekeyring.FileKeyring" in checks["keyring"]["detail"]
    assert ALIAS in checks["identity"]["detail"]
    assert "renewed automatically" in checks["sign-in method"]["detail"]
    assert "s ahead of" in checks["clock"]["detail"] or "s behind" in checks["clock"]["detail"]


def test_legacy_method_is_a_warning_not_a_failure(cli, sandbox):
    profile_on(cli, sandbox)
    assert cli("auth", "login", "--method", "token", stdin="sandbox-token\n").code == 0
    result = cli("--json", "doctor")
    assert result.code == 0
    method = _checks(result)["sign-in method"]
    assert method["status"] == "warn" and "2027-04-30" in method["detail"]


def test_not_signed_in_fails_with_the_auth_exit_code(cli, sandbox):
    profile_on(cli, sandbox)
    assert cli("config", "set", "auth", "oauth").code == 0
    result = cli("--json", "doctor")
    assert result.code == ExitCode.AUTH
    assert result.json()["error"]["code"] == "doctor"
    checks = _checks(result)
    assert checks["sign-in"]["status"] == "fail" and "not signed in" in checks["sign-in"]["detail"]
    assert checks["desk"]["status"] == "ok"


def test_unreachable_desk_and_plain_output(cli):
    profile_on(cli, "http://127.0.0.1:9")
    result = cli("doctor")
    assert result.code == ExitCode.UNREACHABLE
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0][:2] == ["config", "ok"]
    assert next(r for r in rows if r[0] == "desk")[:2] == ["desk", "fail"]
    assert "ctlsupport: error: 2 check(s) failed: desk, sign-in method" in result.stderr


def test_missing_profile_is_a_config_failure(cli):
    result = cli("doctor")
    assert result.code == ExitCode.NOT_FOUND
    assert "no profile named 'default'" in result.stdout
