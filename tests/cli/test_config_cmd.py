"""`config show | set | use | path | export | import`: values, their sources, team files."""

from __future__ import annotations

import tomllib

import pytest
from oauthflow import ALIAS, keyring_entries, profile_on

from ctlsupport.config import paths
from ctlsupport.exitcodes import ExitCode


def _values(result) -> dict[str, tuple[str, str]]:
    assert result.code == 0, result.stderr
    return {row["key"]: (row["value"], row["source"]) for row in result.json()["data"]["values"]}


def test_show_names_where_each_value_comes_from(cli, monkeypatch):
    assert cli("config", "set", "alias", ALIAS).code == 0
    assert cli("config", "set", "routes.urgent", "urgent@provider.example").code == 0
    assert cli("config", "set", "smtp_port", "587").code == 0
    values = _values(cli("--json", "config", "show"))
    assert values["profile"] == ("default", "file")
    assert values["alias"] == (ALIAS, "file")
    assert values["desk_url"] == ("https://support.ctl.io", "file")  # written with the profile
    assert values["oauth_authorize_url"] == (
        "https://support.ctl.io/oauth/authorizations/new", "default",
    )  # fmt: skip
    assert values["oauth_token_url"][0] == "https://support.ctl.io/oauth/tokens"
    assert values["oauth_client_id"] == ("ctlsupport", "default")
    assert values["routes.urgent"] == ("urgent@provider.example", "file")
    assert values["smtp_port"] == ("587", "file")
    assert values["smtp_host"] == ("", "default")

    assert cli("--profile", "lab", "config", "set", "alias", "lab@partner.example").code == 0
    assert _values(cli("--json", "--profile", "lab", "config", "show"))["profile"] == (
        "lab", "flag",
    )  # fmt: skip
    monkeypatch.setenv("CTLSUPPORT_PROFILE", "lab")
    shown = _values(cli("--json", "config", "show"))
    assert shown["profile"] == ("lab", "env") and shown["alias"][0] == "lab@partner.example"
    assert _values(cli("--sandbox", "--json", "config", "show"))["desk_url"][1] == "flag"


def test_show_is_tab_separated_when_piped(cli):
    assert cli("config", "set", "alias", ALIAS).code == 0
    lines = cli("config", "show").stdout.splitlines()
    assert f"alias\t{ALIAS}\tfile" in lines


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("alias", "not-an-email", "alias:"),
        ("tier", "developer", "Developer tier is not acceptable"),
        ("smtp_port", "99999", "smtp_port: must be a port number"),
        ("smtp_security", "ssl", "must be one of starttls, tls, none"),
        ("routes.urgent", "nobody", "routes.urgent:"),
        ("auth", "kerberos", "must be one of password, token, oauth"),
    ],
)
def test_set_validates(cli, key, value, message):
    result = cli("config", "set", key, value)
    assert result.code == ExitCode.INVALID_INPUT
    assert message in result.stderr
    assert not paths.config_file().exists()


def test_set_refuses_secrets_and_unknown_keys(cli):
    secret = cli("config", "set", "pin", "1234")
    assert secret.code == ExitCode.USAGE and "never goes to the config file" in secret.stderr
    assert "1234" not in secret.stderr
    unknown = cli("config", "set", "colour", "blue")
    assert unknown.code == ExitCode.USAGE and "unknown setting 'colour'" in unknown.stderr


def test_set_clears_a_route_and_use_switches_profiles(cli):
    assert cli("config", "set", "alias", ALIAS).code == 0
    assert cli("config", "set", "routes.high", "high@provider.example").code == 0
    assert cli("config", "set", "routes.high", "").code == 0
    assert "routes" not in tomllib.loads(paths.config_file().read_text())["profiles"]["default"]
    assert cli("--profile", "two", "config", "set", "alias", "two@partner.example").code == 0
    assert cli("config", "use", "two").code == 0
    assert tomllib.loads(paths.config_file().read_text())["default_profile"] == "two"
    missing = cli("config", "use", "nope")
    assert missing.code == ExitCode.NOT_FOUND and "default, two" in missing.stderr


def test_path(cli):
    result = cli("config", "path")
    assert result.code == 0 and result.stdout.strip() == str(paths.config_file())


PERSONAL = {"portal_username": "jdoe", "full_name": "Jo Doe", "smtp_user": "jdoe@partner.example"}


def _team_profile(cli, url: str) -> None:
    profile_on(cli, url)
    for key, value in {
        **PERSONAL,
        "tier": "enterprise",
        "account_rep": "rep@provider.example",
        "datacenter": "VA1",
        "routes.urgent": "urgent@provider.example",
        "via": "email",
        "smtp_host": "smtp.partner.example",
        "smtp_port": "587",
        "smtp_security": "starttls",
        "oauth_client_id": "partner-cli",
    }.items():
        assert cli("config", "set", key, value).code == 0, key


