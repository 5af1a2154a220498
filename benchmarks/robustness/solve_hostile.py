"""``fieldvisit solve`` on thousands of generated hostile problem files; prints the counts.

Every input is the example problem with one thing broken: each field replaced by each hostile
value (wrong types, NaN/Infinity, huge numbers, 4,300-digit integers, dates at the ends of the
calendar, unknown time zones, empty lists, objects in lists), each field removed, ids duplicated,
deep nesting, 10 MB strings, and files that are not UTF-8 or not JSON at all. Goal: 0 tracebacks,
0 internal errors (exit 1), and every exit 2 names a JSON path. Not part of ``make test``; the
most important cases are regression tests in tests/app/test_cli_solve_hostile.py.

    python benchmarks/robustness/solve_hostile.py [--limit N] [--show K]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fieldvisit.app.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "solve" / "problem.json"
# Raw JSON text put in place of a placeholder string after dumping (json.dumps cannot write it).
RAW = {
    "NaN": "NaN",
    "Infinity": "Infinity",
    "-Infinity": "-Infinity",
    "huge_int": "9" * 4400,
    "big_float": "1e400",
    "neg_big_float": "-1e400",
    "deep": "[" * 3000 + "]" * 3000,
}
HOSTILE: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1,
    1.5,
    -0.0,
    2**63,
    -(2**63) - 1,
    10**300,
    "",
    " ",
    "x",
    "\u0000",
    "America",
    "Mars/Olympus",
    "../../etc/passwd",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "24:00",
    "25:00",
    "23:59",
    "00:00",
    [],
    {},
    [{}],
    [None],
    [[]],
    ["x"],
    {"x": 1},
    *(f"@raw:{name}" for name in RAW),
]
HEADER = "solve.input"


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*path, index))


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


def _delete(doc: Any, path: tuple[Any, ...]) -> Any:
    target = doc
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    return doc


def _text(doc: Any) -> str:
    text = json.dumps(doc, ensure_ascii=False)
    for name, raw in RAW.items():
        text = text.replace(json.dumps(f"@raw:{name}"), raw)
    return text


def _base() -> dict[str, Any]:
    problem = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    problem["visits"] = problem["visits"][:4]
    problem["time_limit_seconds"] = 0.05  # valid variants must not plan for long
    return problem


def generate(rng: random.Random) -> Iterator[tuple[str, bytes]]:
    """(label, file bytes) of every hostile input."""
    base = _base()
    paths = [p for p in _paths(base) if p]
    for path in paths:
        for value in HOSTILE:
            if path == ("time_limit_seconds",) and value in (1, 1.5):
                continue  # valid, and only slower
            doc = _set(copy.deepcopy(base), path, value)
            yield f"{_show(path)} = {str(value)[:30]}", _text(doc).encode("utf-8")
        yield f"del {_show(path)}", _text(_delete(copy.deepcopy(base), path)).encode("utf-8")
    for key in ("crews", "visits"):
        doc = copy.deepcopy(base)
        doc[key].append(copy.deepcopy(doc[key][0]))
        yield f"duplicate {key} id", _text(doc).encode("utf-8")
    end_before_start = copy.deepcopy(base)
    end_before_start["crews"][0]["shift"] = {"start": "18:00", "end": "08:00"}
    yield "shift ends before it starts", _text(end_before_start).encode("utf-8")
    for name in ("visits", "crews"):
        doc = copy.deepcopy(base)
        doc[name][0]["id"] = "x" * 10_000_000
        yield f"10 MB {name} id", _text(doc).encode("utf-8")
    good = _text(base).encode("utf-8")
    yield "not UTF-8", good.replace(b"Asia/Shanghai", "Asia/Shanghai\u00e9".encode("latin-1"))
    yield "GBK bytes", _text(base).replace("crew-a", "外访").encode("gbk")
    yield "UTF-16", _text(base).encode("utf-16")
    yield "empty file", b""
    yield "only a BOM", b"\xef\xbb\xbf"
    yield "binary", bytes(rng.randrange(256) for _ in range(4096))
    for cut in (1, 10, 100, len(good) // 2, len(good) - 1):
        yield f"truncated at {cut}", good[:cut]
    yield "a list", b"[]"
    yield "a number", b"1"
    yield "null", b"null"
    yield "deep object", b'{"a":' * 5000 + b"1" + b"}" * 5000
    for _ in range(200):  # random byte flips in a valid file
        data = bytearray(good)
        for _flip in range(rng.randint(1, 5)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        yield "random bytes flipped", bytes(data)


def _show(path: tuple[Any, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


# A problem line: its JSON path (no spaces; "$" for the whole file), a colon, the message.
_PATHED = re.compile(r"^\S+: ", re.MULTILINE)


def run_one(source: Path) -> tuple[str, str]:
    """(outcome, detail) of one run: ok, invalid, invalid_unpathed, internal, traceback."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["solve", str(source), "--lang", "en"])
    except SystemExit as exc:  # argparse
        return ("invalid" if exc.code == 2 else "traceback"), f"SystemExit {exc.code}"
    except BaseException:
        return "traceback", "".join(traceback.format_exc().splitlines(keepends=True)[-3:])
    text = err.getvalue()
    if code == 0:
        return "ok", ""
    if code == 2:
        return ("invalid" if _PATHED.search(text) else "invalid_unpathed"), text[:300]
    return "internal", text[:300]


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="run only the first N inputs")
    parser.add_argument("--show", type=int, default=5, help="examples printed per bad outcome")
    args = parser.parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "problem.json"
        for number, (label, data) in enumerate(generate(random.Random(19))):
            if args.limit and number >= args.limit:
                break
            source.write_bytes(data)
            outcome, detail = run_one(source)
            counts[outcome] += 1
            if outcome not in ("ok", "invalid"):
                examples.setdefault(outcome, []).append(f"{label}: {detail}")
    total = sum(counts.values())
    print(f"inputs: {total} in {time.monotonic() - started:.0f} s")
    for outcome in ("ok", "invalid", "invalid_unpathed", "internal", "traceback"):
        print(f"  {outcome:17} {counts[outcome]}")
    for outcome, lines in examples.items():
        print(f"examples of {outcome}:")
        for line in lines[: args.show]:
            print("   ", line.replace("\n", " | ")[:400])
    bad = counts["traceback"] + counts["internal"] + counts["invalid_unpathed"]
    return 0 if bad == 0 and total >= 2000 else 1


if __name__ == "__main__":
    raise SystemExit(main_())
