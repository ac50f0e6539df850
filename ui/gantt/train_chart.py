"""The release train chart: lane labels, the two-tier timescale and the lanes, painted per frame.

A QAbstractScrollArea whose viewport paints only what is visible: app.timeline.lanes builds
the shapes for the visible lanes and dates, and this widget draws them. The header and the
lane labels are painted into the same viewport and stay put while the chart scrolls.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QToolTip, QWidget
from typing_extensions import override

from app.plan_data import ReleaseRow
from app.release_train import Train
from app.timeline.background import BandKind, MarkerKind
from app.timeline.lanes import (
    Glyph,
    Lane,
    LaneMetrics,
    Segment,
    Track,
    TrainFrame,
    frame,
    locate,
    tip_at,
    track_names,
    train_span,
)
from app.timeline.scale import (
    TimeScale,
    step_in,
    step_out,
    tier,
)
from ui.gantt.train_drag import ReleaseDrag, movable, paint_ghost
from ui.timeline_area import TimelineArea


class TrainPalette:
    """Every colour of the train in one place: slate chrome, an indigo ramp that deepens as a
    release nears its target, red for what is wrong, and the Calendar tab's colours for
    windows (freeze blue, blackout red, change window amber)."""

    background: QColor = QColor("#ffffff")
    lane_alternate: QColor = QColor("#f8fafc")
    grid: QColor = QColor("#e2e8f0")
    grid_strong: QColor = QColor("#cbd5e1")
    header: QColor = QColor("#f8fafc")
    header_text: QColor = QColor("#334155")
    text: QColor = QColor("#0f172a")
    muted: QColor = QColor("#64748b")
    nonworking: QColor = QColor(241, 245, 249, 200)
    holiday: QColor = QColor(220, 252, 231, 170)
    freeze: QColor = QColor(191, 219, 254, 110)
    freeze_edge: QColor = QColor("#60a5fa")
    freeze_text: QColor = QColor("#1d4ed8")
    blackout: QColor = QColor(254, 202, 202, 120)
    blackout_edge: QColor = QColor("#f87171")
    blackout_text: QColor = QColor("#b91c1c")
    change_window: QColor = QColor("#fcd34d")
    change_window_edge: QColor = QColor("#d97706")
    build: QColor = QColor("#a5b4fc")
    stabilise: QColor = QColor("#818cf8")
    harden: QColor = QColor("#4f46e5")
    shipped: tuple[QColor, QColor, QColor] = (
        QColor("#cbd5e1"),
        QColor("#b6c2d2"),
        QColor("#94a3b8"),
    )
    slip: QColor = QColor("#fca5a5")
    slip_edge: QColor = QColor("#dc2626")
    marker: QColor = QColor("#1e293b")
    actual: QColor = QColor("#16a34a")
    today: QColor = QColor("#0284c7")
    collision: QColor = QColor("#dc2626")
    focus: QColor = QColor(220, 38, 38, 50)
    succeeded: QColor = QColor("#16a34a")
    failed: QColor = QColor("#dc2626")
    rolled_back: QColor = QColor("#ea580c")
    in_progress: QColor = QColor("#2563eb")
    planned: QColor = QColor("#64748b")
    status_shipped: QColor = QColor("#15803d")
    status_in_progress: QColor = QColor("#1d4ed8")
    status_planned: QColor = QColor("#475569")
    status_cancelled: QColor = QColor("#9ca3af")

    def segment(self, segment: Segment, shipped: bool) -> QColor:
        if segment is Segment.SLIP:
            return self.slip
        order = (Segment.BUILD, Segment.STABILISE, Segment.HARDEN).index(segment)
        return self.shipped[order] if shipped else (self.build, self.stabilise, self.harden)[order]

    def outcome(self, outcome: str) -> QColor:
        return {
            "succeeded": self.succeeded,
            "failed": self.failed,
            "rolled_back": self.rolled_back,
            "in_progress": self.in_progress,
        }.get(outcome, self.planned)

    def status(self, status: str) -> QColor:
        return {
            "shipped": self.status_shipped,
            "in_progress": self.status_in_progress,
            "cancelled": self.status_cancelled,
        }.get(status, self.status_planned)


PALETTE = TrainPalette()

LABEL_WIDTH = 240  # the lane labels on the left
TIER_HEIGHT = 22  # each of the header's two tiers
HEADER_HEIGHT = 2 * TIER_HEIGHT
MARGIN_DAYS = 14  # empty calendar before the first and after the last date of the train
SHIPPED = "shipped"
_DIGITS = re.compile(r"\d+")
_LETTERS = re.compile(r"[^\W\d_]+")


def status_text(status: str) -> str:
    return status.replace("_", " ").capitalize()


class TrainChart(TimelineArea):
    """The lanes of a Train on one calendar; double-click a lane to pick its release, drag
    a train release's bar along the time axis to move it (when `movable` is set)."""

    release_selected = Signal(int)
    release_moved = Signal(int, object)  # release id, its new release day (dt.date)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(TimeScale(dt.date.today(), 4.0), parent)
        self.setObjectName("trainChart")
        self.setFrameShape(QAbstractScrollArea.Shape.NoFrame)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.train: Train | None = None
        self.today: dt.date | None = None
        self.metrics = LaneMetrics()
        self.focused: int | None = None  # the collision picked in the list
        self.movable = False  # whether a drag may move releases (an editable plan)
        self.drag: ReleaseDrag | None = None
        self.horizontalScrollBar().setSingleStep(40)
        self.verticalScrollBar().setSingleStep(20)
        self.horizontalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())

    # -- content ----------------------------------------------------------------------------

    def set_train(self, train: Train | None, today: dt.date | None) -> None:
        """Show `train`; the scroll position and zoom stay unless the train was empty."""
        was_empty = self.train is None or not self.train.releases
        self.train, self.today = train, today
        if self.focused is not None and (train is None or self.focused >= len(train.collisions)):
            self.focused = None
        span = self._span()
        if span is not None and span[0] != self.scale.origin:
            # A new origin moves every x: keep the day at the left edge where it was.
            bar = self.horizontalScrollBar()
            left = span[0] if was_empty else self.scale.date_at(bar.value())
            self.scale = TimeScale(span[0], self.scale.day_width)
            self._update_ranges()
            bar.setValue(round(self.scale.x(left)))
        self._update_ranges()
        if self._fit_wanted and self.chart_width() > 0 and self.isVisible():
            self.zoom_to_fit()
        self.viewport().update()

    def _span(self) -> tuple[dt.date, dt.date] | None:
        if self.train is None:
            return None
        span = train_span(self.train)
        if span is None:
            return None
        first, last = span
        if self.today is not None:
            first, last = min(first, self.today), max(last, self.today)
        margin = dt.timedelta(days=MARGIN_DAYS)
        return first - margin, last + margin

    def fit_on_next_show(self) -> None:
        """Zoom to fit once the chart has its size (a newly opened plan)."""
        self._fit_wanted = True

    def chart_width(self) -> int:
        return max(0, self.viewport().width() - LABEL_WIDTH)

    def chart_height(self) -> int:
        return max(0, self.viewport().height() - HEADER_HEIGHT)

    def _tracks(self) -> int:
        return len(track_names(self.train)) if self.train is not None else 0

    def _content_height(self) -> float:
        lanes = len(self.train.releases) if self.train is not None else 0
        return self.metrics.height(self._tracks(), lanes)

    def _update_ranges(self) -> None:
        span = self._span()
        width = self.scale.x_after(span[1]) if span is not None else 0.0
        horizontal = self.horizontalScrollBar()
        horizontal.setPageStep(max(1, self.chart_width()))
        horizontal.setRange(0, max(0, round(width) - self.chart_width()))
        vertical = self.verticalScrollBar()
        vertical.setPageStep(max(1, self.chart_height()))
        vertical.setRange(0, max(0, round(self._content_height()) - self.chart_height()))

    def show_collision(self, index: int) -> None:
        """Scroll the chart to a collision and ring it."""
        if self.train is None or not 0 <= index < len(self.train.collisions):
            return
        self.focused = index
        x, y = locate(self.train, index, self.scale, self.metrics)
        horizontal = self.horizontalScrollBar()
        if not horizontal.value() + 40 <= x <= horizontal.value() + self.chart_width() - 40:
            horizontal.setValue(round(x - self.chart_width() / 2))
        vertical = self.verticalScrollBar()
        if not vertical.value() <= y <= vertical.value() + self.chart_height():
            vertical.setValue(round(y - self.chart_height() / 2))
        self.viewport().update()

    def release_at(self, point: QPoint) -> int | None:
        """The release whose lane is at a viewport point (label or chart)."""
        if self.train is None or point.y() < HEADER_HEIGHT:
            return None
        y = point.y() - HEADER_HEIGHT + self.verticalScrollBar().value()
        index = self.metrics.lane_at(y, self._tracks(), len(self.train.releases))
        return None if index is None else self.train.releases[index].id

    def _drag_at(self, point: QPoint) -> ReleaseDrag | None:
        """A drag of the train release whose bar is under a viewport point."""
        if self.train is None or point.x() < LABEL_WIDTH or point.y() < HEADER_HEIGHT:
            return None
        x = point.x() - LABEL_WIDTH + self.horizontalScrollBar().value()
        y = point.y() - HEADER_HEIGHT + self.verticalScrollBar().value()
        span = self._span()
        assert span is not None  # a train with lanes has a span
        # The whole width: the ghost is the whole bar, wherever the press was.
        for built in self._frame(0.0, self.scale.x_after(span[1]), y - 1, y + 1).lanes:
            release = self.train.releases[built.index]
            hit = any(p.x0 <= x <= p.x1 and p.y0 <= y <= p.y1 for p in built.pieces)
            if hit and movable(release):
                first, last = built.pieces[0], built.pieces[-1]
                bar = QRectF(first.x0, first.y0, last.x1 - first.x0, first.y1 - first.y0)
                return ReleaseDrag.of(release, x, bar)
        return None

    def lane_point(self, release_id: int, day: dt.date) -> QPoint:
        """The viewport point in the middle of a release's bar on `day`."""
        assert self.train is not None
        index = self.train.index_of(release_id)
        y0, y1 = self.metrics.bar_span(self.metrics.lane_top(index, self._tracks()))
        x = self.scale.x_mid(day) - self.horizontalScrollBar().value() + LABEL_WIDTH
        y = (y0 + y1) / 2 - self.verticalScrollBar().value() + HEADER_HEIGHT
        return QPoint(round(x), round(y))

    # -- Qt events --------------------------------------------------------------------------

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_ranges()
        if self._fit_wanted and self.train is not None:
            self.zoom_to_fit()

    @override
    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y()
            if steps:
                anchor = event.position().x() - LABEL_WIDTH
                width = self.scale.day_width
                target = step_in(width) if steps > 0 else step_out(width)
                self.set_day_width(target, max(0.0, anchor))
            event.accept()
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            # Shift+wheel scrolls along time, as in other timelines.
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - event.angleDelta().y())
            event.accept()
            return
        super().wheelEvent(event)

    @override
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.movable and event.button() == Qt.MouseButton.LeftButton:
            self.drag = self._drag_at(event.position().toPoint())
            if self.drag is not None:
                event.accept()
                return
        super().mousePressEvent(event)

    @override
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.drag is None:
            super().mouseMoveEvent(event)
            return
        x = event.position().x() - LABEL_WIDTH + self.horizontalScrollBar().value()
        self.drag.follow(x, self.scale, QApplication.startDragDistance())
        if self.drag.started:
            self.viewport().setCursor(Qt.CursorShape.SizeHorCursor)
        self.viewport().update()
        event.accept()

    @override
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self.drag = self.drag, None
        if drag is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        self.viewport().unsetCursor()
        self.viewport().update()
        event.accept()
        if drag.started and drag.days:
            self.release_moved.emit(drag.release_id, drag.new_target)

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.drag is not None:
            self.drag = None  # the release stays where it was
            self.viewport().unsetCursor()
            self.viewport().update()
            event.accept()
            return
        super().keyPressEvent(event)

    @override
    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        release_id = self.release_at(event.position().toPoint())
        if release_id is not None:
            self.release_selected.emit(release_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    @override
    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def tip_at(self, point: QPoint) -> str:
        """The tooltip at a viewport point: what is under it in the chart, or the release."""
        if self.train is None or point.y() < HEADER_HEIGHT:
            return ""
        if point.x() < LABEL_WIDTH:
            release_id = self.release_at(point)
            if release_id is None:
                return ""
            return _release_tip(self.train.releases[self.train.index_of(release_id)])
        x = point.x() - LABEL_WIDTH + self.horizontalScrollBar().value()
        y = point.y() - HEADER_HEIGHT + self.verticalScrollBar().value()
        return tip_at(self._frame(x - 10, x + 10, y - 1, y + 1), x, y)

    def _frame(self, x0: float, x1: float, y0: float, y1: float) -> TrainFrame:
        assert self.train is not None
        return frame(self.train, self.scale, self.metrics, x0, x1, y0, y1, self.today)

    # -- painting ---------------------------------------------------------------------------

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.viewport().rect()
        painter.fillRect(rect, PALETTE.background)
        if self.train is None:
            painter.end()
            return
        left = self.horizontalScrollBar().value()
        top = self.verticalScrollBar().value()
        x0, x1 = float(left), float(left + self.chart_width())
        y0, y1 = float(top), float(top + self.chart_height())
        chart = self._frame(x0, x1, y0, y1)

        painter.save()
        painter.setClipRect(QRectF(LABEL_WIDTH, HEADER_HEIGHT, x1 - x0, y1 - y0))
        painter.translate(LABEL_WIDTH - left, HEADER_HEIGHT - top)
        self._paint_rows(painter, chart, x0, x1)
        self._paint_bands(painter, chart, y0, y1)
        for track in chart.tracks:
            self._paint_track(painter, track)
        for built in chart.lanes:
            self._paint_lane(painter, built)
        self._paint_today(painter, chart, y0, y1)
        if self.drag is not None and self.drag.started:
            paint_ghost(painter, self.drag, self.scale, self.font())
        painter.restore()

        self._paint_header(painter, x0, x1)
        self._paint_labels(painter, chart, top)
        painter.end()

    def _paint_rows(self, painter: QPainter, chart: TrainFrame, x0: float, x1: float) -> None:
        for built in chart.lanes:
            if built.index % 2:
                painter.fillRect(
                    QRectF(x0, built.y0, x1 - x0, built.y1 - built.y0), PALETTE.lane_alternate
                )
        painter.setPen(QPen(PALETTE.grid, 1))
        for built in chart.lanes:
            painter.drawLine(QPointF(x0, built.y1 - 0.5), QPointF(x1, built.y1 - 0.5))
        if chart.tracks:
            bottom = chart.tracks[-1].y1 + self.metrics.gap / 2
            painter.setPen(QPen(PALETTE.grid_strong, 1))
            painter.drawLine(QPointF(x0, bottom), QPointF(x1, bottom))

    def _paint_bands(self, painter: QPainter, chart: TrainFrame, y0: float, y1: float) -> None:
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.85)
        small.setBold(True)
        painter.setFont(small)
        for band in chart.background.bands:
            area = QRectF(band.x0, y0, band.x1 - band.x0, y1 - y0)
            if band.kind is BandKind.NONWORKING:
                painter.fillRect(area, PALETTE.nonworking)
            elif band.kind is BandKind.HOLIDAY:
                painter.fillRect(area, PALETTE.holiday)
            else:
                blackout = band.kind is BandKind.BLACKOUT
                fill = PALETTE.blackout if blackout else PALETTE.freeze
                edge = PALETTE.blackout_edge if blackout else PALETTE.freeze_edge
                painter.fillRect(area, fill)
                painter.fillRect(area, QBrush(edge.lighter(130), Qt.BrushStyle.BDiagPattern))
                painter.setPen(QPen(edge, 1, Qt.PenStyle.DashLine))
                painter.drawLine(QPointF(band.x0, y0), QPointF(band.x0, y1))
                painter.drawLine(QPointF(band.x1, y0), QPointF(band.x1, y1))
                self._band_caption(painter, band.label, band.x0, band.x1, y1, blackout)

    def _band_caption(
        self, painter: QPainter, text: str, x0: float, x1: float, bottom: float, blackout: bool
    ) -> None:
        """The window's name along the bottom of its band, where lanes rarely reach."""
        metrics = QFontMetricsF(painter.font())
        width = x1 - x0 - 8
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        if width < 24 or not shown:
            return
        painter.setPen(PALETTE.blackout_text if blackout else PALETTE.freeze_text)
        box = QRectF(x0 + 4, bottom - metrics.height() - 6, width, metrics.height())
        painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)

    def _paint_track(self, painter: QPainter, track: Track) -> None:
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.8)
        painter.setFont(small)
        metrics = QFontMetricsF(small)
        for band in track.bands:
            box = QRectF(band.x0, band.y0, max(2.0, band.x1 - band.x0), band.y1 - band.y0)
            window = band.window
            if window.kind == "change_window":
                fill, edge, ink = PALETTE.change_window, PALETTE.change_window_edge, PALETTE.text
            elif window.kind == "blackout":
                fill, edge, ink = PALETTE.blackout, PALETTE.blackout_edge, PALETTE.blackout_text
            else:
                fill, edge, ink = PALETTE.freeze, PALETTE.freeze_edge, PALETTE.freeze_text
            painter.setPen(QPen(edge, 1))
            painter.setBrush(fill)
            painter.drawRoundedRect(box, 3, 3)
            shown = metrics.elidedText(window.name, Qt.TextElideMode.ElideRight, box.width() - 6)
            if box.width() > 30 and shown:
                painter.setPen(ink)
                painter.drawText(box.adjusted(3, 0, -3, 0), Qt.AlignmentFlag.AlignVCenter, shown)

    def _paint_lane(self, painter: QPainter, built: Lane) -> None:
        assert self.train is not None
        release = self.train.releases[built.index]
        shipped = release.status == SHIPPED or release.actual_date is not None
        for piece in built.pieces:
            box = QRectF(piece.x0, piece.y0, piece.x1 - piece.x0, piece.y1 - piece.y0)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(PALETTE.segment(piece.segment, shipped))
            painter.drawRect(box)
            if piece.segment is Segment.SLIP:
                painter.setBrush(QBrush(PALETTE.slip_edge, Qt.BrushStyle.BDiagPattern))
                painter.drawRect(box)
                painter.setPen(QPen(PALETTE.slip_edge, 1))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(box.adjusted(0.5, 0.5, -0.5, -0.5))
        if built.pieces:
            self._bar_caption(painter, built, release)
        if built.late_label:
            painter.setPen(PALETTE.slip_edge)
            bold = QFont(self.font())
            bold.setBold(True)
            bold.setPointSizeF(bold.pointSizeF() * 0.85)
            painter.setFont(bold)
            mid = (built.pieces[0].y0 + built.pieces[0].y1) / 2 if built.pieces else built.y0
            box = QRectF(built.late_x + 14, mid - 10, 400, 20)
            painter.drawText(box, Qt.AlignmentFlag.AlignVCenter, built.late_label)
        for tick in built.ticks:
            colour = PALETTE.outcome(tick.outcome)
            painter.setPen(QPen(colour, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawLine(QPointF(tick.x, tick.y0), QPointF(tick.x, tick.y1))
            if tick.outcome == "planned":
                painter.setPen(QPen(colour, 1.2))
                painter.setBrush(PALETTE.background)
            else:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
            painter.drawEllipse(QPointF(tick.x, tick.y1), 2.6, 2.6)
        for marker in built.markers:
            self._paint_marker(painter, marker.kind, marker.x, marker.y)
        for glyph in built.glyphs:
            self._paint_glyph(painter, glyph)

    def _bar_caption(self, painter: QPainter, built: Lane, release: ReleaseRow) -> None:
        """The release's name inside its bar when it fits, so a lane reads without the labels."""
        first = built.pieces[0]
        box = QRectF(
            first.x0 + 6, first.y0, built.pieces[-1].x1 - first.x0 - 12, first.y1 - first.y0
        )
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.85)
        font.setBold(True)
        metrics = QFontMetricsF(font)
        if box.width() < metrics.horizontalAdvance(release.name) + 4:
            return
        painter.setFont(font)
        shipped = release.actual_date is not None
        painter.setPen(
            PALETTE.text if shipped or first.segment is Segment.BUILD else Qt.GlobalColor.white
        )
        painter.drawText(box, Qt.AlignmentFlag.AlignVCenter, release.name)

    def _paint_marker(self, painter: QPainter, kind: MarkerKind, x: float, y: float) -> None:
        bar = self.metrics.bar_span(0)
        half = (bar[1] - bar[0]) / 2
        if kind in (MarkerKind.FEATURE_FREEZE, MarkerKind.CODE_FREEZE):
            # A freeze is a notch: a small downward triangle on the bar's top edge, and a
            # thin rule through the bar.
            painter.setPen(QPen(PALETTE.marker, 1))
            painter.drawLine(QPointF(x, y - half), QPointF(x, y + half))
            size = 4.5 if kind is MarkerKind.FEATURE_FREEZE else 5.5
            notch = QPolygonF(
                [
                    QPointF(x - size, y - half - size - 1),
                    QPointF(x + size, y - half - size - 1),
                    QPointF(x, y - half + 1),
                ]
            )
            painter.setBrush(
                PALETTE.background if kind is MarkerKind.FEATURE_FREEZE else PALETTE.marker
            )
            painter.drawPolygon(notch)
        elif kind is MarkerKind.TARGET:
            size = half + 3
            diamond = QPolygonF(
                [
                    QPointF(x, y - size),
                    QPointF(x + size, y),
                    QPointF(x, y + size),
                    QPointF(x - size, y),
                ]
            )
            painter.setPen(QPen(PALETTE.background, 1.5))
            painter.setBrush(PALETTE.marker)
            painter.drawPolygon(diamond)
        elif kind is MarkerKind.ACTUAL:
            painter.setPen(QPen(PALETTE.background, 1.5))
            painter.setBrush(PALETTE.actual)
            painter.drawEllipse(QPointF(x, y), half + 1, half + 1)
            tick = QPainterPath(QPointF(x - 3, y))
            tick.lineTo(x - 0.8, y + 2.5)
            tick.lineTo(x + 3.5, y - 2.8)
            painter.setPen(QPen(PALETTE.background, 1.6))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(tick)

    def _paint_glyph(self, painter: QPainter, glyph: Glyph) -> None:
        focused = self.focused is not None and self.focused in glyph.collisions
        ring = QRectF(glyph.x - 9, glyph.y0, 18, glyph.y1 - glyph.y0)
        if focused:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(PALETTE.focus)
            painter.drawRoundedRect(ring.adjusted(-5, -16, 5, 4), 6, 6)
        painter.setPen(QPen(PALETTE.collision, 2.2 if focused else 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(ring, 5, 5)
        # The warning sign: a red triangle with a white bar and dot, above the spot.
        size = 7.5
        triangle = QPolygonF(
            [
                QPointF(glyph.x, glyph.y - size),
                QPointF(glyph.x + size, glyph.y + size * 0.75),
                QPointF(glyph.x - size, glyph.y + size * 0.75),
            ]
        )
        painter.setPen(QPen(PALETTE.background, 1.2))
        painter.setBrush(PALETTE.collision)
        painter.drawPolygon(triangle)
        painter.setPen(
            QPen(PALETTE.background, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        )
        painter.drawLine(QPointF(glyph.x, glyph.y - 2.8), QPointF(glyph.x, glyph.y + 1.8))
        painter.drawPoint(QPointF(glyph.x, glyph.y + 4.0))
        if len(glyph.collisions) > 1:
            small = QFont(self.font())
            small.setPointSizeF(small.pointSizeF() * 0.75)
            small.setBold(True)
            painter.setFont(small)
            painter.setPen(PALETTE.collision)
            painter.drawText(QPointF(glyph.x + size + 2, glyph.y + 4), str(len(glyph.collisions)))

    def _paint_today(self, painter: QPainter, chart: TrainFrame, y0: float, y1: float) -> None:
        for marker in chart.background.markers:
            if marker.kind is MarkerKind.TODAY:
                painter.setPen(QPen(PALETTE.today, 1.6))
                painter.drawLine(QPointF(marker.x, y0), QPointF(marker.x, y1))

    def _paint_header(self, painter: QPainter, x0: float, x1: float) -> None:
        width = self.viewport().width()
        painter.fillRect(QRectF(0, 0, width, HEADER_HEIGHT), PALETTE.header)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.9)
        painter.setFont(font)
        metrics = QFontMetricsF(font)

        def fits(text: str, room: float) -> bool:
            # Measured as if every number had two digits or more and every letter were an
            # "n", so that a tier keeps one form of label ("Sep 7", "Jan 11" alike) instead
            # of switching cell by cell; the padding covers the difference.
            even = _DIGITS.sub(lambda m: "0" * max(2, len(m.group())), text)
            even = _LETTERS.sub(lambda m: "n" * len(m.group()), even)
            return metrics.horizontalAdvance(even) + 12 <= room

        upper, lower = self.scale.units()
        painter.save()
        painter.setClipRect(QRectF(LABEL_WIDTH, 0, width - LABEL_WIDTH, HEADER_HEIGHT))
        painter.translate(LABEL_WIDTH - x0, 0)
        flag: QRectF | None = None
        if self.today is not None and x0 <= self.scale.x_mid(self.today) <= x1:
            flag = self._today_box(self.scale.x_mid(self.today), metrics)
        for row, unit in enumerate((upper, lower)):
            top = row * TIER_HEIGHT
            for cell in tier(self.scale, unit, x0, x1, fits):
                painter.setPen(QPen(PALETTE.grid_strong if row == 0 else PALETTE.grid, 1))
                painter.drawLine(QPointF(cell.x0, top + 4), QPointF(cell.x0, top + TIER_HEIGHT))
                painter.setPen(PALETTE.header_text)
                # A cell cut by the left edge keeps its label in view while there is room.
                start = max(cell.x0, x0)
                label = cell.label if fits(cell.label, cell.x1 - start) else ""
                box = QRectF(start + 5, top, cell.x1 - start - 6, TIER_HEIGHT)
                if flag is not None and row == 1:
                    used = box.adjusted(0, 0, metrics.horizontalAdvance(label) - box.width(), 0)
                    if used.intersects(flag):
                        label = ""  # the Today flag stands there
                flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
                painter.drawText(box, flags, label)
        if flag is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(PALETTE.today)
            painter.drawRoundedRect(flag, 3, 3)
            painter.setPen(PALETTE.background)
            painter.drawText(flag, Qt.AlignmentFlag.AlignCenter, "Today")
        painter.restore()
        painter.setPen(QPen(PALETTE.grid_strong, 1))
        painter.drawLine(QPointF(0, TIER_HEIGHT), QPointF(width, TIER_HEIGHT))
        painter.drawLine(QPointF(0, HEADER_HEIGHT - 0.5), QPointF(width, HEADER_HEIGHT - 0.5))

    @staticmethod
    def _today_box(x: float, metrics: QFontMetricsF) -> QRectF:
        width = metrics.horizontalAdvance("Today") + 10
        return QRectF(x - width / 2, TIER_HEIGHT + 3, width, TIER_HEIGHT - 6)

    def _paint_labels(self, painter: QPainter, chart: TrainFrame, top: float) -> None:
        assert self.train is not None
        height = self.viewport().height()
        painter.fillRect(QRectF(0, 0, LABEL_WIDTH, height), PALETTE.background)
        painter.fillRect(QRectF(0, 0, LABEL_WIDTH, HEADER_HEIGHT), PALETTE.header)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(PALETTE.header_text)
        painter.drawText(
            QRectF(12, 0, LABEL_WIDTH - 12, HEADER_HEIGHT),
            Qt.AlignmentFlag.AlignVCenter,
            f"Releases ({len(self.train.releases)})",
        )
        painter.save()
        painter.setClipRect(QRectF(0, HEADER_HEIGHT, LABEL_WIDTH, height - HEADER_HEIGHT))
        painter.translate(0, HEADER_HEIGHT - top)
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.85)
        for track in chart.tracks:
            painter.setFont(small)
            painter.setPen(PALETTE.muted)
            box = QRectF(12, track.y0, LABEL_WIDTH - 20, track.y1 - track.y0)
            painter.drawText(box, Qt.AlignmentFlag.AlignVCenter, f"{track.name} windows")
        for built in chart.lanes:
            self._paint_label(painter, built, bold, small)
        painter.restore()
        painter.setPen(QPen(PALETTE.grid_strong, 1))
        painter.drawLine(QPointF(LABEL_WIDTH - 0.5, 0), QPointF(LABEL_WIDTH - 0.5, height))

    def _paint_label(self, painter: QPainter, built: Lane, bold: QFont, small: QFont) -> None:
        assert self.train is not None
        release = self.train.releases[built.index]
        if built.index % 2:
            painter.fillRect(
                QRectF(0, built.y0, LABEL_WIDTH, built.y1 - built.y0), PALETTE.lane_alternate
            )
        painter.setPen(QPen(PALETTE.grid, 1))
        painter.drawLine(QPointF(0, built.y1 - 0.5), QPointF(LABEL_WIDTH, built.y1 - 0.5))
        # The status colour runs down the lane's left edge.
        painter.fillRect(
            QRectF(0, built.y0 + 1, 3, built.y1 - built.y0 - 2), PALETTE.status(release.status)
        )
        middle = (built.y0 + built.y1) / 2
        painter.setFont(bold)
        painter.setPen(PALETTE.text)
        name_box = QRectF(12, built.y0 + 5, LABEL_WIDTH - 110, middle - built.y0 - 3)
        name = QFontMetricsF(bold).elidedText(
            release.name, Qt.TextElideMode.ElideRight, name_box.width()
        )
        painter.drawText(name_box, Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft, name)
        painter.setFont(small)
        painter.setPen(PALETTE.muted)
        second = f"v{release.version}" if release.version else ""
        mine = self.train.collisions_of(release.id)
        if mine:
            second += (
                f"{'  ·  ' if second else ''}{len(mine)} collision{'s' if len(mine) > 1 else ''}"
            )
        painter.drawText(
            QRectF(12, middle + 2, LABEL_WIDTH - 24, built.y1 - middle - 6),
            Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft,
            second,
        )
        self._status_pill(painter, release.status, built.y0, middle, small)

    def _status_pill(
        self, painter: QPainter, status: str, top: float, middle: float, font: QFont
    ) -> None:
        text = status_text(status)
        metrics = QFontMetricsF(font)
        width = metrics.horizontalAdvance(text) + 14
        box = QRectF(LABEL_WIDTH - width - 12, top + 8, width, metrics.height() + 4)
        colour = PALETTE.status(status)
        fill = QColor(colour)
        fill.setAlpha(28)
        painter.setPen(QPen(colour, 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(box, box.height() / 2, box.height() / 2)
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def _release_tip(release: ReleaseRow) -> str:
    lines = [f"{release.name} ({release.version})" if release.version else release.name]
    lines.append(f"Status: {status_text(release.status)}")
    for label, day in (
        ("Start", release.start_date),
        ("Feature freeze", release.feature_freeze),
        ("Code freeze", release.code_freeze),
        ("Target", release.target_date),
        ("Scheduled finish", release.finish),
        ("Released", release.actual_date),
    ):
        if day is not None:
            lines.append(f"{label}: {day.isoformat()}")
    lines.append("Double-click to show it in the window")
    return "\n".join(lines)
