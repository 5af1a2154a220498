"""Shared page layout of every record PDF: styles, footer with the audit anchor, metadata."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Table, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from fieldvisit.domain.records import PrintMeta
from fieldvisit.i18n import translate
from fieldvisit.reports.fonts import FontChoice, cjk_font

MARGIN = 16 * mm
MAX_PASSES = 3


@dataclass(frozen=True)
class Styles:
    font: FontChoice
    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle


def make_styles(font: FontChoice | None = None) -> Styles:
    chosen = font or cjk_font()
    name = chosen.name
    # wordWrap CJK: Chinese has no spaces, so lines may break between any two characters.
    body = ParagraphStyle("body", fontName=name, fontSize=9.5, leading=13, wordWrap="CJK")
    return Styles(
        font=chosen,
        title=ParagraphStyle("title", parent=body, fontSize=16, leading=21, spaceAfter=4),
        heading=ParagraphStyle(
            "heading", parent=body, fontSize=11.5, leading=15, spaceBefore=7, spaceAfter=3
        ),
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5),
        cell=ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11),
    )


def is_dry(canvas: Canvas) -> bool:
    """True during a layout-only pass of a document with a table of contents."""
    return bool(getattr(getattr(canvas, "_doctemplate", None), "dry", False))


class LayoutTable(Table):  # type: ignore[misc]
    """A table that skips drawing during layout-only passes: only its size matters there."""

    def draw(self) -> None:
        if not is_dry(self.canv):
            super().draw()


def grid_table(
    styles: Styles, rows: Sequence[Sequence[Any]], widths: Sequence[float], header: bool
) -> Table:
    table = LayoutTable(list(rows), colWidths=list(widths), repeatRows=1 if header else 0)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), styles.font.name),
        ("FONTSIZE", (0, 0), (-1, -1), styles.cell.fontSize),
        ("LEADING", (0, 0), (-1, -1), styles.cell.leading),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa4b1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ebf1")))
    else:
        commands.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f1f4f7")))
    table.setStyle(TableStyle(commands))
    return table


class RecordDocTemplate(BaseDocTemplate):  # type: ignore[misc]
    """A4 pages whose footer carries the printer, time, page number and audit anchor; headings
    marked ``toc_level`` feed the table of contents."""

    def __init__(self, buffer: BytesIO, meta: PrintMeta, styles: Styles) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + 8 * mm,
            title=meta.title,
            author=meta.printed_by,
            subject=meta.subject or meta.title,
            creator="FieldVisit",
            keywords=list(meta.keywords),
            lang="zh-CN" if meta.lang == "zh" else "en",
        )
        self._meta = meta
        self._styles = styles
        self.dry = False
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._footer)])

    def build_with_toc(self, story: list[Flowable], toc: TableOfContents, buffer: BytesIO) -> None:
        """Lay out until the contents' page numbers settle, then draw once.

        multiBuild draws every pass (three for a long binder: the contents' own pages shift the
        rest); layout-only passes skip the drawing, which is most of the work.
        """
        self._indexingFlowables = [toc]  # where notify() delivers the TOC entries
        for _attempt in range(MAX_PASSES):
            # The first dry pass sizes the contents, the second finds the pages it points to.
            self.dry, self._doSave = True, 0
            for _dry_pass in range(2):
                toc.beforeBuild()
                self.build(list(story))
            self.dry, self._doSave = False, 1
            buffer.seek(0)
            buffer.truncate()
            toc.beforeBuild()
            self.build(list(story))
            if toc.isSatisfied():
                return
        raise RuntimeError("the table of contents did not settle")

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802
        level = getattr(flowable, "toc_level", None)
        if level is not None:
            text = flowable.getPlainText()
            key = f"toc-{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=True)
            self.notify("TOCEntry", (level, text, self.page, key))

    def _footer(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        if self.dry:
            return
        meta, lang = self._meta, self._meta.lang
        canvas.saveState()
        canvas.setFont(self._styles.font.name, 7)
        canvas.setFillColor(colors.HexColor("#44505c"))
        printed = translate(
            "records.pdf.footer",
            lang,
            who=meta.printed_by,
            at=f"{meta.printed_at.astimezone(ZoneInfo(meta.timezone)):%Y-%m-%d %H:%M} "
            + meta.timezone,
            page=doc.page,
        )
        anchor = translate(
            "records.pdf.anchor", lang, seq=meta.anchor.seq, hash=meta.anchor.entry_hash
        )
        canvas.drawString(MARGIN, MARGIN + 3 * mm, printed)
        canvas.drawString(MARGIN, MARGIN - 0.5 * mm, anchor)
        canvas.restoreState()


def toc_flowable(styles: Styles) -> TableOfContents:
    toc = TableOfContents()
    toc.levelStyles = [
        ParagraphStyle("toc0", parent=styles.body, fontSize=9.5, leftIndent=0, leading=13),
        ParagraphStyle("toc1", parent=styles.body, fontSize=8.5, leftIndent=12, leading=11),
    ]
    return toc
