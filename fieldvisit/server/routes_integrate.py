"""For integrators: the JSON solve contract and the data imports over HTTP."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.concurrency import run_in_threadpool

from fieldvisit.domain.access import Permission, require
from fieldvisit.domain.errors import ValidationError
from fieldvisit.domain.import_fields import ImportKind
from fieldvisit.server.security import Caller, Ctx
from fieldvisit.server.serialize import plain
from fieldvisit.services.importing.service import ImportRequest

router = APIRouter(prefix="/api/v1", tags=["integration"])
MAX_UPLOAD = 50 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")


@router.post("/solve")
def solve(actor: Caller, ctx: Ctx, problem: Annotated[Any, Body()]) -> dict[str, Any]:
    """Plan a problem document (spec/solve.md); 422 names every invalid field by JSON path.

    Any signed-in user may solve: the document carries its own data, nothing is read or saved.
    """
    return ctx.solve_document(problem)


@router.post("/imports/{kind}")
async def import_file(
    kind: ImportKind,
    request: Request,
    actor: Caller,
    ctx: Ctx,
    filename: str,
    creditor: str | None = None,
    dry_run: bool = False,
    keep_valid: bool = False,
    mapping: str | None = None,
) -> dict[str, Any]:
    """Import a CSV or XLSX file sent as the request body; all rows or none (``keep_valid``).

    ``mapping`` is a JSON object (file header → field) replacing the saved mapping.
    """
    require(actor, Permission.IMPORT_DATA)
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError("server.error.import_suffix", filename=filename)
    data = await request.body()
    if len(data) > MAX_UPLOAD:
        raise ValidationError("server.error.import_too_large", limit=MAX_UPLOAD)
    columns = _mapping(mapping)
    ask = ImportRequest(
        kind, PurePath(filename).name, creditor, columns, None, None, dry_run, keep_valid
    )
    return await run_in_threadpool(_run_import, ctx, actor, ask, data, suffix)


def _mapping(text: str | None) -> dict[str, str] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError("server.error.bad_mapping") from exc
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValidationError("server.error.bad_mapping")
    return {str(k): v for k, v in value.items()}


def _run_import(
    ctx: Any, actor: Any, request: ImportRequest, data: bytes, suffix: str
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="fieldvisit-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        report, _table = ctx.services.imports.run_file(path, request, actor)
    return {
        "committed": report.committed,
        "total": report.total,
        "imported": report.imported,
        "rejected": report.rejected,
        "counts": plain(report.counts),
        "errors": plain(report.errors),
        "batch_id": report.batch_id,
    }
