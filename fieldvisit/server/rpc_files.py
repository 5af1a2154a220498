"""The desktop's import dialog over the wire: the file travels in the call, not as a path.

``imports.preview`` and ``imports.run_file`` take a path on the machine that runs them; in team
mode the file is on the desktop. These two call routes take ``{"name", "data"}`` (the bytes, in
the codec) in the path's place, keep them in a private temporary folder for the call, and hand
the service that path. The import's permission is checked before the file is read.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Any

from fastapi import APIRouter

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.errors import ValidationError
from fieldvisit.server import codec
from fieldvisit.server.routes_call import Call
from fieldvisit.server.routes_integrate import MAX_UPLOAD, SUFFIXES
from fieldvisit.server.rpc_allow import UPLOADS
from fieldvisit.server.security import Caller, Ctx
from fieldvisit.services.importing.service import ImportRequest

router = APIRouter(prefix="/api/v1/call", tags=["desktop calls"])


@contextmanager
def saved(upload: Any) -> Iterator[Path]:
    """The uploaded file on this server's disk for the length of one call."""
    if not isinstance(upload, dict) or not isinstance(upload.get("data"), bytes):
        raise ValidationError("server.error.rpc_arguments", method="imports", reason="file")
    name = str(upload.get("name", ""))
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError("server.error.import_suffix", filename=name)
    if len(upload["data"]) > MAX_UPLOAD:
        raise ValidationError("server.error.import_too_large", limit=MAX_UPLOAD)
    with tempfile.TemporaryDirectory(prefix="fieldvisit-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(upload["data"])
        yield path


def _arguments(body: Call) -> list[Any]:
    if body.kwargs:
        raise ValidationError("server.error.rpc_arguments", method="imports", reason="by name")
    args = [codec.decode(value) for value in body.args]
    if not args:
        raise ValidationError("server.error.rpc_arguments", method="imports", reason="file")
    return args


def preview(body: Call, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    """The file's headers and first rows, and the mapping an import would use."""
    require(actor, Permission.IMPORT_DATA)
    upload, *rest = _arguments(body)
    if len(rest) > 3 or any(isinstance(value, Actor) for value in rest):
        raise ValidationError("server.error.rpc_arguments", method="imports.preview", reason="")
    with saved(upload) as path:
        return {"result": codec.encode(ctx.services.imports.preview(path, *rest))}


def run_file(body: Call, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    """Import the file as the signed-in user; the answer is the report (the desktop keeps its
    own copy of the rows for the error file)."""
    require(actor, Permission.IMPORT_DATA)
    upload, *rest = _arguments(body)
    if len(rest) != 1 or not isinstance(rest[0], ImportRequest):
        raise ValidationError("server.error.rpc_arguments", method="imports.run_file", reason="")
    with saved(upload) as path:
        report, _table = ctx.services.imports.run_file(path, rest[0], actor)
    return {"result": codec.encode(report)}


ENDPOINTS: dict[str, Callable[..., dict[str, Any]]] = {"preview": preview, "run_file": run_file}
for _service, _method in UPLOADS:
    router.add_api_route(
        f"/{_service}/{_method}", ENDPOINTS[_method], methods=["POST"], name=f"{_service}.{_method}"
    )
