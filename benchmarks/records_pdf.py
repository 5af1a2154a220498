"""Record PDF rendering times: a 1,000-visit binder (target < 20 s) and one record (< 0.2 s)."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from fieldvisit.domain.records import (
    AnchorLine,
    ApprovalLine,
    CheckLine,
    PrintMeta,
    SafetyLine,
    VisitRecordDoc,
    record_hash,
)
from fieldvisit.reports.documents import render_binder, render_visit_record
from fieldvisit.reports.fonts import cjk_font

START = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)
BINDER_TARGET, RECORD_TARGET = 20.0, 0.2


def record(number: int) -> VisitRecordDoc:
    """A realistic record: Chinese text in every section, a rule check, an approval, safety log."""
    at = START + timedelta(days=number // 40, minutes=95 * (number % 5))
    return VisitRecordDoc(
        record_id=number, version=1, supersedes_id=None, correction_reason=None,
        case_number=f"WA2026{number:05d}", creditor="示例银行信用卡中心（演示数据）",
        debtor_name="张*", debtor_id_number="310***********123X", debtor_phone="170****5678",
        address="上海市浦东新区****", team="浦东外访一组", crew="浦东甲队",
        members=("李娜", "王强"),
        planned_start=at, planned_end=at + timedelta(minutes=30),
        arrived_at=at + timedelta(minutes=6), departed_at=at + timedelta(minutes=34),
        timezone="Asia/Shanghai", rule_profile="CN", ruleset_version="CN-2026.1",
        checks=(CheckLine("CN.min_gap", "approve", "距上次上门不足七天，需主管审批"),),
        approvals=(
            ApprovalLine("approved", "陈主管", at - timedelta(hours=15), "债务人主动约定时间"),
        ),
        safety=(SafetyLine(at + timedelta(minutes=6), "check_in", "李娜"),
                SafetyLine(at + timedelta(minutes=34), "check_out", "李娜")),
        person_met="debtor", outcome_code="promise_to_pay", ptp_amount=Decimal("3000.00"),
        ptp_date=date(2026, 12, 5), payment_amount=None, payment_method=None, receipt_no=None,
        notes="债务人本人在家，同意按约定日期还款，态度配合。", next_action="await_payment",
        next_action_date=date(2026, 12, 6), evidence=(f"audio/{number:06d}.m4a",),
        recorded_by="李娜", recorded_at=at + timedelta(minutes=37),
        content_hash=record_hash({"visit_id": number}),
    )  # fmt: skip


def meta() -> PrintMeta:
    return PrintMeta("外访记录", "合规专员", datetime(2026, 12, 1, 1, tzinfo=UTC), "zh",
                     AnchorLine(1954, "5d" * 32))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--png", type=Path, help="also render page 1 of one record to this PNG")
    args = parser.parse_args()
    font = cjk_font()
    print(f"font: {font.name} ({font.path or 'built-in, not embedded'})")
    render_visit_record(record(1), meta(), font)  # warm-up: font loading, first subset
    singles = []
    for number in range(1, 21):
        began = time.perf_counter()
        render_visit_record(record(number), meta(), font)
        singles.append(time.perf_counter() - began)
    single = statistics.median(singles)
    records = [record(n) for n in range(1, args.records + 1)]
    began = time.perf_counter()
    pdf = render_binder(date(2026, 11, 1), date(2026, 12, 31), records, meta(), font)
    binder = time.perf_counter() - began
    target_ms = RECORD_TARGET * 1000
    print(f"single record: {single * 1000:.0f} ms (median of 20; target < {target_ms:.0f} ms)")
    print(f"binder of {args.records} records: {binder:.1f} s, {len(pdf) / 1e6:.1f} MB "
          f"(target < {BINDER_TARGET:.0f} s)")  # fmt: skip
    if args.png:
        source = args.png.with_suffix(".pdf")
        source.write_bytes(render_visit_record(record(17), meta(), font))
        subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", str(source),
                        str(args.png.with_suffix(""))], check=True)  # fmt: skip
        source.unlink()
        print(f"page image: {args.png}")


if __name__ == "__main__":
    main()