def test_export_shares_no_secret_and_nothing_personal(cli, sandbox, tmp_path, monkeypatch):
    _team_profile(cli, sandbox.url)
    assert cli("--no-input", "setup", "--pin-stdin", stdin="8642\n").code == 0
    assert cli("auth", "login", "--method", "token", stdin="sandbox-token\n").code == 0
    target = tmp_path / "team.toml"
    result = cli("config", "export", str(target))
    assert result.code == 0, result.stderr
    text = target.read_text()
    for private in (*PERSONAL.values(), "8642", "sandbox-token", "auth ="):
        assert private not in text, private
    shared = tomllib.loads(text)["settings"]
    assert shared["desk_url"] == sandbox.url and shared["alias"] == ALIAS
    assert shared["routes"] == {"urgent": "urgent@provider.example"}
    assert shared["smtp_port"] == "587" and shared["oauth_client_id"] == "partner-cli"


def test_import_asks_only_for_personal_items(cli, sandbox, tmp_path):
    _team_profile(cli, sandbox.url)
    target = tmp_path / "team.toml"
    assert cli("config", "export", str(target)).code == 0
    result = cli(
        "--no-input", "config", "import", str(target), "--profile", "newbie",
        "--full-name", "Ann Lee", "--portal-username", "alee", "--pin-stdin",
        "--method", "token", stdin="1357\nsandbox-token\n",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    profile = tomllib.loads(paths.config_file().read_text())["profiles"]["newbie"]
    assert profile["full_name"] == "Ann Lee" and profile["portal_username"] == "alee"
    assert profile["tier"] == "enterprise" and profile["routes"]["urgent"].startswith("urgent@")
    assert "smtp_user" not in profile
    stored = keyring_entries()
    assert stored[f"newbie/partner/{ALIAS}"] == "1357"
    assert stored["newbie/token"] == "sandbox-token"
    assert cli("--profile", "newbie", "--json", "list").code == 0


def test_import_without_sign_in_says_how(cli, tmp_path):
    target = tmp_path / "team.toml"
    target.write_text(
        'format = "ctlsupport-team-settings/1"\nprofile = "acme"\n'
        '[settings]\ndesk_url = "https://desk.example"\nalias = "help@acme.example"\n'
    )
    result = cli("--no-input", "config", "import", str(target))
    assert result.code == 0, result.stderr
    assert "ctlsupport --profile acme auth login" in result.stderr
    assert "acme" in tomllib.loads(paths.config_file().read_text())["profiles"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[settings]\nalias = "a@b.example"\n', "not a ctlsupport team settings file"),
        (
            'format = "ctlsupport-team-settings/1"\n[settings]\nfull_name = "Jo"\n',
            "never shares: full_name",
        ),
        (
            'format = "ctlsupport-team-settings/1"\n[settings]\npassword = "x"\n',
            "never shares: password",
        ),
        (
            'format = "ctlsupport-team-settings/1"\n[settings]\ndesk_url = "ftp://x"\n',
            "desk_url: must be an address",
        ),
    ],
)
def test_import_refuses_bad_files(cli, tmp_path, body, message):
    target = tmp_path / "team.toml"
    target.write_text(body)
    result = cli("--no-input", "config", "import", str(target))
    assert result.code != 0
    assert message in result.stderr
    assert not paths.config_file().exists()


def test_config_set_on_a_new_profile_starts_as_setup_does(cli, sandbox):
    import tomllib

    from ctlsupport.config import paths

    assert cli("--profile", "fresh", "config", "set", "alias", "a@b.example").code == 0
    assert cli("--no-input", "--profile", "other", "setup", "--alias", "a@b.example").code == 0
    profiles = tomllib.loads(paths.config_file().read_text())["profiles"]
    assert profiles["fresh"]["auth"] == profiles["other"]["auth"] == "oauth"

    # Pointed at a served sandbox, a profile reads that sandbox's status page.
    assert cli("--profile", "fresh", "config", "set", "desk_url", sandbox.url).code == 0
    assert cli("--no-input", "--profile", "other", "setup", "--desk-url", sandbox.url).code == 0
    profiles = tomllib.loads(paths.config_file().read_text())["profiles"]
    assert profiles["fresh"]["status_url"] == profiles["other"]["status_url"] == sandbox.url
    status = cli("--profile", "fresh", "status")
    assert status.code == 0, status.stderr
