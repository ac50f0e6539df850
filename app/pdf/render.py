"""Lay a Document out on pages with reportlab: cover, contents, sections, signature page.

One pass: the canvas keeps every page until the end, then draws the running header and
footer ("page x of y") and the contents (whose page numbers are known only then) onto the
pages it reserved for them. Long tables repeat their header row on each page and move a row
that does not fit to the next page whole; a row taller than a page is the one exception and
is split inside itself rather than failing.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as RLTable
from reportlab.platypus.tables import TableStyle

from app.pdf import styles
from app.pdf.cell_text import CellText
from app.pdf.model import Block, Cell, Document, Facts, Heading, Rich, Signer, Table, Text

MARGIN = 18 * mm
HEADER_GAP = 9 * mm  # from the paper's edge to the header and footer lines
PADDING = 3
TOC_LINE = 16  # points per contents line
CHECKBOX = "☐"


@dataclass(frozen=True, slots=True)
class FieldBox:
    """Where a signer's empty signature area is: 0-based page, (x1, y1, x2, y2) in points."""

    signer: Signer
    page: int
    box: tuple[float, float, float, float]


@dataclass(slots=True)
class _Layout:
    """What the canvas learns while the story is laid out, for the pages drawn at the end."""

    document: Document
    size: tuple[float, float]
    contents_pages: int
    entries: list[tuple[str, int]]
    fields: list[FieldBox]


