"""Desktop team mode's address rules and settings: https, except to this computer itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldvisit.app.config import server_settings
from fieldvisit.app.remote_client import server_address
from fieldvisit.domain.errors import ValidationError


@pytest.mark.parametrize(
    "url", ["https://fieldvisit.example.cn:8443", "http://127.0.0.1:8765", "http://localhost/"]
)
def test_https_or_loopback_http_is_accepted(url: str) -> None:
    assert server_address(url).api.endswith("/api/v1")


@pytest.mark.parametrize(
    "url", ["http://fieldvisit.example.cn", "ftp://127.0.0.1", "fieldvisit.example.cn", "https://"]
)
def test_anything_else_is_refused_with_the_address_named(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        server_address(url)
    assert caught.value.message.params["url"] == url


def test_a_missing_ca_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        server_address("https://host:8443", tmp_path / "ca.pem")
    assert caught.value.message.id == "remote.error.ca_file"


def test_the_settings_file_names_the_server_unless_db_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "settings.ini"
    settings.write_text(
        "[server]\nurl = https://team.example.cn:8443\nca_file = ~/team-ca.pem\n", encoding="utf-8"
    )
    monkeypatch.setenv("FIELDVISIT_SETTINGS", str(settings))
    monkeypatch.setenv("FIELDVISIT_MACHINE_SETTINGS", str(tmp_path / "none.ini"))
    url, ca_file = server_settings(None, None)
    assert url == "https://team.example.cn:8443"
    assert ca_file == Path("~/team-ca.pem").expanduser()
    assert server_settings(None, None, "sqlite:///here.db") == (None, None)
    assert server_settings("https://other:1", Path("x.pem")) == ("https://other:1", Path("x.pem"))
