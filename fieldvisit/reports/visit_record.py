"""The flowables of one printed visit record: facts, checks, approvals, safety log, QR code."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from fieldvisit.domain.money import format_money
from fieldvisit.domain.records import VisitRecordDoc
from fieldvisit.i18n import catalogue, decision_reason, translate
from fieldvisit.reports.layout import LayoutTable, Styles, grid_table, is_dry

QR_SIZE = 30 * mm
LABEL_W = 32 * mm
# Cells up to this many characters fit their column on one line in every table here.
SHORT_CELL = 18


class Heading(Paragraph):  # type: ignore[misc]
    """A paragraph that the binder's table of contents lists."""

    def __init__(self, text: str, style: object, toc_level: int) -> None:
        super().__init__(text, style)
        self.toc_level = toc_level


def _t(key: str, lang: str, **params: object) -> str:
    return translate(f"records.pdf.{key}", lang, **params)


def _p(text: object, style: object) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)), style)


def _c(text: object, style: object) -> str | Paragraph:
    """A table cell: short text as a plain string (cheap to lay out), long text wraps."""
    value = "" if text is None else str(text)
    return value if len(value) <= SHORT_CELL else _p(value, style)


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    return "—" if value is None else value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _money(value: Decimal | None, currency: str) -> str:
    return format_money(value, currency)


class QrFlowable(Flowable):  # type: ignore[misc]
    """A QR code from reportlab's own encoder, encoded once and drawn as one filled path.

    The QrCodeWidget draws every module as its own shape on every layout pass, which made a
    1,000-record binder several times slower; the encoder and the output are the same.
    """

    def __init__(self, text: str, size: float = QR_SIZE, quiet: int = 2) -> None:
        super().__init__()
        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(text)
        # A fixed mask instead of trying all eight (make()): valid QR, 6x faster to encode, and
        # a short alphanumeric code at 30 mm scans fine with any mask.
        code.version = code.calculate_version()
        code.makeImpl(False, 0)
        count = code.getModuleCount()
        self._runs = _dark_runs([[code.isDark(r, c) for c in range(count)] for r in range(count)])
        self._module = size / (count + 2 * quiet)
        self._quiet = quiet
        self.width = self.height = size

    def draw(self) -> None:
        if is_dry(self.canv):
            return
        canvas, unit, quiet = self.canv, self._module, self._quiet
        path = canvas.beginPath()
        for row, col, length in self._runs:
            top = self.height - (row + quiet + 1) * unit
            path.rect((col + quiet) * unit, top, length * unit, unit)
        canvas.drawPath(path, stroke=0, fill=1)


