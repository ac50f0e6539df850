"""The printed chart as a PDF: each page's shapes drawn by reportlab, in the embedded font."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from app import fonts
from app.timeline.pages import PageLayout
from app.timeline.sheet import (
    ChartContent,
    Clip,
    Line,
    Polygon,
    Rect,
    Shape,
    Text,
    Unclip,
    page_shapes,
)

Progress = Callable[[int, int], None]


def measure(text: str, size: float, bold: bool) -> float:
    return fonts.text_width(text, size, bold)


def write_pdf(
    path: Path,
    layout: PageLayout,
    content: ChartContent,
    *,
    progress: Progress | None = None,
) -> None:
    """Write every page of ``layout`` to ``path``."""
    fonts.register()
    # The initial font is the embedded one too: reportlab would otherwise name Helvetica,
    # a font the reader has to find on its own system.
    canvas = Canvas(
        str(path),
        pagesize=(layout.width, layout.height),
        pageCompression=1,
        # types-reportlab declares this a float; reportlab takes a font name.
        initialFontName=fonts.REGULAR,  # type: ignore[arg-type]
        initialFontSize=7,
    )
    canvas.setTitle(f"{content.title}: {content.subtitle}")
    canvas.setAuthor("Gantry")
    canvas.setCreator("Gantry")
    canvas.setSubject("Gantt chart")
    total = len(layout.pages)
    for done, page in enumerate(layout.pages, start=1):
        draw(canvas, layout.height, page_shapes(layout, page, content, measure))
        canvas.showPage()
        if progress is not None:
            progress(done, total)
    canvas.save()


def draw(canvas: Canvas, height: float, shapes: Iterable[Shape]) -> None:
    """Draw shapes given with y growing down onto a PDF page, whose y grows up."""
    canvas.setLineJoin(1)
    for shape in shapes:
        if isinstance(shape, Rect):
            stroke = shape.stroke is not None
            if shape.fill is not None:
                canvas.setFillColor(HexColor(shape.fill))
            if shape.stroke is not None:
                canvas.setStrokeColor(HexColor(shape.stroke))
                canvas.setLineWidth(shape.width)
            canvas.rect(
                shape.x0,
                height - shape.y1,
                shape.x1 - shape.x0,
                shape.y1 - shape.y0,
                stroke=int(stroke),
                fill=int(shape.fill is not None),
            )
        elif isinstance(shape, Line):
            canvas.setStrokeColor(HexColor(shape.color))
            canvas.setLineWidth(shape.width)
            canvas.setDash(list(shape.dash) if shape.dash else [])
            path = canvas.beginPath()
            (x, y), *rest = shape.points
            path.moveTo(x, height - y)
            for x, y in rest:
                path.lineTo(x, height - y)
            canvas.drawPath(path, stroke=1, fill=0)
            canvas.setDash([])
        elif isinstance(shape, Polygon):
            canvas.setFillColor(HexColor(shape.fill))
            path = canvas.beginPath()
            (x, y), *rest = shape.points
            path.moveTo(x, height - y)
            for x, y in rest:
                path.lineTo(x, height - y)
            path.close()
            canvas.drawPath(path, stroke=0, fill=1)
        elif isinstance(shape, Text):
            if not shape.text:
                continue
            canvas.setFillColor(HexColor(shape.color))
            canvas.setFont(fonts.font_name(shape.bold), shape.size)
            y = height - shape.y
            if shape.align == "right":
                canvas.drawRightString(shape.x, y, shape.text)
            elif shape.align == "center":
                canvas.drawCentredString(shape.x, y, shape.text)
            else:
                canvas.drawString(shape.x, y, shape.text)
        elif isinstance(shape, Clip):
            canvas.saveState()
            path = canvas.beginPath()
            box = shape.box
            path.rect(box.x0, height - box.y1, box.width, box.height)
            canvas.clipPath(path, stroke=0, fill=0)
        elif isinstance(shape, Unclip):
            canvas.restoreState()
