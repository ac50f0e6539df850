"""Paints chart geometry (app/timeline shapes) with a QPainter: rows, bands, grid, bars, links.

Every function paints only the shapes it is given, which the chart builds for the visible
window alone; nothing here walks the plan.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from app.timeline.background import MARKER_LABELS, Band, BandKind, Marker, MarkerKind
from app.timeline.layout import Bar, BarKind, Connector, RowMetrics
from app.timeline.scale import TierCell
from ui.gantt import palette

ARROW = 4.5  # half the width of an arrow head
LABEL_GAP = 6.0


def rows(
    p: QPainter,
    visible: range,
    metrics: RowMetrics,
    x0: float,
    x1: float,
    selected_rows: Iterable[int],
) -> None:
    """Subtle stripes on every other row, and the selected rows' highlight."""
    for row in visible:
        if row % 2:
            p.fillRect(QRectF(x0, metrics.top(row), x1 - x0, metrics.height), palette.STRIPE)
    for row in selected_rows:
        p.fillRect(QRectF(x0, metrics.top(row), x1 - x0, metrics.height), palette.SELECTED_ROW)


def grid(
    p: QPainter, minor: Iterable[TierCell], major: Iterable[TierCell], y0: float, y1: float
) -> None:
    p.setPen(QPen(palette.GRID_MINOR, 1))
    for cell in minor:
        x = round(cell.x0) + 0.5
        p.drawLine(QPointF(x, y0), QPointF(x, y1))
    p.setPen(QPen(palette.GRID_MAJOR, 1))
    for cell in major:
        x = round(cell.x0) + 0.5
        p.drawLine(QPointF(x, y0), QPointF(x, y1))


