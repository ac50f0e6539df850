"""Printing the chart: the pages' shapes painted with QPainter, and the print preview.

The pages and their shapes come from app/ (app.timeline.pages and app.timeline.sheet), the
same ones the PDF and PNG export draw; this painter only turns them into QPainter calls, so a
printed page is the exported page.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from app import fonts
from app.chart_export import ChartDocument
from app.timeline.pdf import measure
from app.timeline.sheet import Clip, Line, Polygon, Rect, Shape, Text, Unclip, page_shapes


@cache
def _family(bold: bool) -> str:
    """The embedded font, loaded from resources/fonts (never a system font)."""
    font_id = QFontDatabase.addApplicationFont(str(fonts.font_file(bold)))
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        raise FileNotFoundError(f"Qt cannot read the font {fonts.font_file(bold)}.")
    return families[0]


def setup_printer(printer: QPrinter, document: ChartDocument) -> None:
    """Landscape paper of the document's size, with no margin of Qt's own (pages have theirs)."""
    layout = document.layout
    size = QPageSize(QSizeF(layout.height, layout.width), QPageSize.Unit.Point, layout.paper)
    printer.setPageLayout(
        QPageLayout(size, QPageLayout.Orientation.Landscape, QMarginsF(0, 0, 0, 0))
    )
    printer.setFullPage(True)
    printer.setDocName(f"{document.content.title} – {document.release.name}")


def print_chart(printer: QPrinter, document: ChartDocument) -> None:
    """Paint every page of the document onto the printer (or the preview's printer)."""
    layout = document.layout
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be started.")
    try:
        for index, page in enumerate(layout.pages):
            if index:
                printer.newPage()
            target = printer.pageLayout().fullRectPixels(printer.resolution())
            painter.save()
            painter.scale(target.width() / layout.width, target.height() / layout.height)
            paint(painter, page_shapes(layout, page, document.content, measure))
            painter.restore()
    finally:
        painter.end()


def paint(painter: QPainter, shapes: Iterable[Shape]) -> None:
    """Draw shapes in points (the painter already maps a point to the device)."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    # A font's point size is converted with the device's resolution, and the painter's scale
    # applies on top: size fonts in units of the painter's own coordinates instead.
    dpi = painter.device().logicalDpiY()
    for shape in shapes:
        if isinstance(shape, Rect):
            rect = QRectF(shape.x0, shape.y0, shape.x1 - shape.x0, shape.y1 - shape.y0)
            painter.setPen(
                QPen(QColor(shape.stroke), shape.width) if shape.stroke else Qt.PenStyle.NoPen
            )
            painter.setBrush(QBrush(QColor(shape.fill)) if shape.fill else Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)
        elif isinstance(shape, Line):
            pen = QPen(QColor(shape.color), shape.width)
            if shape.dash is not None:
                pen.setDashPattern([d / shape.width for d in shape.dash])
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(QPolygonF([QPointF(x, y) for x, y in shape.points]))
        elif isinstance(shape, Polygon):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(QColor(shape.fill)))
            painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in shape.points]))
        elif isinstance(shape, Text):
            if not shape.text:
                continue
            font = QFont(_family(shape.bold))
            font.setBold(shape.bold)
            font.setPointSizeF(shape.size * 72 / dpi)
            painter.setFont(font)
            painter.setPen(QColor(shape.color))
            x = shape.x
            if shape.align != "left":
                width = measure(shape.text, shape.size, shape.bold)
                x -= width if shape.align == "right" else width / 2
            painter.drawText(QPointF(x, shape.y), shape.text)
        elif isinstance(shape, Clip):
            painter.save()
            path = QPainterPath()
            box = shape.box
            path.addRect(QRectF(box.x0, box.y0, box.width, box.height))
            painter.setClipPath(path, Qt.ClipOperation.IntersectClip)
        elif isinstance(shape, Unclip):
            painter.restore()


class ChartPreview(QPrintPreviewDialog):
    """The platform's print preview of the chart; its Print button opens the print dialog."""

    def __init__(self, document: ChartDocument, parent: QWidget | None = None) -> None:
        # The preview does not own its printer: keep it as long as the dialog.
        self.chart_printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        setup_printer(self.chart_printer, document)
        super().__init__(self.chart_printer, parent)
        self.setWindowTitle(f"Print Chart – {document.release.name}")
        self.paintRequested.connect(lambda target: print_chart(target, document))
