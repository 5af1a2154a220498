"""``fieldvisit serve`` refuses plain HTTP off loopback, and the test clock reads its file."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fieldvisit.app.cli import main
from fieldvisit.app.cli_serve import check_tls, is_loopback
from fieldvisit.domain.errors import ValidationError
from fieldvisit.server.clock import FileClock


def _args(host: str, cert: Path | None = None, key: Path | None = None) -> argparse.Namespace:
    return argparse.Namespace(host=host, cert=cert, key=key)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_needs_no_tls(host: str) -> None:
    assert is_loopback(host)
    check_tls(_args(host))


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "office.example"])
def test_any_other_address_needs_tls(host: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_tls(_args(host))
    assert caught.value.message.id == "server.error.tls_required"


def test_a_certificate_without_its_key_is_refused(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("x")
    with pytest.raises(ValidationError, match="tls_pair"):
        check_tls(_args("0.0.0.0", cert, None))


def test_missing_tls_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        check_tls(_args("0.0.0.0", tmp_path / "c.pem", tmp_path / "k.pem"))
    assert caught.value.params["path"].endswith("c.pem")


def test_the_command_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--lang", "en"]) == 2
    assert "needs TLS: give --cert and --key" in capsys.readouterr().err


def test_the_file_clock_follows_its_file(tmp_path: Path) -> None:
    path = tmp_path / "now"
    path.write_text("2026-12-02T01:00:00+00:00")
    clock = FileClock(path)
    assert clock() == datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    path.write_text("2026-12-02T09:30:00+08:00")
    import os

    os.utime(path, ns=(1, 1))  # a different modification time, as a later write has
    assert clock() == datetime(2026, 12, 2, 1, 30, tzinfo=UTC)


def test_a_clock_file_without_an_offset_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "now"
    path.write_text("2026-12-02T01:00:00")
    with pytest.raises(ValidationError, match="clock_file"):
        FileClock(path)
