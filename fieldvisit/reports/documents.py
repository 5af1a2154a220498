"""Record PDFs as pure functions from plain data to bytes: one visit, a case's history, a binder."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer
from reportlab.platypus.tableofcontents import TableOfContents

from fieldvisit.domain.records import PrintMeta, VisitRecordDoc
from fieldvisit.i18n import translate
from fieldvisit.reports.fonts import FontChoice
from fieldvisit.reports.layout import RecordDocTemplate, make_styles, toc_flowable
from fieldvisit.reports.visit_record import Heading, record_flowables


def _build(
    meta: PrintMeta,
    story: list[Flowable],
    font: FontChoice | None,
    toc: TableOfContents | None = None,
) -> bytes:
    buffer = BytesIO()
    template = RecordDocTemplate(buffer, meta, make_styles(font))
    if toc is not None:
        template.build_with_toc(story, toc, buffer)
    else:
        template.build(story)
    return buffer.getvalue()


def render_visit_record(
    record: VisitRecordDoc, meta: PrintMeta, font: FontChoice | None = None
) -> bytes:
    """One visit record on its own."""
    styles = make_styles(font)
    return _build(meta, record_flowables(record, styles, meta.lang, None), font)


def render_case_history(
    case_number: str,
    records: Sequence[VisitRecordDoc],
    meta: PrintMeta,
    font: FontChoice | None = None,
) -> bytes:
    """Every visit record of one case, oldest first, one record per page."""
    styles = make_styles(font)
    title = translate("records.pdf.title.case", meta.lang, case=case_number, count=len(records))
    story: list[Flowable] = [Paragraph(escape(title), styles.title), Spacer(1, 4)]
    for index, record in enumerate(records):
        if index:
            story.append(PageBreak())
        story += record_flowables(record, styles, meta.lang, None)
    if not records:
        story.append(Paragraph(escape(translate("records.pdf.none", meta.lang)), styles.body))
    return _build(meta, story, font)


def render_binder(
    start: date,
    end: date,
    records: Sequence[VisitRecordDoc],
    meta: PrintMeta,
    font: FontChoice | None = None,
) -> bytes:
    """A date range of records behind a table of contents grouped by day."""
    styles = make_styles(font)
    title = translate(
        "records.pdf.title.binder", meta.lang, start=start, end=end, count=len(records)
    )
    toc = toc_flowable(styles)
    story: list[Flowable] = [
        Paragraph(escape(title), styles.title),
        Paragraph(escape(translate("records.pdf.toc", meta.lang)), styles.heading),
        toc,
    ]
    day: date | None = None
    for record in records:
        story.append(PageBreak())
        record_day = record.recorded_at.date()
        if record_day != day:
            day = record_day
            story.append(Heading(escape(day.isoformat()), styles.heading, 0))
        story += record_flowables(record, styles, meta.lang, 1)
    return _build(meta, story, font, toc)
