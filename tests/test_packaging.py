"""Every Python package in the tree is listed in setup.cfg, so the wheel ships all of it."""

from __future__ import annotations

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed() -> None:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    listed = set(parser.get("options", "packages").split())
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "fieldvisit").rglob("__init__.py")
    }
    assert found - listed == set()
    assert "fieldvisit.resources" in listed