def _dark_runs(modules: list[list[bool]]) -> list[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules: fewer rectangles."""
    runs: list[tuple[int, int, int]] = []
    for row, line in enumerate(modules):
        col = 0
        while col < len(line):
            if line[col]:
                start = col
                while col < len(line) and line[col]:
                    col += 1
                runs.append((row, start, col - start))
            else:
                col += 1
    return runs


def _facts(doc: VisitRecordDoc, st: Styles, lang: str) -> Table:
    zone = ZoneInfo(doc.timezone)
    rows = [
        ("case", f"{doc.case_number}（{doc.creditor}）" if lang == "zh" else doc.case_number),
        ("debtor", doc.debtor_name),
        ("id_number", doc.debtor_id_number),
        ("phone", doc.debtor_phone),
        ("address", doc.address),
        ("crew", f"{doc.team} / {doc.crew}: {'、'.join(doc.members)}"),
        ("planned", f"{_when(doc.planned_start, zone)} – {_when(doc.planned_end, zone)}"),
        ("actual", f"{_when(doc.arrived_at, zone)} – {_when(doc.departed_at, zone)}"),
        ("profile", f"{doc.rule_profile} {doc.ruleset_version}"),
    ]
    if doc.check_in_flag:
        rows.append(("check_in", check_in_text(doc, lang)))
    cells = [[_t(f"field.{k}", lang), _c(v, st.cell)] for k, v in rows]
    return grid_table(st, cells, [LABEL_W, 182 * mm - LABEL_W - QR_SIZE - 4 * mm], header=False)


def check_in_text(doc: VisitRecordDoc, lang: str) -> str:
    """The check-in's flag in words, with the crew's reason when it gave one."""
    flag = translate(f"records.check_in_flag.{doc.check_in_flag}", lang)
    if not doc.check_in_reason:
        return flag
    return translate("records.check_in_flag.reason", lang, flag=flag, reason=doc.check_in_reason)


def _outcome(doc: VisitRecordDoc, st: Styles, lang: str) -> Table:
    promise = (
        "—"
        if doc.ptp_amount is None
        else f"{_money(doc.ptp_amount, doc.currency)} @ {doc.ptp_date}"
    )
    payment = "—"
    if doc.payment_amount is not None:
        method = doc.payment_method or ""
        if f"safety.method.{method}" in catalogue(lang):  # a method code, not the payer's words
            method = translate(f"safety.method.{method}", lang)
        payment = f"{_money(doc.payment_amount, doc.currency)} {method} {doc.receipt_no or ''}"
    rows = [
        ("person_met", translate(f"records.person_met.{doc.person_met}", lang)),
        ("outcome", translate(f"records.outcome.{doc.outcome_code}", lang)),
        ("promise", promise),
        ("payment", payment),
        ("notes", doc.notes or "—"),
        (
            "next_action",
            f"{translate(f'records.next_action.{doc.next_action}', lang)} @ {doc.next_action_date}",
        ),
        ("evidence", "、".join(doc.evidence) or "—"),
        ("recorded", f"{doc.recorded_by} {_when(doc.recorded_at, ZoneInfo(doc.timezone))}"),
    ]
    cells = [[_t(f"field.{k}", lang), _c(v, st.cell)] for k, v in rows]
    return grid_table(st, cells, [LABEL_W, 182 * mm - LABEL_W], header=False)


def _list_table(
    header: list[str], rows: list[list[str]], widths: list[float], st: Styles, lang: str
) -> Flowable:
    if not rows:
        return _p(_t("none", lang), st.small)
    cells = [list(header)] + [[_c(c, st.cell) for c in r] for r in rows]
    return grid_table(st, cells, widths, header=True)


# Each list section: its title, its columns (message key, share of the width).
SECTION_COLUMNS: dict[str, tuple[tuple[str, float], ...]] = {
    "checks": (("severity", 0.16), ("message", 0.84)),
    "approvals": (("decision", 0.14), ("by", 0.16), ("at", 0.2), ("reason", 0.5)),
    "safety": (("at", 0.25), ("event", 0.45), ("by", 0.3)),
}


def _section_rows(doc: VisitRecordDoc, lang: str) -> dict[str, list[list[str]]]:
    zone = ZoneInfo(doc.timezone)
    return {
        "checks": [
            # The sentence names the rule; its code is for machines (the audit entry keeps it).
            [translate(f"records.severity.{c.severity}", lang), c.message]
            for c in doc.checks
        ],
        "approvals": [
            [
                translate(f"records.decision.{a.decision}", lang),
                a.decided_by,
                _when(a.decided_at, zone),
                decision_reason(a.reason, lang),
            ]
            for a in doc.approvals
        ],
        "safety": [
            [_when(s.at, zone), translate(f"records.safety.{s.kind}", lang), s.actor]
            for s in doc.safety
        ],
    }


def _sections(doc: VisitRecordDoc, st: Styles, lang: str) -> list[Flowable]:
    width = 182 * mm
    flow: list[Flowable] = []
    for name, rows in _section_rows(doc, lang).items():
        columns = SECTION_COLUMNS[name]
        header = [_t(f"col.{key}", lang) for key, _share in columns]
        widths = [share * width for _key, share in columns]
        flow += [_p(_t(f"section.{name}", lang), st.heading),
                 _list_table(header, rows, widths, st, lang)]  # fmt: skip
    return [*flow, _p(_t("section.outcome", lang), st.heading), _outcome(doc, st, lang)]


def record_flowables(
    doc: VisitRecordDoc, st: Styles, lang: str, toc_level: int | None
) -> list[Flowable]:
    """One visit record; with ``toc_level`` its title is listed in the table of contents."""
    title_text = _t(
        "title.record", lang, case=doc.case_number, record=doc.record_id, version=doc.version
    )
    title: Flowable = (
        Heading(escape(title_text), st.heading, toc_level)
        if toc_level is not None
        else _p(title_text, st.title)
    )
    head = LayoutTable(
        [[_facts(doc, st, lang), QrFlowable(doc.qr)]],
        colWidths=[182 * mm - QR_SIZE - 4 * mm, QR_SIZE + 4 * mm],
    )
    head.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    flow: list[Flowable] = [title]
    if doc.supersedes_id is not None:
        flow.append(
            _p(
                _t("correction", lang, old=doc.supersedes_id, reason=doc.correction_reason or ""),
                st.small,
            )
        )
    if doc.anonymised:
        flow.append(_p(_t("anonymised", lang), st.small))
    flow += [head, _p(_t("code", lang, code=doc.code), st.small), Spacer(1, 2 * mm)]
    flow += _sections(doc, st, lang)
    return [KeepTogether(flow[:4]), *flow[4:]]
