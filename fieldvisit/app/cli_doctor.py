"""``fieldvisit doctor``: what IT needs to know about this installation, each check OK or FAILED.

It runs the pieces a bundle most often lacks: the migration files, the Qt system libraries, the
CJK font of the PDFs and the planner in its child process (``--problem FILE`` plans that solve
problem there; without it, a built-in two-visit problem). Exit code 0 when every check passed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# A fixed self-test day at a place in Shanghai: the zone is that place's (data, not a default).
_TINY_PROBLEM: dict[str, Any] = {
    "version": 1,
    "date": "2026-12-01",
    "timezone": "Asia/Shanghai",
    "profile": "CN",
    "crews": [
        {
            "id": "crew",
            "members": ["a", "b"],
            "start": {"lat": 31.2304, "lon": 121.4737},
            "shift": {"start": "09:00", "end": "17:00"},
        }
    ],
    "visits": [
        {
            "id": "v1",
            "case_id": "K1",
            "debtor_id": "D1",
            "location": {"lat": 31.24, "lon": 121.49},
            "service_minutes": 30,
        },
        {
            "id": "v2",
            "case_id": "K2",
            "debtor_id": "D2",
            "location": {"lat": 31.22, "lon": 121.45},
            "service_minutes": 30,
        },
    ],
}


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    doctor = commands.add_parser(
        "doctor", help="check this installation (for IT support)", parents=[common]
    )
    doctor.add_argument("--problem", type=Path, default=None, help="solve problem JSON to plan")
    doctor.set_defaults(handler=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    checks: list[tuple[str, Callable[[], str]]] = [
        ("installation", _installation),
        ("settings", lambda: _settings(getattr(args, "db", None))),
        ("log folder", _log_folder),
        ("migrations", _migrations),
        ("qt libraries", _qt_libraries),
        ("pdf font", _pdf_font),
        ("planner process", lambda: _planner(args.problem)),
    ]
    failed = 0
    for name, check in checks:
        try:
            detail, ok = check(), True
        except Exception as exc:  # every failure is reported, and the other checks still run
            detail, ok = f"{type(exc).__name__}: {exc}", False
        failed += not ok
        print(f"{'OK    ' if ok else 'FAILED'} {name}: {detail}")
    return 1 if failed else 0


def _installation() -> str:
    from fieldvisit import __version__

    frozen = "bundle" if getattr(sys, "frozen", False) else "Python environment"
    return f"FieldVisit {__version__} ({frozen}, {sys.executable}, {sys.platform})"


def _settings(cli_db: str | None) -> str:
    from fieldvisit.app.config import machine_settings_path, resolved_settings, settings_path
    from fieldvisit.storage.database import parse_url

    resolved = resolved_settings(cli_db)
    url = parse_url(resolved.database.url).render_as_string(hide_password=True)
    machine = machine_settings_path()
    parts = [
        f"database {url} (from {resolved.database.origin})",
        f"machine file {machine} ({'present' if machine.is_file() else 'absent'})",
        f"user file {settings_path()}",
    ]
    if resolved.server_url is not None:
        parts.append(f"server {resolved.server_url.value} (from {resolved.server_url.origin})")
    if resolved.audit_key_file is not None:
        key = resolved.audit_key_file
        parts.append(f"audit key {key.value} (from {key.origin})")
    return "; ".join(parts)


def _log_folder() -> str:
    from fieldvisit.app.logs import default_log_dir

    return str(default_log_dir())


def _migrations() -> str:
    from fieldvisit.storage.migrate import head_revision

    return f"newest schema {head_revision()}"


def _qt_libraries() -> str:
    from fieldvisit.app.preflight import check

    report = check()
    if not report.ok:
        raise RuntimeError(report.message("en"))
    return "all found (or not needed here)"


def _pdf_font() -> str:
    from fieldvisit.reports.fonts import cjk_font

    font = cjk_font()
    if not font.embedded:
        raise RuntimeError(f"no TrueType CJK font; PDFs fall back to {font.name} (not embedded)")
    return f"{font.path} (embedded as a subset)"


def _planner(problem_file: Path | None) -> str:
    from fieldvisit.app.solve.reading import parse_problem
    from fieldvisit.app.solve.run import solve
    from fieldvisit.routing.runner import solve_in_subprocess

    raw = (
        json.loads(problem_file.read_text(encoding="utf-8"))
        if problem_file is not None
        else _TINY_PROBLEM
    )
    started = time.monotonic()
    solution = solve(parse_problem(raw), solve_in_subprocess)
    seconds = time.monotonic() - started
    stops = sum(len(route.get("stops", ())) for route in solution.get("routes", ()))
    if stops == 0:
        raise RuntimeError("the child process planned no stop")
    return f"{stops} stops planned in a child process in {seconds:.1f} s"
