"""Generators of realistic import files (CSV in several encodings, XLSX) for the import tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.import_cells import id_number_checksum

# The addresses are in Shanghai and the file says so: an import never guesses a zone.
CASE_HEADERS = ("案件编号", "姓名", "身份证号", "手机号", "家庭住址", "单位地址", "逾期金额",
                "逾期天数", "状态", "委案日期", "时区")  # fmt: skip
CONTACT_HEADERS = ("记录编号", "案件编号", "方式", "联系时间", "是否接通", "结果")
PAYMENT_HEADERS = ("还款流水号", "案件编号", "还款金额", "还款日期", "还款方式")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def clock() -> FixedClock:
    return FixedClock(NOW)


def id_number(index: int) -> str:
    birth = date(1970, 1, 1) + timedelta(days=index % 15000)
    body = f"310101{birth:%Y%m%d}{index % 1000:03d}"
    return body + id_number_checksum(body)


def case_row(index: int, *, amount: str | None = None, state: str = "正常") -> list[str]:
    return [
        f"WA{index:06d}",
        f"张{'三四五六七'[index % 5]}{index}",
        id_number(index),
        f"139{index:08d}",
        f"上海市浦东新区世纪大道{index % 900 + 1}号{index % 30 + 1}0{index % 4 + 1}室",
        "上海市黄浦区南京东路100号" if index % 3 == 0 else "",
        amount or f"{1000 + index % 9000}.{index % 100:02d}",
        str(30 + index % 300),
        state,
        "2026-10-01",
        "Asia/Shanghai",
    ]


def case_rows(count: int, start: int = 1) -> list[list[str]]:
    return [case_row(i) for i in range(start, start + count)]


def contact_rows(count: int, cases: int) -> list[list[str]]:
    return [
        [f"C{i:07d}", f"WA{(i % cases) + 1:06d}", ("电话", "短信", "信函", "外访")[i % 4],
         f"2026-11-{1 + i % 28:02d} {9 + i % 10:02d}:{i % 60:02d}", ("是", "否")[i % 2], "承诺还款"]
        for i in range(count)
    ]  # fmt: skip


def payment_rows(count: int, cases: int) -> list[list[str]]:
    return [
        [f"P{i:07d}", f"WA{(i % cases) + 1:06d}", f"{100 + i}.50", f"2026-11-{1 + i % 28:02d}",
         "银行转账"]
        for i in range(count)
    ]  # fmt: skip


def csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[str]], encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_csv(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[str]], encoding: str = "utf-8"
) -> Path:
    path.write_bytes(csv_bytes(headers, rows, encoding))
    return path


def write_xlsx(path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("委案清单")
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path
