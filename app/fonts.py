"""The embedded Unicode font (DejaVu Sans from resources/fonts) for PDFs and images.

No system font is ever read: every PDF and PNG Gantry writes uses these files, so a chart
looks the same on every machine and any name prints, whatever its script.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.resources import resource

REGULAR = "GantrySans"
BOLD = "GantrySans-Bold"
_FILES = {REGULAR: "fonts/DejaVuSans.ttf", BOLD: "fonts/DejaVuSans-Bold.ttf"}


def font_file(bold: bool = False) -> Path:
    return resource(_FILES[BOLD if bold else REGULAR])


@cache
def register() -> None:
    """Register both faces with reportlab (once); its canvas then embeds a subset of each."""
    for name, relative in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource(relative))))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)


def font_name(bold: bool) -> str:
    return BOLD if bold else REGULAR


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How wide ``text`` is at ``size`` points, from the font file's own metrics."""
    register()
    return float(pdfmetrics.stringWidth(text, font_name(bold), size))
