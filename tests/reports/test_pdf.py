"""Record PDFs: Chinese text extractable with an embedded or a fallback font, QR code decodable."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from fieldvisit.reports.documents import render_binder, render_case_history, render_visit_record
from fieldvisit.reports.fonts import FALLBACK_FONT, candidates, cjk_font
from tests.reports.factories import many_records, sample_meta, sample_record

CHINESE = (
    "外访记录",
    "债务人表示下月初还款，态度配合。",
    "浦东外访一组",
    "计划时的合规检查",
    "签到",
)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _font_files(pdf: bytes) -> list[str]:
    """The names of the fonts a PDF embeds (a font file in its descriptor)."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                found.append(str(target["/BaseFont"]))
    return found


def test_chinese_text_is_extractable_with_the_embedded_font() -> None:
    font = cjk_font()
    assert font.embedded, "fonts-wqy-zenhei is installed here; discovery must find it"
    pdf = render_visit_record(sample_record(), sample_meta(), font)
    text = _text(pdf)
    for phrase in CHINESE:
        assert phrase in text
    assert _font_files(pdf), "the TrueType font must be embedded (as a subset)"


def test_every_character_has_a_glyph_in_the_embedded_font() -> None:
    font = cjk_font()
    face = pdfmetrics.getFont(font.name).face
    text = _text(render_visit_record(sample_record(), sample_meta(), font))
    missing = {c for c in text if not c.isspace() and face.charToGlyph.get(ord(c), 0) == 0}
    assert missing == set()


def test_without_a_font_file_the_builtin_cid_font_is_used_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cjk_font.cache_clear()
    with caplog.at_level(logging.WARNING, logger="fieldvisit.reports.fonts"):
        font = cjk_font(discover=False)
    cjk_font.cache_clear()
    assert font.name == FALLBACK_FONT
    assert not font.embedded
    assert "no TrueType CJK font found" in caplog.text
    text = _text(render_visit_record(sample_record(), sample_meta(), font))
    for phrase in CHINESE:
        assert phrase in text


def test_a_configured_collection_names_its_sub_font(tmp_path: Path) -> None:
    path, index = candidates(str(tmp_path / "fonts.ttc") + "#2")[0]
    assert (path.name, index) == ("fonts.ttc", 2)


def test_cff_fonts_are_skipped(tmp_path: Path) -> None:
    otf = tmp_path / "NotoSansCJK.otf"
    otf.write_bytes(b"OTTO")
    cjk_font.cache_clear()
    try:
        assert cjk_font(str(otf)).path != otf
    finally:
        cjk_font.cache_clear()


def test_metadata_is_set() -> None:
    meta = sample_meta()
    info = PdfReader(io.BytesIO(render_visit_record(sample_record(), meta))).metadata
    assert info is not None
    assert (info.title, info.author, info.creator) == (meta.title, meta.printed_by, "FieldVisit")


def test_every_page_carries_the_verification_code_and_the_anchor() -> None:
    record = sample_record()
    text = _text(render_visit_record(record, sample_meta()))
    assert record.code in text
    assert "审计链锚点：序号 1234" in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_the_qr_code_decodes_to_the_record_id_and_hash(tmp_path: Path) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    record = sample_record()
    source = tmp_path / "record.pdf"
    source.write_bytes(render_visit_record(record, sample_meta()))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(source), str(tmp_path / "p")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("p*.png")))
    texts = [result.text for result in zxingcpp.read_barcodes(image)]
    assert texts == [record.qr]
    assert texts[0] == f"FVREC:{record.record_id}:{record.content_hash.upper()}"


def test_a_case_history_holds_every_record() -> None:
    records = many_records(3)
    text = _text(render_case_history("WA202600001", records, sample_meta()))
    assert "案件 WA202600001 外访历史（共 3 条记录）" in text
    assert all(r.code in text for r in records)


def test_a_binder_has_a_table_of_contents_with_page_numbers() -> None:
    records = many_records(6)
    pdf = render_binder(date(2026, 11, 1), date(2026, 11, 30), records, sample_meta())
    reader = PdfReader(io.BytesIO(pdf))
    first_page = reader.pages[0].extract_text()
    assert "目录" in first_page
    assert "外访记录 WA202600003" in first_page
    assert len(reader.pages) >= 7
    # The page number the contents give for the last record is the page that holds it.
    title = "外访记录 WA202600006 · 记录 6（第 1 版）"
    lines = first_page.splitlines()
    # pypdf extracts each entry's dotted leader and page number just before its text.
    page = int(lines[lines.index(title) - 1].split()[-1])
    assert title in reader.pages[page - 1].extract_text()
    assert [o.title for o in reader.outline if not isinstance(o, list)][:1] == ["2026-11-20"]
