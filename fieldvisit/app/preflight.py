"""Before Qt starts on Linux: are the system libraries of its X11 (xcb) plugin installed?

Without them Qt aborts with its own terse message, one library at a time. This check loads each
library the way Qt will (``dlopen``) and, if any is missing, prints every missing one and the
exact install command for the distribution. ``make run`` and the window's start-up call it;
``python -m fieldvisit.app.preflight`` runs it alone (exit code 0 ready, 3 libraries missing).
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from fieldvisit.i18n import system_language, translate

EXIT_MISSING = 3

# (shared library, Debian/Ubuntu package, Fedora/RHEL package, Arch package): what Qt 6's xcb
# platform plugin and the Qt libraries FieldVisit uses link against, beyond the C library.
XCB_LIBRARIES: tuple[tuple[str, str, str, str], ...] = (
    ("libxcb.so.1", "libxcb1", "libxcb", "libxcb"),
    ("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb", "libx11"),
    ("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    ("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    ("libxcb-image.so.0", "libxcb-image0", "xcb-util-image", "xcb-util-image"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    (
        "libxcb-render-util.so.0",
        "libxcb-render-util0",
        "xcb-util-renderutil",
        "xcb-util-renderutil",
    ),
    ("libxcb-randr.so.0", "libxcb-randr0", "libxcb", "libxcb"),
    ("libxcb-shape.so.0", "libxcb-shape0", "libxcb", "libxcb"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb", "libxcb"),
    ("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb", "libxcb"),
    ("libxcb-sync.so.1", "libxcb-sync1", "libxcb", "libxcb"),
    ("libxcb-shm.so.0", "libxcb-shm0", "libxcb", "libxcb"),
    ("libxcb-render.so.0", "libxcb-render0", "libxcb", "libxcb"),
    ("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    ("libEGL.so.1", "libegl1", "libglvnd-egl", "libglvnd"),
    ("libGL.so.1", "libgl1", "libglvnd-glx", "libglvnd"),
    ("libfontconfig.so.1", "libfontconfig1", "fontconfig", "fontconfig"),
    ("libfreetype.so.6", "libfreetype6", "freetype", "freetype2"),
    ("libglib-2.0.so.0", "libglib2.0-0", "glib2", "glib2"),
    ("libdbus-1.so.3", "libdbus-1-3", "dbus-libs", "dbus"),
)

# Distribution family → (install command prefix, column in XCB_LIBRARIES).
_INSTALLERS: Mapping[str, tuple[str, int]] = {
    "debian": ("sudo apt-get install -y", 1),
    "ubuntu": ("sudo apt-get install -y", 1),
    "fedora": ("sudo dnf install -y", 2),
    "rhel": ("sudo dnf install -y", 2),
    "centos": ("sudo dnf install -y", 2),
    "arch": ("sudo pacman -S --needed", 3),
}

Loader = Callable[[str], bool]


def can_load(library: str) -> bool:
    """Whether the dynamic linker finds ``library`` (the same search Qt's plugin will make)."""
    bundled = getattr(sys, "_MEIPASS", None)
    if bundled is not None and (Path(bundled) / library).is_file():
        return True  # a bundle carries the libraries of the machine it was built on
    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class Report:
    """The result: which libraries are missing and the command that installs them."""

    platform: str
    missing: tuple[str, ...]
    command: str | None

    @property
    def ok(self) -> bool:
        return not self.missing

    def message(self, lang: str) -> str:
        command = self.command or translate("app.preflight.unknown_distribution", lang)
        return translate(
            "app.preflight.missing",
            lang,
            platform=self.platform,
            libraries="\n".join(f"  {name}" for name in self.missing),
            command=command,
        )


def os_release(path: Path = Path("/etc/os-release")) -> dict[str, str]:
    """The ``KEY=value`` pairs of os-release (empty when there is none)."""
    values: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return values
    for line in lines:
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip().strip('"')
    return values


def install_command(missing: tuple[str, ...], release: Mapping[str, str]) -> str | None:
    """``sudo apt-get install -y …`` (or dnf, pacman) for the missing libraries, if known."""
    families = [release.get("ID", ""), *release.get("ID_LIKE", "").split()]
    for family in families:
        if family in _INSTALLERS:
            prefix, column = _INSTALLERS[family]
            packages: list[str] = []
            for row in XCB_LIBRARIES:
                if row[0] in missing and row[column] not in packages:
                    packages.append(row[column])
            return f"{prefix} {' '.join(packages)}"
    return None


def needs_xcb(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Only Linux desktops use the xcb plugin; offscreen tests and Wayland-only sessions do not."""
    if not platform.startswith("linux"):
        return False
    requested = environ.get("QT_QPA_PLATFORM", "").strip()
    if requested:
        return requested.split(":")[0].split(";")[0] == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def check(
    environ: Mapping[str, str] | None = None,
    *,
    loader: Loader = can_load,
    release: Mapping[str, str] | None = None,
    platform: str = sys.platform,
) -> Report:
    """Which of Qt's xcb libraries cannot be loaded here (none when xcb is not used)."""
    environ = os.environ if environ is None else environ
    if not needs_xcb(environ, platform):
        return Report("xcb", (), None)
    missing = tuple(name for name, *_packages in XCB_LIBRARIES if not loader(name))
    if not missing:
        return Report("xcb", (), None)
    return Report(
        "xcb", missing, install_command(missing, os_release() if release is None else release)
    )


def main() -> int:
    report = check()
    if report.ok:
        return 0
    print(report.message(system_language()), file=sys.stderr)
    return EXIT_MISSING


if __name__ == "__main__":
    raise SystemExit(main())
