"""Every test here runs real server processes against the CI PostgreSQL."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/server/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.postgres)
