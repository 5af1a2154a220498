"""Database URL precedence: --db, then the environment, then the settings file, then the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldvisit.app import config


@pytest.fixture(autouse=True)
def settings_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    settings = tmp_path / "settings.ini"
    monkeypatch.setenv(config.ENV_SETTINGS, str(settings))
    monkeypatch.setenv(config.ENV_MACHINE_SETTINGS, str(tmp_path / "machine.ini"))
    monkeypatch.delenv(config.ENV_DB_URL, raising=False)
    return settings


@pytest.fixture
def machine_file(tmp_path: Path) -> Path:
    return tmp_path / "machine.ini"


def test_default_is_a_sqlite_file_in_the_user_data_folder() -> None:
    resolved = config.resolve_db_url(None)
    assert resolved.origin == "default"
    assert resolved.url == f"sqlite:///{config.data_dir() / 'fieldvisit.db'}"


def test_settings_file_beats_the_default(settings_file: Path) -> None:
    settings_file.write_text("[database]\nurl = sqlite:///from-settings.db\n", encoding="utf-8")
    assert config.resolve_db_url(None).url == "sqlite:///from-settings.db"


def test_environment_beats_the_settings_file(
    settings_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_file.write_text("[database]\nurl = sqlite:///from-settings.db\n", encoding="utf-8")
    monkeypatch.setenv(config.ENV_DB_URL, "postgresql+psycopg://u@h/db")
    assert config.resolve_db_url(None).url == "postgresql+psycopg://u@h/db"


def test_command_line_beats_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_DB_URL, "sqlite:///env.db")
    assert config.resolve_db_url("sqlite:///cli.db") == config.ResolvedUrl(
        "sqlite:///cli.db", "--db"
    )


def test_demo_has_its_own_file() -> None:
    assert config.demo_db_url() != config.default_db_url()


def test_the_machine_wide_file_configures_every_user_once(machine_file: Path) -> None:
    machine_file.write_text(
        "[database]\nurl = postgresql+psycopg://fv@db.corp/fieldvisit\n"
        "[server]\nurl = https://fieldvisit.corp:8443\n"
        "[audit]\nkey_file = /srv/keys/audit.key\n",
        encoding="utf-8",
    )
    resolved = config.resolved_settings()
    assert resolved.database == config.ResolvedUrl(
        "postgresql+psycopg://fv@db.corp/fieldvisit", str(machine_file)
    )
    assert resolved.server_url == config.Setting("https://fieldvisit.corp:8443", str(machine_file))
    assert resolved.audit_key_file == config.Setting("/srv/keys/audit.key", str(machine_file))
    assert resolved.audit_anchor_file is None


def test_a_user_overrides_what_the_machine_does_not_enforce(
    machine_file: Path, settings_file: Path
) -> None:
    machine_file.write_text(
        "[policy]\nenforce = audit.key_file\n"
        "[server]\nurl = https://fieldvisit.corp\n"
        "[audit]\nkey_file = /srv/keys/audit.key\n",
        encoding="utf-8",
    )
    settings_file.write_text(
        "[server]\nurl = https://test.corp\n[audit]\nkey_file = /home/me/my.key\n",
        encoding="utf-8",
    )
    assert config.lookup("server", "url") == config.Setting("https://test.corp", str(settings_file))
    assert config.lookup("audit", "key_file") == config.Setting(
        "/srv/keys/audit.key", str(machine_file)
    )


def test_an_enforced_database_still_yields_to_the_command_line(machine_file: Path) -> None:
    machine_file.write_text(
        "[policy]\nenforce = database.url\n[database]\nurl = sqlite:///machine.db\n",
        encoding="utf-8",
    )
    assert config.resolve_db_url(None).url == "sqlite:///machine.db"
    assert config.resolve_db_url("sqlite:///cli.db").url == "sqlite:///cli.db"


def test_the_machine_file_lives_in_the_system_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.ENV_MACHINE_SETTINGS)
    path = config.machine_settings_path()
    assert path.name == "settings.ini"
    assert not path.is_relative_to(Path.home())
