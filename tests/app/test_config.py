"""Database URL precedence: --db, then the environment, then the settings file, then the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldvisit.app import config


@pytest.fixture(autouse=True)
def settings_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    settings = tmp_path / "settings.ini"
    monkeypatch.setenv(config.ENV_SETTINGS, str(settings))
    monkeypatch.delenv(config.ENV_DB_URL, raising=False)
    return settings


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
