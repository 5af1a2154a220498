"""Plain visit-record data for PDF tests, no database needed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from fieldvisit.domain.records import (
    AnchorLine,
    ApprovalLine,
    CheckLine,
    PrintMeta,
    SafetyLine,
    VisitRecordDoc,
    record_hash,
)

START = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def sample_record(record_id: int = 17, *, day: int = 0, masked: bool = False) -> VisitRecordDoc:
    start = START + timedelta(days=day)
    content_hash = record_hash({"visit_id": record_id, "notes": "债务人表示下月初还款"})
    return VisitRecordDoc(
        record_id=record_id,
        version=1,
        supersedes_id=None,
        correction_reason=None,
        case_number=f"WA2026{record_id:05d}",
        creditor="示例银行信用卡中心（演示数据）",
        debtor_name="张*" if masked else "张伟",
        debtor_id_number="310101********123X" if masked else "31010119800101123X",
        debtor_phone="170****5678" if masked else "17012345678",
        address="上海市浦东新区梧桐路***"
        if masked
        else "上海市浦东新区梧桐路88号晨光花园3号楼502室",
        team="浦东外访一组",
        crew="浦东甲队",
        members=("李娜", "王强"),
        planned_start=start,
        planned_end=start + timedelta(minutes=30),
        arrived_at=start + timedelta(minutes=4),
        departed_at=start + timedelta(minutes=31),
        timezone="Asia/Shanghai",
        rule_profile="CN",
        ruleset_version="CN-2026.1",
        checks=(
            CheckLine("cn.min_gap", "approve", "距上次上门不足七天，需主管审批"),
            CheckLine("cn.two_person", "record", "两人同行"),
        ),
        approvals=(
            ApprovalLine("approved", "陈主管", start - timedelta(hours=14), "债务人主动约定时间"),
        ),
        safety=(
            SafetyLine(start + timedelta(minutes=4), "check_in", "李娜"),
            SafetyLine(start + timedelta(minutes=31), "check_out", "李娜"),
        ),
        person_met="debtor",
        outcome_code="promise_to_pay",
        ptp_amount=Decimal("3000.00"),
        ptp_date=date(2026, 12, 5),
        payment_amount=None,
        payment_method=None,
        receipt_no=None,
        notes="债务人表示下月初还款，态度配合。",
        next_action="phone_call",
        next_action_date=date(2026, 12, 6),
        evidence=("audio/2026-11-20-0017.m4a",),
        recorded_by="李娜",
        recorded_at=start + timedelta(minutes=35),
        content_hash=content_hash,
    )


def sample_meta(lang: str = "zh") -> PrintMeta:
    return PrintMeta(
        title="外访记录",
        printed_by="合规专员",
        printed_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
        lang=lang,
        anchor=AnchorLine(1234, "ab" * 32),
    )


def many_records(count: int) -> list[VisitRecordDoc]:
    return [replace(sample_record(i + 1, day=i // 40)) for i in range(count)]
