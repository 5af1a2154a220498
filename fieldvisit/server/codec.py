"""Service arguments and results as tagged JSON, decoded only into classes of an explicit registry.

The desktop in team mode and the server exchange the same Python values the services take and
return (frozen dataclasses, enums, dates, decimals, tuples). Each non-JSON value carries a tag;
a dataclass or enum carries its registered name. The decoder builds nothing else: a name that is
not in the registry is refused, so a request can never make the server import or call anything.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import importlib
import json
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fieldvisit.domain.errors import ValidationError

# Only these packages' dataclasses and enums can be built from a request or an answer.
REGISTERED_PACKAGES = ("fieldvisit.domain", "fieldvisit.services", "fieldvisit.routing")
TAG = "$t"
MAX_DEPTH = 64  # deeper nesting is no service value; refuse before Python's recursion limit


def _walk(package: str) -> Iterator[str]:
    root = importlib.import_module(package)
    yield package
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        if ".migrations" not in info.name:  # Alembic scripts run only under Alembic
            yield info.name


@cache
def registry() -> Mapping[str, type]:
    """Every dataclass and enum defined in the registered packages, by ``module:QualName``."""
    found: dict[str, type] = {}
    for package in REGISTERED_PACKAGES:
        for name in _walk(package):
            module = importlib.import_module(name)
            for value in vars(module).values():
                if not isinstance(value, type) or value.__module__ != name:
                    continue
                if dataclasses.is_dataclass(value) or issubclass(value, enum.Enum):
                    found[class_name(value)] = value
    return found


def class_name(kind: type) -> str:
    return f"{kind.__module__}:{kind.__qualname__}"


def encode(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-ready data; a function is refused (the client leaves its progress
    callbacks and planners out of a call: the server supplies its own)."""
    if depth > MAX_DEPTH:
        raise ValueError("value nested too deeply to send")
    down = depth + 1
    if isinstance(value, enum.Enum):  # first: a StrEnum is a str too
        return {TAG: "enum", "c": class_name(type(value)), "v": value.value}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name), down) for f in dataclasses.fields(value)}
        return {TAG: "dc", "c": class_name(type(value)), "f": fields}
    if isinstance(value, datetime):  # before date: a datetime is a date
        zone = value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else None
        return {TAG: "datetime", "v": value.isoformat(), "z": zone}
    if isinstance(value, date):
        return {TAG: "date", "v": value.isoformat()}
    if isinstance(value, time):
        return {TAG: "time", "v": value.isoformat()}
    if isinstance(value, timedelta):
        return {TAG: "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, Decimal):
        return {TAG: "decimal", "v": str(value)}
    if isinstance(value, ZoneInfo):
        return {TAG: "zone", "v": value.key}
    if isinstance(value, bytes):
        return {TAG: "bytes", "v": base64.b64encode(value).decode("ascii")}
    if isinstance(value, list):
        return [encode(v, down) for v in value]
    if isinstance(value, tuple):
        return {TAG: "tuple", "v": [encode(v, down) for v in value]}
    if isinstance(value, set | frozenset):  # in a stable order: equal sets, equal text
        items = sorted((encode(v, down) for v in value), key=_order)
        return {TAG: "frozenset" if isinstance(value, frozenset) else "set", "v": items}
    if isinstance(value, Mapping):
        pairs = [[encode(k, down), encode(v, down)] for k, v in value.items()]
        return {TAG: "dict", "v": pairs}
    raise ValueError(f"cannot send a {type(value).__name__}")


def _order(item: Any) -> str:
    return json.dumps(item, sort_keys=True, default=repr)


def decode(data: Any, depth: int = 0) -> Any:
    """The value ``encode`` made; anything else is a ValidationError naming what is wrong."""
    if depth > MAX_DEPTH:
        raise ValidationError("server.error.rpc_value", reason="nested too deeply")
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [decode(v, depth + 1) for v in data]
    if not isinstance(data, dict) or not isinstance(data.get(TAG), str):
        raise ValidationError("server.error.rpc_value", reason="an untagged object")
    reader = _READERS.get(data[TAG])
    if reader is None:
        raise ValidationError("server.error.rpc_value", reason=f"unknown tag {data[TAG]!r}")
    try:
        return reader(data, depth + 1)
    except ValidationError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, InvalidOperation) as exc:
        reason = f"{data[TAG]}: {exc}"[:200]
        raise ValidationError("server.error.rpc_value", reason=reason) from exc
    except ZoneInfoNotFoundError as exc:
        raise ValidationError("server.error.rpc_value", reason="unknown time zone") from exc


def _registered(name: Any, *, enum_class: bool) -> type:
    kind = registry().get(name) if isinstance(name, str) else None
    wanted = issubclass(kind, enum.Enum) if kind is not None else False
    if kind is None or wanted != enum_class:
        raise ValidationError("server.error.rpc_class", name=str(name)[:200])
    return kind


def _dataclass(data: dict[str, Any], depth: int) -> Any:
    kind = _registered(data["c"], enum_class=False)
    raw = data["f"]
    if not isinstance(raw, dict):
        raise TypeError("fields must be an object")
    init = {f.name for f in dataclasses.fields(kind) if f.init}
    unknown = set(raw) - {f.name for f in dataclasses.fields(kind)}
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    # Built through __init__ (and so __post_init__'s checks); derived fields are recomputed.
    return kind(**{k: decode(v, depth) for k, v in raw.items() if k in init})


def _enum(data: dict[str, Any], _depth: int) -> Any:
    return _registered(data["c"], enum_class=True)(data["v"])


def _datetime(data: dict[str, Any], _depth: int) -> datetime:
    value = datetime.fromisoformat(data["v"])
    zone = data.get("z")
    if zone is not None and value.tzinfo is not None:
        value = value.astimezone(ZoneInfo(str(zone)))
    return value


def _timedelta(data: dict[str, Any], _depth: int) -> timedelta:
    days, seconds, micro = data["v"]
    return timedelta(days=int(days), seconds=int(seconds), microseconds=int(micro))


def _items(data: dict[str, Any], depth: int) -> list[Any]:
    if not isinstance(data["v"], list):
        raise TypeError("items must be a list")
    return [decode(v, depth) for v in data["v"]]


def _dict(data: dict[str, Any], depth: int) -> dict[Any, Any]:
    return {decode(k, depth): decode(v, depth) for k, v in data["v"]}


_READERS: dict[str, Callable[[dict[str, Any], int], Any]] = {
    "dc": _dataclass,
    "enum": _enum,
    "datetime": _datetime,
    "date": lambda d, _: date.fromisoformat(d["v"]),
    "time": lambda d, _: time.fromisoformat(d["v"]),
    "timedelta": _timedelta,
    "decimal": lambda d, _: Decimal(str(d["v"])),
    "zone": lambda d, _: ZoneInfo(str(d["v"])),
    "bytes": lambda d, _: base64.b64decode(d["v"], validate=True),
    "tuple": lambda d, depth: tuple(_items(d, depth)),
    "set": lambda d, depth: set(_items(d, depth)),
    "frozenset": lambda d, depth: frozenset(_items(d, depth)),
    "dict": _dict,
}