def render(document: Document) -> tuple[bytes, list[FieldBox]]:
    """The PDF's bytes and where each signature area landed."""
    styles.register()
    width, height = styles.PAPERS[document.paper]
    # No frame padding: the margins are the whole border, so what the story is given as its
    # width is what it may fill.
    frame = Frame(
        MARGIN,
        MARGIN,
        width - 2 * MARGIN,
        height - 2 * MARGIN,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    titles = [s.title for s in document.sections] + ["Signatures"]
    per_page = int((frame.height - 40) // TOC_LINE)
    layout = _Layout(document, (width, height), math.ceil(len(titles) / per_page), [], [])
    buffer = io.BytesIO()
    template = _Template(buffer, layout, pagesize=(width, height))
    template.addPageTemplates([PageTemplate("page", [frame])])
    story = _story(document, layout, frame.width, frame.height)
    template.build(story, canvasmaker=_canvas_maker(layout))
    return buffer.getvalue(), layout.fields


class _Template(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, layout: _Layout, **options: Any) -> None:
        cover = layout.document.cover
        super().__init__(
            buffer,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=f"{cover.title}: {cover.release}",
            author="Gantry",
            creator="Gantry",
            subject=f"{cover.title} {cover.document_id} revision {cover.revision}",
            # Same plan, same bytes: no creation time or random id of reportlab's own.
            invariant=1,
            pageCompression=1,
            initialFontName=styles.REGULAR,
            **options,
        )
        self._layout = layout

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's name)
        entry = getattr(flowable, "contents_entry", None)
        if entry is not None:
            self._layout.entries.append((entry, self.page))


def _canvas_maker(layout: _Layout) -> Callable[..., Canvas]:
    def make(*args: Any, **kwargs: Any) -> Canvas:
        # The initial font is an embedded one: reportlab would otherwise name Helvetica, a
        # font the reader has to find on its own system.
        kwargs["initialFontName"] = styles.REGULAR
        return _PagedCanvas(layout, *args, **kwargs)

    return make


class _PagedCanvas(Canvas):
    """Holds every page back until save(), then adds header, footer and contents."""

    def __init__(self, layout: _Layout, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._layout = layout
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            number = self.getPageNumber()
            if number > 1:
                self._furniture(number, total)
            if 2 <= number < 2 + self._layout.contents_pages:
                self._contents(number - 2)
            super().showPage()
        super().save()

    def _furniture(self, number: int, total: int) -> None:
        width, height = self._layout.size
        document = self._layout.document
        self.setStrokeColor(styles.RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, height - HEADER_GAP - 3, width - MARGIN, height - HEADER_GAP - 3)
        self.line(MARGIN, HEADER_GAP + 9, width - MARGIN, HEADER_GAP + 9)
        self.setFillColor(styles.MUTED)
        draw_text(self, MARGIN, height - HEADER_GAP, document.heading, 7.5)
        cover = document.cover
        footer = (
            f"Generated {cover.generated_at:%Y-%m-%d %H:%M} UTC from audit head "
            f"{cover.audit_head[:16]}…"
        )
        draw_text(self, MARGIN, HEADER_GAP, footer, 7.5)
        draw_text(self, width - MARGIN, HEADER_GAP, f"Page {number} of {total}", 7.5, "right")

    def _contents(self, index: int) -> None:
        width, height = self._layout.size
        per_page = int((height - 2 * MARGIN - 40) // TOC_LINE)
        entries = self._layout.entries[index * per_page : (index + 1) * per_page]
        y = height - MARGIN - 40
        self.setFillColor(styles.INK)
        for title, page in entries:
            draw_text(self, MARGIN, y, title, 10)
            draw_text(self, width - MARGIN, y, str(page), 10, "right")
            self.setStrokeColor(styles.RULE)
            self.setDash(1, 2)
            left = MARGIN + text_width(title, 10) + 6
            self.line(left, y, width - MARGIN - text_width(str(page), 10) - 6, y)
            self.setDash()
            y -= TOC_LINE


def text_width(text: str, size: float, face: str = styles.REGULAR) -> float:
    return sum(stringWidth(run, f, size) for f, run in styles.runs(text, face))


def draw_text(
    canvas: Canvas, x: float, y: float, text: str, size: float, align: str = "left"
) -> None:
    """One line in the embedded faces (the fallback face where the main one has no glyph)."""
    if align == "right":
        x -= text_width(text, size)
    for face, run in styles.runs(text):
        canvas.setFont(face, size)
        canvas.drawString(x, y, run)
        x += stringWidth(run, face, size)


# -- the story --------------------------------------------------------------------------------


def _story(document: Document, layout: _Layout, width: float, height: float) -> list[Flowable]:
    story: list[Flowable] = [*_cover(document), PageBreak()]
    for _ in range(layout.contents_pages):
        story += [Paragraph("Contents", styles.style("h1")), PageBreak()]
    for section in document.sections:
        story.append(_heading(section.title))
        for block in section.blocks:
            story.extend(_block(block, width, height))
        story.append(PageBreak())
    story.append(_heading("Signatures"))
    story.append(
        Paragraph(
            styles.markup(
                "Each signer writes their printed name, signs, and writes the date and time "
                "with its time zone, or signs this file digitally with gantry sign (the "
                "signature then shows in the box)."
            ),
            styles.style("body"),
        )
    )
    story.extend(SignatureBlock(signer, width, layout) for signer in document.signers)
    return story


def _heading(title: str) -> Paragraph:
    heading = Paragraph(styles.markup(title), styles.style("h1"))
    heading.contents_entry = title  # type: ignore[attr-defined]
    return heading


def _cover(document: Document) -> Iterator[Flowable]:
    cover = document.cover
    yield Spacer(1, 50 * mm)
    yield Paragraph(styles.markup(cover.title), styles.style("title"))
    yield Paragraph(styles.markup(f"{cover.release} — {cover.plan}"), styles.style("subtitle"))
    yield Spacer(1, 12 * mm)
    facts = (
        ("Plan", cover.plan),
        ("Release", cover.release),
        ("Version", cover.version or "—"),
        ("Document id", cover.document_id),
        ("Revision", str(cover.revision)),
        ("Generated at", f"{cover.generated_at:%Y-%m-%d %H:%M:%S} UTC"),
        ("Audit-chain head", cover.audit_head),
        *cover.facts,
    )
    yield from _facts(Facts(facts), 170 * mm)


def _block(block: Block, width: float, height: float) -> Iterator[Flowable]:
    if isinstance(block, Heading):
        yield Paragraph(styles.markup(block.text), styles.style("h2"))
    elif isinstance(block, Text):
        yield Paragraph(styles.markup(block.text), styles.style(block.style))
    elif isinstance(block, Facts):
        yield from _facts(block, width)
    else:
        yield from _tables(block, width, height)


def _facts(block: Facts, width: float) -> Iterator[Flowable]:
    label = styles.style("cell-bold")
    value = styles.style("cell")
    rows = [
        [Paragraph(styles.markup(k), label), Paragraph(styles.markup(v), value)]
        for k, v in block.pairs
    ]
    table = RLTable(rows, colWidths=[0.28 * width, 0.72 * width], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                # Every cell names its font: a table's default is Helvetica, not embedded.
                ("FONTNAME", (0, 0), (-1, -1), styles.REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, styles.RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    yield table
    yield Spacer(1, 4 * mm)


def _tables(block: Table, width: float, height: float) -> Iterator[Flowable]:
    """The table as one or more reportlab tables: rows taller than a page go into tables of
    their own that may split inside the row; every other row moves to the next page whole."""
    if not block.rows:
        yield Paragraph(styles.markup(block.empty), styles.style("body"))
        return
    widths = [c.width * width for c in block.columns]
    header = [c.header for c in block.columns]
    limit = height - 30  # the frame less the repeated header row
    chunk: list[list[Any]] = []
    for row in block.rows:
        cells = [
            _cell(v, c.wrap, c.mono, w) for v, c, w in zip(row, block.columns, widths, strict=True)
        ]
        if _tall(cells, widths, limit):
            if chunk:
                yield _table([header, *chunk], widths, block.checkbox, split_in_row=False)
                chunk = []
            yield _table([header, cells], widths, block.checkbox, split_in_row=True)
        else:
            chunk.append(cells)
    if chunk:
        yield _table([header, *chunk], widths, block.checkbox, split_in_row=False)
    yield Spacer(1, 4 * mm)


def _table(
    rows: list[list[Any]], widths: Sequence[float], checkbox: bool, split_in_row: bool
) -> RLTable:
    table = RLTable(
        rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT", splitInRow=int(split_in_row)
    )
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, 0), styles.BOLD),
        ("FONTNAME", (0, 1), (-1, -1), styles.REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("TEXTCOLOR", (0, 0), (-1, -1), styles.INK),
        ("BACKGROUND", (0, 0), (-1, 0), styles.HEADER_FILL),
        ("GRID", (0, 0), (-1, -1), 0.4, styles.RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PADDING),
    ]
    if checkbox:
        commands += [
            ("FONTSIZE", (0, 1), (0, -1), 12),
            ("LEADING", (0, 1), (0, -1), 12),
            ("ALIGN", (0, 0), (0, -1), "CENTER"),
        ]
    table.setStyle(TableStyle(commands))
    return table


def _cell(value: Cell, wrap: bool, mono: bool, width: float) -> Any:
    """A plain string where it fits on one line in the main face (the table draws it
    itself); laid-out cell text where it wraps, switches face or has several parts."""
    if isinstance(value, Rich):
        return CellText(value.parts)
    if (
        not wrap
        and not mono
        and "\n" not in value
        and not styles.needs_fallback(value)
        and stringWidth(value, styles.REGULAR, 8) <= width - 2 * PADDING
    ):
        return value
    return CellText((("mono" if mono else "text", value),))


def _tall(cells: Sequence[Any], widths: Sequence[float], limit: float) -> bool:
    """Whether a row is taller than a page (measuring lays the cells out once, for good:
    the table asks again at the same width)."""
    heights = [
        cell.wrap(width - 2 * PADDING, limit)[1] if isinstance(cell, Flowable) else 0.0
        for cell, width in zip(cells, widths, strict=True)
    ]
    return max(heights) + 2 * PADDING > limit


# -- signatures -------------------------------------------------------------------------------


class SignatureBlock(Flowable):
    """One signer's block: role and meaning printed, empty boxes for the signature, the
    printed name and the date and time; the signature box is where the digital signature's
    appearance goes, so its place on the page is recorded."""

    HEIGHT = 150.0
    BOX = 64.0

    def __init__(self, signer: Signer, width: float, layout: _Layout) -> None:
        super().__init__()
        self.signer = signer
        self.width = width
        self.height = self.HEIGHT
        self._layout = layout

    def wrap(self, _available_width: float, _available_height: float) -> tuple[float, float]:
        return self.width, self.HEIGHT

    def draw(self) -> None:
        canvas = self.canv
        top = self.HEIGHT - 12
        canvas.setFillColor(styles.INK)
        number = len(self._layout.fields) + 1
        draw_text(canvas, 0, top, f"{number}. {self.signer.role}", 11)
        meaning = f"Meaning of the signature: {self.signer.meaning}"
        draw_text(canvas, self.width, top, meaning, 9, "right")
        canvas.setStrokeColor(styles.RULE)
        canvas.setLineWidth(0.6)
        box_bottom = top - 8 - self.BOX
        canvas.rect(0, box_bottom, self.width, self.BOX)
        canvas.setFillColor(styles.MUTED)
        draw_text(canvas, 4, box_bottom + self.BOX - 10, "Signature", 7)
        half = (self.width - 12) / 2
        row = box_bottom - 34
        for x, label in ((0, "Printed name"), (half + 12, "Date and time (with time zone)")):
            draw_text(canvas, x + 4, row + 28 - 10, label, 7)
            canvas.rect(x, row, half, 28)
        x1, y1 = canvas.absolutePosition(0, box_bottom)
        x2, y2 = canvas.absolutePosition(self.width, box_bottom + self.BOX)
        page = canvas.getPageNumber() - 1
        self._layout.fields.append(FieldBox(self.signer, page, (x1, y1, x2, y2)))
