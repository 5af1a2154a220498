"""The CJK font of every PDF: a TrueType font embedded as a subset, or the built-in CID fallback."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

ENV_FONT = "FIELDVISIT_PDF_FONT"
FALLBACK_FONT = "STSong-Light"
FONT_NAME = "FieldVisitCJK"

_log = logging.getLogger(__name__)

# (path, sub-font index of a .ttc collection). TrueType outlines only: reportlab cannot embed
# CFF (.otf) fonts, so Source Han / Noto CJK .otf files are skipped on purpose.
_WINDOWS = (("msyh.ttc", 0), ("msyh.ttf", 0), ("simsun.ttc", 0), ("simhei.ttf", 0))
_MACOS = (
    ("/Library/Fonts/Arial Unicode.ttf", 0),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),
    ("/System/Library/Fonts/STHeiti Medium.ttc", 0),
    ("/System/Library/Fonts/Hiragino Sans GB.ttc", 0),
)
_LINUX = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/google-droid/DroidSansFallback.ttf", 0),
)


@dataclass(frozen=True)
class FontChoice:
    """The registered font name; ``path`` is None for the built-in CID fallback."""

    name: str
    path: Path | None
    subfont_index: int = 0

    @property
    def embedded(self) -> bool:
        return self.path is not None


def candidates(configured: str | None = None) -> list[tuple[Path, int]]:
    """Font files to try in order: the configured one, then the platform's known CJK fonts.

    A configured value may name a sub-font of a collection as ``path.ttc#1``.
    """
    found: list[tuple[Path, int]] = []
    if configured:
        path, _, index = configured.partition("#")
        found.append((Path(path).expanduser(), int(index or 0)))
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        found += [(windir / name, index) for name, index in _WINDOWS]
    elif sys.platform == "darwin":
        found += [(Path(name), index) for name, index in _MACOS]
    else:
        found += [(Path(name), index) for name, index in _LINUX]
    return found


def _try_truetype(path: Path, index: int) -> FontChoice | None:
    if not path.is_file() or path.suffix.lower() == ".otf":
        return None
    try:
        font = TTFont(FONT_NAME, str(path), subfontIndex=index)
    except (TTFError, OSError, ValueError) as exc:
        _log.info("font %s#%d not usable: %s", path, index, exc)
        return None
    pdfmetrics.registerFont(font)
    return FontChoice(FONT_NAME, path, index)


@cache
def cjk_font(configured: str | None = None, *, discover: bool = True) -> FontChoice:
    """Register and return the CJK font; reportlab embeds only the glyphs a document uses."""
    tried = candidates(configured or os.environ.get(ENV_FONT)) if discover else []
    for path, index in tried:
        choice = _try_truetype(path, index)
        if choice is not None:
            return choice
    _log.warning(
        "no TrueType CJK font found (set %s to a .ttf/.ttc file); using the built-in %s, "
        "which PDF readers must supply themselves",
        ENV_FONT,
        FALLBACK_FONT,
    )
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FontChoice(FALLBACK_FONT, None)
