"""Before Qt starts: a missing xcb library gives the exact install line, not Qt's abort."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldvisit.app import gui, preflight

DEBIAN = {"ID": "debian", "VERSION_ID": "12"}
X11 = {"DISPLAY": ":0"}


def _without(*missing: str) -> preflight.Loader:
    """A dynamic linker that cannot find ``missing`` (as if removed from the search path)."""
    return lambda name: name not in missing


def test_missing_cursor_and_icccm_libraries_name_the_debian_packages() -> None:
    report = preflight.check(
        X11,
        loader=_without("libxcb-cursor.so.0", "libxcb-icccm.so.4"),
        release=DEBIAN,
        platform="linux",
    )
    assert report.missing == ("libxcb-cursor.so.0", "libxcb-icccm.so.4")
    assert report.command == "sudo apt-get install -y libxcb-cursor0 libxcb-icccm4"
    message = report.message("en")
    assert "sudo apt-get install -y libxcb-cursor0 libxcb-icccm4" in message
    assert "libxcb-cursor.so.0" in message
    assert "libxcb-icccm.so.4" in message
    assert "sudo apt-get install -y libxcb-cursor0 libxcb-icccm4" in report.message("zh")


def test_ubuntu_derivatives_and_fedora_get_their_own_command() -> None:
    mint = {"ID": "linuxmint", "ID_LIKE": "ubuntu debian"}
    missing = ("libxcb-keysyms.so.1",)
    assert preflight.install_command(missing, mint) == "sudo apt-get install -y libxcb-keysyms1"
    fedora = {"ID": "fedora"}
    assert preflight.install_command(missing, fedora) == "sudo dnf install -y xcb-util-keysyms"
    assert preflight.install_command(missing, {"ID": "gentoo"}) is None


def test_an_unknown_distribution_still_lists_the_files() -> None:
    report = preflight.check(
        X11, loader=_without("libxkbcommon-x11.so.0"), release={}, platform="linux"
    )
    assert "libxkbcommon-x11.so.0" in report.message("en")
    assert "package manager" in report.message("en")


@pytest.mark.parametrize(
    ("environ", "platform"),
    [
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux"),
        ({}, "win32"),
        ({}, "darwin"),
    ],
)
def test_no_check_where_the_xcb_plugin_is_not_used(environ: dict[str, str], platform: str) -> None:
    report = preflight.check(environ, loader=lambda _name: False, release=DEBIAN, platform=platform)
    assert report.ok


def test_every_library_is_looked_up_through_the_dynamic_linker() -> None:
    # The real loader on this machine: a library that does not exist is reported missing.
    assert preflight.can_load("libfieldvisit-no-such-library.so.9") is False
    assert preflight.can_load("libc.so.6") is True


def test_the_window_does_not_start_and_prints_the_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("FIELDVISIT_LOG_DIR", str(tmp_path))
    monkeypatch.setattr(
        preflight,
        "check",
        lambda: preflight.Report(
            "xcb", ("libxcb-cursor.so.0",), "sudo apt-get install -y libxcb-cursor0"
        ),
    )
    started: list[str] = []
    monkeypatch.setattr(gui, "_application", lambda: started.append("qt"))
    assert gui.run("sqlite:///unused.db", "en") == preflight.EXIT_MISSING
    assert started == []  # Qt was never started
    assert "sudo apt-get install -y libxcb-cursor0" in capsys.readouterr().err
    logged = (tmp_path / "fieldvisit.log").read_text(encoding="utf-8")
    assert "Qt system libraries missing: libxcb-cursor.so.0" in logged


def test_the_module_runs_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        preflight, "check", lambda: preflight.Report("xcb", ("libxcb-xkb.so.1",), None)
    )
    assert preflight.main() == preflight.EXIT_MISSING