def bands(p: QPainter, shown: Iterable[Band], y0: float, y1: float, font: QFont) -> None:
    """Days off, holidays and windows as full-height bands; a window's name along its top."""
    metrics = QFontMetricsF(font)
    p.setFont(font)
    for band in shown:
        rect = QRectF(band.x0, y0, band.x1 - band.x0, y1 - y0)
        p.fillRect(rect, palette.BANDS[band.kind])
        if band.kind in (BandKind.FREEZE, BandKind.BLACKOUT):
            p.fillRect(
                rect, QBrush(palette.BAND_EDGES[band.kind].lighter(125), Qt.BrushStyle.BDiagPattern)
            )
        edge = palette.BAND_EDGES.get(band.kind)
        if edge is not None and band.kind is not BandKind.HOLIDAY:
            p.setPen(QPen(edge, 1, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(band.x0 + 0.5, y0), QPointF(band.x0 + 0.5, y1))
            p.drawLine(QPointF(band.x1 - 0.5, y0), QPointF(band.x1 - 0.5, y1))
        if band.label and band.kind is not BandKind.NONWORKING:
            text = metrics.elidedText(
                band.label, Qt.TextElideMode.ElideRight, band.x1 - band.x0 - 8
            )
            if len(text) > 2:
                p.setPen(palette.BAND_TEXT[band.kind])
                p.drawText(QPointF(band.x0 + 4, y0 + metrics.ascent() + 3), text)


def markers(p: QPainter, shown: Iterable[Marker], y0: float, y1: float, font: QFont) -> None:
    """Release dates as dashed lines (the target solid, with a flag), today in orange; each
    named in a small tag at the foot of the window."""
    metrics = QFontMetricsF(font)
    p.setFont(font)
    taken = -math.inf  # where the last tag ends: a tag that would overlap it is left out
    for marker in sorted(shown, key=lambda m: m.x):
        colour = palette.MARKERS[marker.kind]
        x = round(marker.x) + 0.5
        if marker.kind is MarkerKind.TODAY:
            p.setPen(QPen(colour, 2))
        elif marker.kind is MarkerKind.TARGET:
            p.setPen(QPen(colour, 2))
            flag = QPolygonF([QPointF(x, y0 + 2), QPointF(x + 11, y0 + 6), QPointF(x, y0 + 10)])
            p.setBrush(colour)
            p.drawPolygon(flag)
        else:
            p.setPen(QPen(colour, 1.5, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(x, y0), QPointF(x, y1))
        text = MARKER_LABELS[marker.kind]
        width, height = metrics.horizontalAdvance(text) + 8, metrics.height() + 2
        tag = QRectF(x + 3, y1 - height - 6, width, height)
        if tag.left() < taken + 4:
            continue
        taken = tag.right()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawRoundedRect(tag, 3, 3)
        p.setPen(palette.FEEDBACK_TEXT)
        p.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)
    p.setBrush(Qt.BrushStyle.NoBrush)


def connectors(p: QPainter, shown: Iterable[Connector], critical_on: bool) -> None:
    for link in shown:
        colour = palette.CRITICAL_EDGE if critical_on and link.critical else palette.CONNECTOR
        p.setPen(QPen(colour, 1.3 if critical_on and link.critical else 1.0))
        points = [QPointF(x, y) for x, y in link.points]
        p.drawPolyline(points)
        (ax, ay), (bx, by) = link.points[-2], link.points[-1]
        angle = math.atan2(by - ay, bx - ax)
        tip = QPointF(bx, by)
        back = QPointF(bx - ARROW * 1.6 * math.cos(angle), by - ARROW * 1.6 * math.sin(angle))
        side = QPointF(-math.sin(angle) * ARROW, math.cos(angle) * ARROW)
        p.setBrush(colour)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawPolygon(QPolygonF([tip, back + side, back - side]))
        p.setBrush(Qt.BrushStyle.NoBrush)


def baseline(p: QPainter, bar: Bar, metrics: RowMetrics) -> None:
    if bar.baseline is None:
        return
    top, bottom = metrics.baseline_span(bar.row)
    x0, x1 = bar.baseline
    p.setPen(QPen(palette.BASELINE_EDGE, 1.0))
    p.setBrush(palette.BASELINE)
    if bar.kind is BarKind.MILESTONE:
        r = (bottom - top) / 2 + 1
        mid = (top + bottom) / 2
        p.drawPolygon(
            QPolygonF(
                [
                    QPointF(x0, mid - r),
                    QPointF(x0 + r, mid),
                    QPointF(x0, mid + r),
                    QPointF(x0 - r, mid),
                ]
            )
        )
    else:
        p.drawRect(QRectF(x0, top, max(1.0, x1 - x0), bottom - top))
    p.setBrush(Qt.BrushStyle.NoBrush)


def halo(p: QPainter, shape: Bar) -> None:
    """A glow behind a bar that a what-if would move."""
    if shape.kind is BarKind.MILESTONE:
        r = (shape.y1 - shape.y0) / 2 + 4
        rect = QRectF(shape.x0 - r, shape.middle - r, 2 * r, 2 * r)
    else:
        rect = QRectF(shape.x0, shape.y0, max(2.0, shape.x1 - shape.x0), shape.y1 - shape.y0)
        rect.adjust(-4, -4, 4, 4)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(palette.WHAT_IF)
    p.drawRoundedRect(rect, 4, 4)
    p.setBrush(Qt.BrushStyle.NoBrush)


def bar(p: QPainter, shape: Bar, critical_on: bool, selected: bool) -> float:
    """One bar; returns where its label may start."""
    critical = critical_on and shape.critical
    if shape.kind is BarKind.SUMMARY:
        return _summary(p, shape, critical, selected)
    if shape.kind is BarKind.MILESTONE:
        return _milestone(p, shape, critical, selected)
    rect = QRectF(shape.x0, shape.y0, max(2.0, shape.x1 - shape.x0), shape.y1 - shape.y0)
    if shape.slack_x > shape.x1:
        y = shape.slack_y
        p.setPen(QPen(palette.SLACK, 1.5))
        p.drawLine(QPointF(shape.x1, y), QPointF(shape.slack_x, y))
        p.drawLine(QPointF(shape.slack_x, y - 2.5), QPointF(shape.slack_x, y + 1.5))
    fill = palette.CRITICAL if critical else palette.TASK
    done = palette.CRITICAL_DONE if critical else palette.TASK_DONE
    edge = palette.CRITICAL_EDGE if critical else palette.TASK_EDGE
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(fill)
    p.drawRoundedRect(rect, 2.5, 2.5)
    if shape.progress_x > shape.x0:
        p.setBrush(done)
        done_rect = QRectF(rect)
        done_rect.setRight(shape.progress_x)
        p.drawRoundedRect(done_rect, 2.5, 2.5)
    p.setBrush(Qt.BrushStyle.NoBrush)
    if selected:
        p.setPen(QPen(palette.SELECTED_EDGE, 2))
    elif shape.late_by:
        p.setPen(QPen(palette.LATE, 2))
    else:
        p.setPen(QPen(edge, 1))
    p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 2.5, 2.5)
    return rect.right() + LABEL_GAP


