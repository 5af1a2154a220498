"""The printed route sheet: crew, date, approver, the map, one block per stop, signatures."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from fieldvisit.domain.map_projection import MapStop
from fieldvisit.domain.records import PrintMeta
from fieldvisit.i18n import catalogue, render, translate
from fieldvisit.reports.fonts import FontChoice
from fieldvisit.reports.layout import RecordDocTemplate, Styles, grid_table, make_styles
from fieldvisit.reports.route_sheet_map import route_drawing
from fieldvisit.reports.route_sheet_model import RouteSheetDoc, SheetStop

WIDTH = 178 * mm
MAP_HEIGHT = 88 * mm
# Columns of a stop block: order, times, windows, case and address, risk, check-in/out.
STOP_COLUMNS = (("seq", 0.06), ("time", 0.15), ("window", 0.15), ("case", 0.27),
                ("risk", 0.21), ("check", 0.16))  # fmt: skip


def _t(key: str, lang: str, **params: object) -> str:
    return translate(f"sheet.{key}", lang, **params)


def _p(text: str, style: object) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _hm(value: datetime | None, zone: ZoneInfo) -> str:
    return "—" if value is None else value.astimezone(zone).strftime("%H:%M")


def render_route_sheet(
    doc: RouteSheetDoc, meta: PrintMeta, font: FontChoice | None = None
) -> bytes:
    """A crew's day as PDF bytes (A4, the CJK font embedded, metadata from ``meta``)."""
    styles = make_styles(font)
    lang = meta.lang
    story: list[Flowable] = [
        _p(_t("title", lang, crew=doc.crew, date=doc.plan_date.isoformat()), styles.title),
        _header(doc, styles, lang),
        Spacer(1, 3 * mm),
        route_drawing(
            _map_stops(doc),
            doc.base,
            WIDTH,
            MAP_HEIGHT,
            styles.font.name,
            _t("base", lang),
        ),
        Spacer(1, 3 * mm),
        _p(_t("stops", lang, count=len(doc.stops)), styles.heading),
    ]
    zone = ZoneInfo(doc.timezone)
    story += [
        _stop_block(stop, styles, lang, zone, first=i == 0) for i, stop in enumerate(doc.stops)
    ]
    story += [Spacer(1, 6 * mm), _signatures(styles, lang)]
    buffer = BytesIO()
    RecordDocTemplate(buffer, meta, styles).build(story)
    return buffer.getvalue()


def _map_stops(doc: RouteSheetDoc) -> list[MapStop]:
    return [
        MapStop(s.lat, s.lon, s.case_number, bool(s.exceptions) and s.approval != "approved")
        for s in doc.stops
        if s.lat is not None and s.lon is not None
    ]


def _header(doc: RouteSheetDoc, st: Styles, lang: str) -> Table:
    zone = ZoneInfo(doc.timezone)
    approver = _t("not_approved", lang)
    if doc.approver is not None:
        approver = _t(
            "approved_by",
            lang,
            who=doc.approver,
            at=doc.approved_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if doc.approved_at
            else "",
            reason=doc.approval_reason or "",
        )
    rows = [
        ("crew", f"{doc.team} / {doc.crew}: {'、'.join(doc.members)}"),
        ("date", f"{doc.plan_date.isoformat()}  {_hm(doc.depart, zone)}–{_hm(doc.return_, zone)}"
                 f"  ({_t('zone', lang, zone=doc.timezone)})"),
        ("status", translate(f"plan_ui.round_status.{doc.status}", lang)
         + f"  ·  {_t('round', lang, round=doc.round_id, version=doc.version)}"),
        ("approver", approver),
        ("travel", _t("travel_total", lang, minutes=doc.travel_seconds // 60,
                      km=f"{doc.travel_meters / 1000:.1f}")),
        ("rules", f"{doc.rule_profile} {doc.ruleset_version}"),
    ]  # fmt: skip
    if doc.rules_changed:
        rows.append(("note", _t("rules_changed", lang)))
    cells = [[_t(f"field.{key}", lang), _p(value, st.cell)] for key, value in rows]
    return grid_table(st, cells, [28 * mm, WIDTH - 28 * mm], header=False)


def _risk_text(stop: SheetStop, lang: str) -> str:
    known = catalogue(lang)
    lines = [translate(f"safety.tier.{stop.risk_tier}", lang)]
    if stop.daylight_only:
        lines.append(_t("daylight_only", lang))
    if stop.two_person:
        lines.append(_t("two_person", lang))
    lines += [translate(p, lang) if p in known else p for p in stop.precautions]
    if stop.exceptions:
        # Only an approval on record makes an exception "approved"; before that it waits.
        state = {"approved": "approved", "rejected": "rejected"}.get(stop.approval, "pending")
        reasons = "; ".join(render(message, lang) for message in stop.exceptions)
        lines.append(_t(f"exceptions.{state}", lang, reasons=reasons))
    return "\n".join(lines)


def _stop_block(stop: SheetStop, st: Styles, lang: str, zone: ZoneInfo, first: bool) -> Flowable:
    windows = "\n".join(f"{_hm(a, zone)}–{_hm(b, zone)}" for a, b in stop.windows) or "—"
    times = (
        _t("eta", lang, eta=_hm(stop.arrive, zone))
        + "\n"
        + (f"{_hm(stop.start, zone)}–{_hm(stop.end, zone)}")
    )
    check = _t("check_boxes", lang)
    row = [
        _p(str(stop.seq), st.heading),
        _p(times, st.cell),
        _p(windows, st.cell),
        _p(f"{stop.case_number}  {stop.debtor}\n{stop.address}", st.cell),
        _p(_risk_text(stop, lang), st.cell),
        _p(check, st.cell),
    ]
    outcome = _p(_t("outcome_line", lang), st.cell)
    rows = [row, [outcome, "", "", "", "", ""]]
    if first:
        rows.insert(0, [_t(f"col.{key}", lang) for key, _share in STOP_COLUMNS])
    table = Table(rows, colWidths=[share * WIDTH for _key, share in STOP_COLUMNS])
    last = len(rows) - 1
    style = [
        ("FONTNAME", (0, 0), (-1, -1), st.font.name),
        ("FONTSIZE", (0, 0), (-1, -1), st.cell.fontSize),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa4b1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("SPAN", (0, last), (-1, last)),
        ("BOTTOMPADDING", (0, last), (-1, last), 14),
    ]
    if first:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ebf1")))
    table.setStyle(TableStyle(style))
    return KeepTogether([table])


def _signatures(st: Styles, lang: str) -> Table:
    rows = [
        [_t("sign.collector", lang), "", _t("sign.date", lang), ""],
        [_t("sign.approver", lang), "", _t("sign.date", lang), ""],
    ]
    table = Table(rows, colWidths=[34 * mm, 74 * mm, 20 * mm, 50 * mm], rowHeights=12 * mm)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), st.font.name),
                ("FONTSIZE", (0, 0), (-1, -1), st.body.fontSize),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
                ("LINEBELOW", (3, 0), (3, -1), 0.6, colors.black),
            ]
        )
    )
    return table
