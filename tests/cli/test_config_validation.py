"""The config file is checked when it is read: a wrong value is one line naming the key
and the file (exit 8), `doctor` says the same, and no address holds a password."""

from __future__ import annotations

import pytest

from ctlsupport.config import paths
from ctlsupport.exitcodes import ExitCode

PASSWORD = "Pw-in-URL-77"


def _write(body: str) -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        'default_profile = "default"\n[profiles.default]\nalias = "support@partner.example"\n'
        + body
    )


@pytest.mark.parametrize(
    ("line", "key", "words"),
    [
        ("desk_url = 123", "desk_url", "not a number"),
        ("alias2 = 1\n", "alias2", "unknown"),
        ("full_name = {a = 1}", "full_name", "not a table"),
        ('via = "pigeon"', "via", "api, email"),
        ('tier = "platinum"', "tier", "professional, enterprise, developer"),
        ('auth = ["token"]', "auth", "not a list"),
        ('smtp_port = "99999"', "smtp_port", "1-65535"),
        (f'desk_url = "http://jo:{PASSWORD}@desk.example.com"', "desk_url", "password"),
        ('desk_url = "https://desk example.com"', "desk_url", "spaces"),
        ('desk_url = "https://desk.example.com:99999"', "desk_url", "port"),
        ("[profiles.default.routes]\nhigh = 5", "high", "address"),
    ],
)
def test_a_wrong_value_is_one_line_naming_key_and_file(cli, line, key, words):
    _write(line + "\n")
    result = cli("--json", "list")
    assert result.code == ExitCode.CONFIG, result.stdout + result.stderr
    message = result.json()["error"]["message"]
    assert key in message and str(paths.config_file()) in message
    assert words in message
    assert PASSWORD not in result.stdout + result.stderr
    human = cli("list")
    assert human.code == ExitCode.CONFIG
    assert human.stderr.count("\n") <= 2 and "Traceback" not in human.stderr


def test_doctor_says_which_setting_is_wrong(cli):
    _write('via = "pigeon"\n')
    result = cli("doctor")
    assert result.code == ExitCode.CONFIG, result.stdout + result.stderr
    assert "config\tfail\t" in result.stdout and "via must be one of api, email" in result.stdout


def test_config_set_refuses_a_password_in_the_desk_url(cli):
    _write("")
    result = cli("config", "set", "desk_url", f"https://jo:{PASSWORD}@desk.example.com")
    assert result.code == ExitCode.INVALID_INPUT
    assert "user name or password" in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert PASSWORD not in paths.config_file().read_text()


def test_doctor_warns_about_plain_http_to_another_host(cli):
    _write('desk_url = "http://desk.example.invalid"\n')
    result = cli("doctor")
    assert "config\twarn\t" in result.stdout and "plain http" in result.stdout
    _write('desk_url = "http://127.0.0.1:9"\n')
    assert "config\tok\t" in cli("doctor").stdout