def _summary(p: QPainter, shape: Bar, critical: bool, selected: bool) -> float:
    colour = palette.CRITICAL_DONE if critical else palette.SUMMARY
    h = shape.y1 - shape.y0
    p.setPen(QPen(palette.SELECTED_EDGE, 2) if selected else Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawRect(QRectF(shape.x0, shape.y0, max(2.0, shape.x1 - shape.x0), h))
    p.setPen(Qt.PenStyle.NoPen)
    tip = h * 1.6
    for x, direction in ((shape.x0, 1.0), (shape.x1, -1.0)):
        p.drawPolygon(
            QPolygonF(
                [
                    QPointF(x, shape.y0),
                    QPointF(x + direction * tip * 0.9, shape.y1),
                    QPointF(x, shape.y1 + tip * 0.8),
                ]
            )
        )
    p.setBrush(Qt.BrushStyle.NoBrush)
    return shape.x1 + LABEL_GAP + 2


def _milestone(p: QPainter, shape: Bar, critical: bool, selected: bool) -> float:
    r = (shape.y1 - shape.y0) / 2
    x, y = shape.x0, shape.middle
    diamond = QPolygonF(
        [QPointF(x, y - r), QPointF(x + r, y), QPointF(x, y + r), QPointF(x - r, y)]
    )
    p.setBrush(palette.CRITICAL if critical else palette.MILESTONE)
    if selected:
        p.setPen(QPen(palette.SELECTED_EDGE, 2))
    elif shape.late_by:
        p.setPen(QPen(palette.LATE, 2))
    else:
        p.setPen(Qt.PenStyle.NoPen)
    p.drawPolygon(diamond)
    p.setBrush(Qt.BrushStyle.NoBrush)
    return x + r + LABEL_GAP


def label(p: QPainter, shape: Bar, x: float, font: QFont, bold: QFont) -> None:
    """The item's name right of its bar, and how late it is when it is."""
    p.setFont(bold if shape.kind is BarKind.SUMMARY else font)
    metrics = QFontMetricsF(p.font())
    baseline_y = shape.middle + (metrics.ascent() - metrics.descent()) / 2
    p.setPen(palette.TEXT)
    p.drawText(QPointF(x, baseline_y), shape.label)
    if shape.late_by:
        x += metrics.horizontalAdvance(shape.label) + 8
        p.setFont(font)
        p.setPen(palette.LATE)
        p.drawText(QPointF(x, baseline_y), f"▲ late by {shape.late_by} d")


def feedback(p: QPainter, anchor: QPointF, text: str, font: QFont, room: QRectF) -> None:
    """A dark tag near the mouse with what a drag would do (date, duration, link type)."""
    metrics = QFontMetricsF(font)
    width = metrics.horizontalAdvance(text) + 14
    height = metrics.height() + 8
    box = QRectF(anchor.x() + 14, anchor.y() + 16, width, height)
    if box.right() > room.right():
        box.moveRight(anchor.x() - 8)
    if box.bottom() > room.bottom():
        box.moveBottom(anchor.y() - 8)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(palette.FEEDBACK_FILL)
    p.drawRoundedRect(box, 4, 4)
    p.setFont(font)
    p.setPen(palette.FEEDBACK_TEXT)
    p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    p.setBrush(Qt.BrushStyle.NoBrush)


def ghost(p: QPainter, x0: float, x1: float, y0: float, y1: float, milestone: bool) -> None:
    """Where a dragged bar would land."""
    p.setPen(QPen(palette.GHOST_EDGE, 1.2, Qt.PenStyle.DashLine))
    p.setBrush(palette.GHOST)
    if milestone:
        r, y = (y1 - y0) / 2, (y0 + y1) / 2
        p.drawPolygon(
            QPolygonF(
                [QPointF(x0, y - r), QPointF(x0 + r, y), QPointF(x0, y + r), QPointF(x0 - r, y)]
            )
        )
    else:
        p.drawRoundedRect(QRectF(x0, y0, max(2.0, x1 - x0), y1 - y0), 2.5, 2.5)
    p.setBrush(Qt.BrushStyle.NoBrush)


def rubber_link(p: QPainter, start: QPointF, end: QPointF, colour: QColor) -> None:
    p.setPen(QPen(colour, 1.5, Qt.PenStyle.DashLine))
    p.drawLine(start, end)
    p.setBrush(colour)
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(end, 3.5, 3.5)
    p.setBrush(Qt.BrushStyle.NoBrush)


def _chip(p: QPainter, rect: QRectF) -> None:
    """A white ground under a mark, so it reads over a band's name or a bar."""
    p.setPen(QPen(palette.MARK_EDGE, 1))
    p.setBrush(palette.BACKGROUND)
    p.drawRoundedRect(rect.adjusted(-2, -1.5, 2, 1.5), 3, 3)


def conflict_mark(p: QPainter, rect: QRectF, warning: bool) -> None:
    """A warning triangle with an exclamation mark: red for a broken rule, amber for a risk."""
    colour = palette.WARNING_MARK if warning else palette.CONFLICT_MARK
    _chip(p, rect)
    triangle = QPolygonF(
        [
            QPointF(rect.center().x(), rect.top()),
            QPointF(rect.right(), rect.bottom()),
            QPointF(rect.left(), rect.bottom()),
        ]
    )
    p.setPen(QPen(palette.BACKGROUND, 1.2))
    p.setBrush(colour)
    p.drawPolygon(triangle)
    stroke = QPen(palette.BACKGROUND, max(1.2, rect.width() / 8))
    stroke.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(stroke)
    x, h = rect.center().x(), rect.height()
    p.drawLine(QPointF(x, rect.top() + h * 0.38), QPointF(x, rect.top() + h * 0.66))
    p.drawPoint(QPointF(x, rect.top() + h * 0.82))
    p.setBrush(Qt.BrushStyle.NoBrush)


def communication_mark(p: QPainter, rect: QRectF, sent: bool) -> None:
    """An envelope: blue while it is to be sent, grey once it was."""
    colour = palette.SENT_MARK if sent else palette.COMMUNICATION_MARK
    _chip(p, rect)
    body = QRectF(rect.left(), rect.top() + rect.height() * 0.18, rect.width(), rect.height() * 0.7)
    p.setPen(QPen(palette.BACKGROUND, 1.0))
    p.setBrush(colour)
    p.drawRect(body)
    p.setPen(QPen(palette.BACKGROUND, 1.2))
    p.drawPolyline(
        QPolygonF(
            [body.topLeft(), QPointF(body.center().x(), body.center().y() + 1), body.topRight()]
        )
    )
    p.setBrush(Qt.BrushStyle.NoBrush)
