"""The installed PyVRP is the minor version whose internals ``engine._solve`` replays."""

from __future__ import annotations

import configparser
from importlib.metadata import version
from pathlib import Path

from fieldvisit.routing.engine import PYVRP_MINOR

SETUP = Path(__file__).resolve().parents[2] / "setup.cfg"


def test_installed_pyvrp_is_the_replayed_minor_version() -> None:
    installed = version("pyvrp")
    assert ".".join(installed.split(".")[:2]) == PYVRP_MINOR, (
        f"PyVRP {installed} is installed but engine._solve replays PyVRP {PYVRP_MINOR}.x: "
        "compare pyvrp.solve of the new version with engine._solve, update both, then the pin"
    )


def test_setup_cfg_pins_the_same_minor_version() -> None:
    config = configparser.ConfigParser()
    config.read(SETUP, encoding="utf-8")
    requires = config["options"]["install_requires"]
    major, minor = (int(x) for x in PYVRP_MINOR.split("."))
    assert f"pyvrp>={major}.{minor},<{major}.{minor + 1}" in requires
