"""The route sheet PDF from plain data: Chinese text, masked data, map, boxes and metadata."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, date, datetime, timedelta

from pypdf import PdfReader

from fieldvisit.domain.map_projection import fit
from fieldvisit.domain.map_scale import nice_distance
from fieldvisit.domain.messages import Message
from fieldvisit.reports.route_sheet import render_route_sheet
from fieldvisit.reports.route_sheet_model import RouteSheetDoc, SheetStop
from tests.reports.factories import sample_meta

START = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
GAP = Message("compliance.min_gap_days.too_soon", {"age": 3, "last": "2026-11-29", "days": 7})


def _stop(seq: int, *, risky: bool = False) -> SheetStop:
    start = START + timedelta(hours=seq)
    return SheetStop(
        seq=seq,
        arrive=start - timedelta(minutes=5),
        start=start,
        end=start + timedelta(minutes=30),
        windows=((START - timedelta(hours=1), START + timedelta(hours=13)),),
        case_number=f"WA2026{seq:05d}",
        debtor="张*",
        address="上海市浦东新区****",
        lat=31.22 + seq / 200,
        lon=121.54 + seq / 300,
        risk_tier="high" if risky else "low",
        daylight_only=risky,
        two_person=risky,
        precautions=("safety.check.dog", "从侧门进入") if risky else (),
        exceptions=(GAP,) if risky else (),
        approval="approved" if risky else "none",
    )


def sample_sheet(stops: int = 6) -> RouteSheetDoc:
    return RouteSheetDoc(
        round_id=7,
        version=3,
        status="approved",
        team="浦东外访一组",
        crew="浦东甲队",
        members=("李娜", "王强"),
        plan_date=date(2026, 12, 2),
        timezone="Asia/Shanghai",
        depart=START - timedelta(minutes=30),
        return_=START + timedelta(hours=9),
        base=(31.2215, 121.544),
        approver="张经理",
        approved_at=START - timedelta(hours=12),
        approval_reason="例外已核实",
        rule_profile="CN",
        ruleset_version="2026.1",
        travel_seconds=3120,
        travel_meters=22_800,
        stops=tuple(_stop(i + 1, risky=i == 1) for i in range(stops)),
    )


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_sheet_shows_crew_date_approver_and_every_stop_in_chinese() -> None:
    pages = _pages(render_route_sheet(sample_sheet(), sample_meta()))
    first, text = pages[0], "\n".join(pages)
    assert "外访路线单 · 浦东甲队 · 2026-12-02" in first
    assert "张经理" in first
    assert "例外已核实" in first
    assert "出发/返回" in first  # the map's start/end marker is drawn on the first page
    for seq in range(1, 7):
        assert f"WA2026{seq:05d}" in text
    assert "到达 09:55" in text  # stop 1: ETA in the crew's time zone
    assert "08:00–22:00" in text  # its allowed window
    assert "高风险" in text
    assert "须两人同行" in text
    assert "从侧门进入" in text
    assert "犬只" in text  # a checklist message id is translated
    assert "主管已审批的例外：上次上门在3天前" in text.replace("\n", "")  # wrapped in its cell
    assert "CN." not in text  # a rule is named by its sentence, never its code
    assert "时间均为 Asia/Shanghai" in first
    assert "签到" in text
    assert "签退" in text
    assert "外访员签名" in text


def test_personal_data_arrives_masked_and_stays_masked() -> None:
    text = "\n".join(_pages(render_route_sheet(sample_sheet(), sample_meta())))
    assert "张*" in text  # the positive control: the masked form is printed
    assert "上海市浦东新区****" in text


def test_metadata_and_english() -> None:
    meta = sample_meta("en")
    pdf = render_route_sheet(sample_sheet(), meta)
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    assert (info.title, info.author, info.creator) == (meta.title, meta.printed_by, "FieldVisit")
    assert "Route sheet · 浦东甲队 · 2026-12-02" in _pages(pdf)[0]


def test_a_long_round_flows_onto_more_pages() -> None:
    assert len(_pages(render_route_sheet(sample_sheet(14), sample_meta()))) >= 2


def test_the_projection_fits_every_point_and_keeps_north_up() -> None:
    points = [(31.20, 121.50), (31.30, 121.60), (31.25, 121.55)]
    projection = fit(points, 400, 300, 20)
    xy = [projection.project(lat, lon) for lat, lon in points]
    assert all(20 - 1e-6 <= x <= 380 + 1e-6 and 20 - 1e-6 <= y <= 280 + 1e-6 for x, y in xy)
    assert xy[1][1] < xy[0][1]  # further north is higher up
    assert nice_distance(1234) == 1000
    assert nice_distance(0) == 0


def test_an_exception_is_called_approved_only_once_it_was_approved() -> None:
    """Issue 20 item 5: a round not yet approved said "Approved exceptions: CN.min_gap_days"."""
    sheet = sample_sheet(3)
    waiting = tuple(
        dataclasses.replace(stop, approval="pending") if stop.exceptions else stop
        for stop in sheet.stops
    )
    draft = dataclasses.replace(
        sheet, status="submitted", approver=None, approved_at=None, stops=waiting
    )
    text = " ".join("\n".join(_pages(render_route_sheet(draft, sample_meta("en")))).split())
    assert "Not approved yet" in text
    assert "approved by the manager" not in text
    assert "Needs the manager's approval (not approved yet): The last visit was" in text
