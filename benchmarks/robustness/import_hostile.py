"""``fieldvisit import cases`` on broken CSV and XLSX files; prints the counts.

Inputs: wrong encodings, truncated and binary files, 100,000 columns, duplicate headers, formula
cells, bad amounts, empty files, random byte flips of a good file. Goal: 0 tracebacks and 0 partial
imports (a run that fails leaves the database as it was; one that succeeds imported every valid
row), and formula cells neutralised in every error file. Not part of ``make test``.

    python benchmarks/robustness/import_hostile.py [--flips N]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import random
import re
import sqlite3
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from fieldvisit.app.cli import main
from fieldvisit.services.audit import create_key

HEADERS = ["案件编号", "姓名", "身份证号", "手机号", "家庭住址", "单位地址", "逾期金额", "逾期天数"]


def _id_number(index: int) -> str:
    from fieldvisit.domain.import_cells import id_number_checksum

    body = f"31010119{80 + index % 20:02d}0{1 + index % 9}{10 + index % 18:02d}{index % 1000:03d}"
    return body + id_number_checksum(body)


def _rows(count: int) -> list[list[str]]:
    return [
        [f"K{index:05d}", f"张{index}", _id_number(index), f"1380000{index:04d}",
         f"上海市浦东新区世纪大道{index}号", "", f"{1000 + index}.50", str(30 + index % 90)]
        for index in range(1, count + 1)
    ]  # fmt: skip


def _csv(headers: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([headers, *rows])
    return out.getvalue().encode(encoding, errors="replace")


def _xlsx(headers: list[object], rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [headers, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def generate(rng: random.Random, flips: int) -> Iterator[tuple[str, str, bytes]]:
    """(label, suffix, file bytes)."""
    good = _csv(HEADERS, _rows(30))
    yield "good", ".csv", good
    yield "GBK", ".csv", _csv(HEADERS, _rows(30), "gbk")
    yield "UTF-16", ".csv", _csv(HEADERS, _rows(30), "utf-16")
    yield "Latin-1 garbage", ".csv", bytes(range(128, 256)) * 50
    yield "empty", ".csv", b""
    yield "only headers", ".csv", _csv(HEADERS, [])
    yield "binary", ".csv", bytes(rng.randrange(256) for _ in range(20_000))
    for cut in (5, 50, len(good) // 3, len(good) // 2, len(good) - 3):
        yield f"truncated at {cut}", ".csv", good[:cut]
    yield "100k columns", ".csv", _csv([*HEADERS, *(f"c{i}" for i in range(100_000))], _rows(2))
    yield "duplicate header", ".csv", _csv([*HEADERS, "姓名"], [[*r, "x"] for r in _rows(5)])
    formula = _rows(5)
    formula[2][1] = "=cmd|' /C calc'!A0"
    formula[2][3] = "bad phone"
    yield "formula cell", ".csv", _csv(HEADERS, formula)
    bad_amounts = _rows(5)
    bad_amounts[1][6] = "12,50"
    yield "decimal comma without the option", ".csv", _csv(HEADERS, bad_amounts)
    yield "NUL bytes", ".csv", good.replace(b",", b"\x00", 5)
    yield "unterminated quote", ".csv", good + b'"unterminated'
    yield "good xlsx", ".xlsx", _xlsx(list(HEADERS), [list(r) for r in _rows(20)])
    yield "truncated xlsx", ".xlsx", _xlsx(list(HEADERS), [list(r) for r in _rows(20)])[:500]
    yield "csv named xlsx", ".xlsx", good
    yield "xlsx duplicate header", ".xlsx", _xlsx([*HEADERS, "姓名"], [[*r, "x"] for r in _rows(3)])
    yield "xlsx formula", ".xlsx", _xlsx(list(HEADERS), [["K1", "=1+1", *_rows(1)[0][2:]]])
    yield "xls", ".xls", b"\xd0\xcf\x11\xe0" + bytes(500)
    for _ in range(flips):
        data = bytearray(good)
        for _flip in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        yield "random bytes flipped", ".csv", bytes(data)


def _cases(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        try:
            return int(connection.execute("SELECT count(*) FROM cases").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flips", type=int, default=200, help="random byte-flip variants")
    args = parser.parse_args(argv)
    counts: Counter[str] = Counter()
    problems: list[str] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        key = root / "audit.key"
        create_key(key)
        os.environ["FIELDVISIT_AUDIT_KEY_FILE"] = str(key)
        for number, (label, suffix, data) in enumerate(generate(random.Random(19), args.flips)):
            database = root / f"db{number}.db"
            source = root / f"in{number}{suffix}"
            errors = root / f"err{number}.csv"
            source.write_bytes(data)
            url = f"sqlite:///{database}"
            argv_ = ["import", "cases", str(source), "--creditor", "B", "--db", url,
                     "--keep-valid", "--errors", str(errors), "--lang", "en"]  # fmt: skip
            out, err = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    code = main(argv_)
            except SystemExit as exc:
                code = int(str(exc.code))
            except BaseException:
                counts["traceback"] += 1
                problems.append(f"{label}: {traceback.format_exc().splitlines()[-1]}")
                continue
            written = _cases(database)
            text = out.getvalue()
            if code == 0:
                counts["imported"] += 1
                created = re.search(r"(\d+) created", text)
                expected = int(created.group(1)) if created else None
                if expected is not None and written != expected:
                    counts["partial"] += 1
                    problems.append(f"{label}: reported {expected} created, wrote {written}")
            else:
                counts["refused"] += 1
                if written:
                    counts["partial"] += 1
                    problems.append(f"{label}: exit {code} but {written} cases written")
            if errors.exists():
                content = errors.read_text(encoding="utf-8-sig")
                if any(line.split(",")[i].startswith("=") for line in content.splitlines()
                       for i in range(len(line.split(",")))):  # fmt: skip
                    counts["formula_unescaped"] += 1
                    problems.append(f"{label}: a formula cell reached the error file")
    total = sum(counts[k] for k in ("imported", "refused", "traceback"))
    print(f"inputs: {total} in {time.monotonic() - started:.0f} s")
    for key_ in ("imported", "refused", "traceback", "partial", "formula_unescaped"):
        print(f"  {key_:18} {counts[key_]}")
    for line in problems[:20]:
        print("   ", line)
    bad = counts["traceback"] + counts["partial"] + counts["formula_unescaped"]
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main_())
