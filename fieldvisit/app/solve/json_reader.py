"""Reading JSON input by hand, collecting every problem as ``path: message``."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
T = TypeVar("T")


@dataclass
class JsonReader:
    """Collects ``path: message`` problems while reading."""

    problems: list[str] = field(default_factory=list)

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def get(
        self,
        obj: Mapping[str, Any],
        key: str,
        path: str,
        kind: type | tuple[type, ...],
        *,
        default: Any = ...,
        describe: str = "",
    ) -> Any:
        here = f"{path}.{key}" if path else key
        if key not in obj:
            if default is ...:
                self.fail(here, "is required")
            return None if default is ... else default
        value = obj[key]
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            self.fail(here, f"{show(value)} is not {describe or 'a number'}")
            return None
        if not isinstance(value, kind):
            self.fail(here, f"{show(value)} is not {describe or _kind_name(kind)}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(here, f"{show(value)} is not a finite number")
            return None
        return value

    def bounded(
        self,
        obj: Mapping[str, Any],
        key: str,
        path: str,
        kind: type | tuple[type, ...],
        low: float,
        high: float,
        *,
        default: Any = ...,
    ) -> Any:
        """A number within ``low``..``high`` (inclusive), or a problem at its path."""
        value = self.get(obj, key, path, kind, default=default)
        if value is None or value is default:
            return value
        if not low <= value <= high:
            here = f"{path}.{key}" if path else key
            self.fail(here, f"{show(value)} is not between {_num(low)} and {_num(high)}")
            return None
        return value

    def only(self, obj: Mapping[str, Any], allowed: tuple[str, ...], path: str) -> None:
        """Name every key the format does not define (a typo must not pass silently)."""
        for key in obj:
            if key not in allowed:
                here = f"{path}.{key}" if path else key
                self.fail(here, f"is not a known field ({', '.join(allowed)})")

    def time(self, obj: Mapping[str, Any], key: str, path: str) -> int | None:
        value = self.get(obj, key, path, str, describe="a time (HH:MM)")
        if value is None:
            return None
        match = _HHMM.match(value)
        minutes = int(match.group(1)) * 60 + int(match.group(2)) if match else -1
        if not 0 <= minutes <= 24 * 60:
            self.fail(f"{path}.{key}", f"{show(value)} is not a time")
            return None
        return minutes

    def items(
        self,
        obj: Mapping[str, Any],
        key: str,
        path: str,
        read: Callable[[Any, str], T | None],
        *,
        required: bool = True,
    ) -> list[T]:
        raw = self.get(obj, key, path, list, default=... if required else [], describe="a list")
        out: list[T] = []
        for index, item in enumerate(raw or []):
            here = f"{path}.{key}[{index}]" if path else f"{key}[{index}]"
            if not isinstance(item, dict):
                self.fail(here, f"{show(item)} is not an object")
                continue
            value = read(item, here)
            if value is not None:
                out.append(value)
        return out


def show(value: Any) -> str:
    """A short quotation of a value, safe for any JSON value (huge, deep, NaN)."""
    if isinstance(value, str):
        text = f'"{value[:40]}"'
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**30:
        text = "a huge integer"
    elif isinstance(value, list | dict):
        text = _shallow(value)
    else:
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _shallow(value: list[Any] | dict[str, Any]) -> str:
    # repr() of a value nested thousands deep overflows the stack; one level is enough to quote.
    if isinstance(value, dict):
        keys = ", ".join(f'"{str(k)[:12]}": ...' for k in list(value)[:3])
        return "{" + keys + "}"
    inner = ", ".join("[...]" if isinstance(v, list) else "{...}" if isinstance(v, dict)
                      else show(v) for v in value[:2])  # fmt: skip
    return f"[{inner}{', ...' if len(value) > 2 else ''}]"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true or false",
        dict: "an object",
        list: "a list",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)
