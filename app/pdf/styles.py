"""The documents' fonts, paper sizes and paragraph styles, and text marked up per font.

Every glyph comes from a font file bundled under resources/fonts and embedded (subset) in the
PDF: DejaVu Sans for text, DejaVu Sans Mono for commands, Droid Sans Fallback for what
DejaVu lacks (Chinese, Japanese, Korean). A run of text switches to the fallback face only
for the characters the main face has no glyph for, so Latin text keeps DejaVu's look.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app import fonts
from app.resources import resource

REGULAR, BOLD = fonts.REGULAR, fonts.BOLD
MONO = "GantryMono"
CJK = "GantryCJK"
_EXTRA = {MONO: "fonts/DejaVuSansMono.ttf", CJK: "fonts/DroidSansFallback.ttf"}
PAPERS = {"a4": A4, "letter": LETTER}
INK = HexColor("#1f2933")
MUTED = HexColor("#52606d")
RULE = HexColor("#9aa5b1")
HEADER_FILL = HexColor("#e4e7eb")


@cache
def register() -> None:
    """Register every face with reportlab (once)."""
    fonts.register()
    for name, relative in _EXTRA.items():
        pdfmetrics.registerFont(TTFont(name, str(resource(relative))))


@cache
def _glyphs(face: str) -> frozenset[int]:
    register()
    font = pdfmetrics.getFont(face)
    return frozenset(font.face.charToGlyph)  # type: ignore[attr-defined]


def runs(text: str, face: str = REGULAR) -> Iterator[tuple[str, str]]:
    """(face, text) runs: `face` where it has the glyph, the CJK fallback where it does not."""
    have = _glyphs(face)
    start, current = 0, face
    for n, char in enumerate(text):
        wanted = face if ord(char) in have or char in "\n\t" else CJK
        if wanted != current and n > start:
            yield current, text[start:n]
            start = n
        current = wanted
    if start < len(text):
        yield current, text[start:]


def markup(text: str, face: str = REGULAR) -> str:
    """`text` as Paragraph markup: escaped, line breaks kept, fallback runs in their font."""
    parts = []
    for run_face, run in runs(text, face):
        body = escape(run).replace("\n", "<br/>")
        parts.append(body if run_face == face else f'<font name="{run_face}">{body}</font>')
    return "".join(parts)


def needs_fallback(text: str, face: str = REGULAR) -> bool:
    have = _glyphs(face)
    return any(ord(c) not in have for c in text if c not in "\n\t")


@cache
def style(name: str) -> ParagraphStyle:
    """The named paragraph style (one object per name, made once: building styles per cell
    is a measurable part of a long table's cost)."""
    register()
    base = ParagraphStyle(
        "body", fontName=REGULAR, fontSize=9, leading=11.5, textColor=INK, spaceAfter=4
    )
    styles = {
        "body": base,
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10, spaceAfter=0),
        "cell-bold": ParagraphStyle("cell-bold", base, fontName=BOLD, fontSize=8, leading=10),
        "mono": ParagraphStyle("mono", base, fontName=MONO, fontSize=7.5, leading=9.5),
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=9, textColor=MUTED),
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=22, leading=27),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=13, leading=17, textColor=MUTED),
        "h1": ParagraphStyle(
            "h1", base, fontName=BOLD, fontSize=14, leading=18, spaceBefore=6, spaceAfter=8
        ),
        "h2": ParagraphStyle(
            "h2", base, fontName=BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4
        ),
        "toc": ParagraphStyle("toc", base, fontSize=10, leading=16),
    }
    return styles[name]
