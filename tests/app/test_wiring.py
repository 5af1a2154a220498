"""The window and every command build their services through the one wiring module."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
from pathlib import Path

import pytest

import fieldvisit.app
from fieldvisit.app.wiring import open_backend
from fieldvisit.services.catalog import PlanServices, Services

APP = Path(fieldvisit.app.__file__).parent
ENTRY_POINTS = [*sorted(APP.glob("cli*.py")), APP / "gui.py"]


def _is_service(module: str, name: str) -> bool:
    """A use-case class: built from a session factory, the safety dependencies or a key."""
    value = getattr(importlib.import_module(module), name, None)
    if not inspect.isclass(value) or value.__module__.split(".")[1] != "services":
        return False
    parameters = inspect.signature(value.__init__).parameters
    return bool({"session_factory", "deps", "key"} & set(parameters))


def _service_classes_called(path: Path) -> list[str]:
    """Service classes imported from ``fieldvisit.services`` that the module constructs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    services = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("fieldvisit.services")
        for alias in node.names
        if _is_service(node.module or "", alias.name)
    }
    return [
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in services
    ]


def _opens_database_itself(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module in {"fieldvisit.storage.database", "fieldvisit.storage.migrate"}
        and any(a.name in {"Database", "upgrade"} for a in node.names)
        for node in ast.walk(tree)
    )


@pytest.mark.parametrize("path", ENTRY_POINTS, ids=lambda p: p.name)
def test_entry_points_construct_no_service_themselves(path: Path) -> None:
    assert _service_classes_called(path) == [], f"{path.name} builds services outside wiring"
    assert not _opens_database_itself(path), f"{path.name} opens the database outside wiring"


def test_the_check_itself_sees_a_constructor(tmp_path: Path) -> None:
    bad = tmp_path / "cli_bad.py"
    bad.write_text(
        "def run():\n"
        "    from fieldvisit.services.planning.rounds import RoundService\n"
        "    return RoundService(None, None, None)\n",
        encoding="utf-8",
    )
    assert _service_classes_called(bad) == ["RoundService"]


def test_the_backend_offers_every_service(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    with open_backend(url) as backend:
        services = backend.services
        assert isinstance(services, Services)
        missing = [
            f.name for f in dataclasses.fields(services) if getattr(services, f.name) is None
        ]
        plan = services.plan
        assert isinstance(plan, PlanServices)
        missing += [f.name for f in dataclasses.fields(plan) if getattr(plan, f.name) is None]
        assert missing == []
        assert backend.services is services  # built once per backend


def test_reading_never_creates_an_audit_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FIELDVISIT_AUDIT_KEY_FILE", raising=False)
    monkeypatch.setenv("FIELDVISIT_SETTINGS", str(tmp_path / "settings.ini"))
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    with open_backend(url) as backend:
        backend.services.cases  # noqa: B018 - building the services reads nothing yet
    assert sorted(p.name for p in tmp_path.iterdir() if "audit-key" in p.name) == []
