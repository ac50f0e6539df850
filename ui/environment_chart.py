"""The environment timeline: one lane per environment, deployments on top, versions beneath.

A QAbstractScrollArea whose viewport paints what app.environment_timeline computed: in each
lane a bar per deployment coloured by outcome (planned ones dashed), and under the bars the
version live on the environment as bands (rolled-back ones hatched, planned ones dashed).
The header and the lane labels stay put while the chart scrolls, as in the release train.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QToolTip, QWidget
from typing_extensions import override

from app.environment_timeline import Band, BandState, Bar, EnvironmentLane, EnvironmentTimeline
from app.timeline.scale import TimeScale, step_in, step_out, tier
from ui.formatting import format_local
from ui.gantt.train_chart import HEADER_HEIGHT, PALETTE, TIER_HEIGHT
from ui.timeline_area import TimelineArea

LABEL_WIDTH = 170
LANE_HEIGHT = 62
BAR_TOP, BAR_HEIGHT = 9, 16  # within a lane: the deployments
BAND_TOP, BAND_HEIGHT = 31, 22  # and the versions beneath them
MIN_BAR = 5.0  # a two-hour deployment stays visible at any zoom
MARGIN_DAYS = 7
# One soft colour per release (by id), so a version reads the same on every lane.
RELEASE_COLOURS = tuple(
    QColor(c) for c in ("#c7d2fe", "#bbf7d0", "#fde68a", "#fbcfe8", "#a5f3fc", "#ddd6fe")
)
OUTCOME_TEXT = {
    "planned": "Planned",
    "in_progress": "In progress",
    "succeeded": "Succeeded",
    "failed": "Failed",
    "rolled_back": "Rolled back",
}
STATE_TEXT = {
    BandState.LIVE: "live",
    BandState.ROLLED_BACK: "in, then rolled back",
    BandState.PLANNED: "planned to be live",
}


def release_colour(release_id: int) -> QColor:
    return RELEASE_COLOURS[release_id % len(RELEASE_COLOURS)]


class EnvironmentChart(TimelineArea):
    """Lanes of an EnvironmentTimeline on one time axis; a click on a deployment selects it."""

    deployment_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(TimeScale(dt.date(2000, 1, 1), 6.0), parent)
        self.setObjectName("environmentChart")
        self.setFrameShape(QAbstractScrollArea.Shape.NoFrame)
        self.setMouseTracking(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.timeline: EnvironmentTimeline | None = None
        self.now: dt.datetime | None = None
        self.selected: int | None = None  # the deployment selected in the list
        self.horizontalScrollBar().setSingleStep(40)
        self.verticalScrollBar().setSingleStep(20)
        self.horizontalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())

    # -- content ----------------------------------------------------------------------------

    def set_timeline(self, timeline: EnvironmentTimeline | None, now: dt.datetime) -> None:
        """Show `timeline`; the zoom and the day at the left edge stay unless it was empty."""
        was_empty = self.timeline is None or self.timeline.span() is None
        self.timeline, self.now = timeline, now
        span = self._span()
        if span is not None and span[0] != self.scale.origin:
            bar = self.horizontalScrollBar()
            left = span[0] if was_empty else self.scale.date_at(bar.value())
            self.scale = TimeScale(span[0], self.scale.day_width)
            self._update_ranges()
            bar.setValue(round(self.scale.x(left)))
        self._update_ranges()
        if self._fit_wanted and self.chart_width() > 0 and self.isVisible():
            self.zoom_to_fit()
        self.viewport().update()

    def select(self, deployment_id: int | None) -> None:
        """Ring a deployment's bar and scroll it into view."""
        self.selected = deployment_id
        bar = self._bar(deployment_id) if deployment_id is not None else None
        if bar is not None:
            x = self.x_of(bar.start)
            horizontal = self.horizontalScrollBar()
            if not horizontal.value() + 20 <= x <= horizontal.value() + self.chart_width() - 20:
                horizontal.setValue(round(x - self.chart_width() / 2))
        self.viewport().update()

    def _bar(self, deployment_id: int) -> Bar | None:
        lanes = self.timeline.lanes if self.timeline is not None else ()
        return next(
            (b for lane in lanes for b in lane.bars if b.deployment_id == deployment_id), None
        )

    def _span(self) -> tuple[dt.date, dt.date] | None:
        span = self.timeline.span() if self.timeline is not None else None
        if span is None:
            return None
        first, last = span
        if self.now is not None:
            first, last = min(first, self.now.date()), max(last, self.now.date())
        margin = dt.timedelta(days=MARGIN_DAYS)
        return first - margin, last + margin

    def fit_on_next_show(self) -> None:
        self._fit_wanted = True

    def chart_width(self) -> int:
        return max(0, self.viewport().width() - LABEL_WIDTH)

    def chart_height(self) -> int:
        return max(0, self.viewport().height() - HEADER_HEIGHT)

    def _update_ranges(self) -> None:
        span = self._span()
        width = self.scale.x_after(span[1]) if span is not None else 0.0
        horizontal = self.horizontalScrollBar()
        horizontal.setPageStep(max(1, self.chart_width()))
        horizontal.setRange(0, max(0, round(width) - self.chart_width()))
        lanes = len(self.timeline.lanes) if self.timeline is not None else 0
        vertical = self.verticalScrollBar()
        vertical.setPageStep(max(1, self.chart_height()))
        vertical.setRange(0, max(0, lanes * LANE_HEIGHT - self.chart_height()))

    def x_of(self, moment: dt.datetime) -> float:
        """The chart x of a moment: its day's left edge plus the part of the day gone."""
        into = (moment - dt.datetime.combine(moment.date(), dt.time())) / dt.timedelta(days=1)
        return self.scale.x(moment.date()) + into * self.scale.day_width

    def moment_at(self, x: float) -> dt.datetime:
        """The moment at chart x (to the minute)."""
        day = self.scale.date_at(x)
        into = (x - self.scale.x(day)) / self.scale.day_width
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=round(into * 1440))

    # -- hit testing ------------------------------------------------------------------------

    def _lane_at(self, point: QPoint) -> tuple[EnvironmentLane, float] | None:
        """The lane under a viewport point and the point's y within it."""
        if self.timeline is None or point.y() < HEADER_HEIGHT:
            return None
        y = point.y() - HEADER_HEIGHT + self.verticalScrollBar().value()
        index = int(y // LANE_HEIGHT)
        if not 0 <= index < len(self.timeline.lanes):
            return None
        return self.timeline.lanes[index], y - index * LANE_HEIGHT

    def _chart_x(self, point: QPoint) -> float:
        return point.x() - LABEL_WIDTH + self.horizontalScrollBar().value()

    def _bar_box(self, bar: Bar) -> tuple[float, float]:
        x0 = self.x_of(bar.start)
        return x0, max(self.x_of(bar.end), x0 + MIN_BAR)

    def bar_at(self, point: QPoint) -> Bar | None:
        found = self._lane_at(point)
        if found is None or point.x() < LABEL_WIDTH:
            return None
        lane, y = found
        if not BAR_TOP - 3 <= y <= BAR_TOP + BAR_HEIGHT + 3:
            return None
        x = self._chart_x(point)
        hits = [b for b in lane.bars if self._bar_box(b)[0] - 3 <= x <= self._bar_box(b)[1] + 3]
        return hits[-1] if hits else None

    def band_at(self, point: QPoint) -> Band | None:
        found = self._lane_at(point)
        if found is None or point.x() < LABEL_WIDTH:
            return None
        lane, y = found
        if not BAND_TOP <= y <= BAND_TOP + BAND_HEIGHT:
            return None
        x = self._chart_x(point)
        return next(
            (
                b
                for b in reversed(lane.bands)
                if self.x_of(b.start) <= x and (b.end is None or x <= self.x_of(b.end))
            ),
            None,
        )

    def bar_point(self, deployment_id: int) -> QPoint:
        """The viewport point in the middle of a deployment's bar."""
        assert self.timeline is not None
        index = self.timeline.lane_of(deployment_id)
        bar = self._bar(deployment_id)
        assert index is not None and bar is not None
        x0, x1 = self._bar_box(bar)
        x = (x0 + x1) / 2 - self.horizontalScrollBar().value() + LABEL_WIDTH
        y = index * LANE_HEIGHT + BAR_TOP + BAR_HEIGHT / 2
        return QPoint(round(x), round(y - self.verticalScrollBar().value() + HEADER_HEIGHT))

    def tip_at(self, point: QPoint) -> str:
        bar = self.bar_at(point)
        if bar is not None:
            return _bar_tip(bar, self._lane_at(point))
        band = self.band_at(point)
        found = self._lane_at(point)
        if band is not None and found is not None:
            until = f" until {format_local(band.end)}" if band.end is not None else " until now"
            return (
                f"{band.label} {STATE_TEXT[band.state]} on {found[0].name}\n"
                f"from {format_local(band.start)}{until}"
            )
        if found is not None and point.x() < LABEL_WIDTH:
            lane = found[0]
            owner = f"\nOwner: {lane.owner}" if lane.owner else ""
            return f"{lane.name} ({lane.tier}){owner}\n{len(lane.bars)} deployments"
        return ""

    # -- Qt events --------------------------------------------------------------------------

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_ranges()
        if self._fit_wanted and self.timeline is not None:
            self.zoom_to_fit()

    @override
    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y()
            if steps:
                width = self.scale.day_width
                target = step_in(width) if steps > 0 else step_out(width)
                self.set_day_width(target, max(0.0, event.position().x() - LABEL_WIDTH))
            event.accept()
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - event.angleDelta().y())
            event.accept()
            return
        super().wheelEvent(event)

    @override
    def mousePressEvent(self, event: QMouseEvent) -> None:
        bar = self.bar_at(event.position().toPoint())
        if bar is not None and event.button() == Qt.MouseButton.LeftButton:
            self.deployment_selected.emit(bar.deployment_id)
            event.accept()
            return
        super().mousePressEvent(event)

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

    # -- painting ---------------------------------------------------------------------------

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.viewport().rect(), PALETTE.background)
        if self.timeline is None:
            painter.end()
            return
        left = self.horizontalScrollBar().value()
        top = self.verticalScrollBar().value()
        x0, x1 = float(left), float(left + self.chart_width())
        painter.save()
        painter.setClipRect(QRectF(LABEL_WIDTH, HEADER_HEIGHT, x1 - x0, self.chart_height()))
        painter.translate(LABEL_WIDTH - left, HEADER_HEIGHT - top)
        first, last = self.moment_at(x0), self.moment_at(x1)
        band_font = QFont(self.font())
        band_font.setPointSizeF(band_font.pointSizeF() * 0.85)
        bar_font = QFont(self.font())
        bar_font.setPointSizeF(bar_font.pointSizeF() * 0.75)
        for index, lane in enumerate(self.timeline.lanes):
            y = index * LANE_HEIGHT
            if y + LANE_HEIGHT < top or y > top + self.chart_height():
                continue
            if index % 2:
                painter.fillRect(QRectF(x0, y, x1 - x0, LANE_HEIGHT), PALETTE.lane_alternate)
            painter.setPen(QPen(PALETTE.grid, 1))
            painter.drawLine(QPointF(x0, y + LANE_HEIGHT - 0.5), QPointF(x1, y + LANE_HEIGHT - 0.5))
            for band in lane.bands_meeting(first, last):
                self._paint_band(painter, band, y, x0, x1, band_font)
            drawn: set[tuple[int, str]] = set()
            for bar in lane.bars_meeting(first, last):
                box = self._bar_box(bar)
                spot = (int(box[0]), bar.outcome)
                if spot in drawn and bar.deployment_id != self.selected:
                    continue  # zoomed far out: bars of one outcome fall on the same pixels
                drawn.add(spot)
                self._paint_bar(painter, bar, box, y, bar_font)
        if self.now is not None:
            x = self.x_of(self.now)
            painter.setPen(QPen(PALETTE.today, 1.6))
            painter.drawLine(QPointF(x, top), QPointF(x, top + self.chart_height()))
        painter.restore()
        self._paint_header(painter, x0, x1)
        self._paint_labels(painter, top)
        painter.end()

    def _paint_band(
        self, painter: QPainter, band: Band, y: float, x0: float, x1: float, font: QFont
    ) -> None:
        start = self.x_of(band.start)
        end = self.x_of(band.end) if band.end is not None else x1 + 10
        if end < x0 or start > x1:
            return
        box = QRectF(start, y + BAND_TOP, max(1.0, end - start), BAND_HEIGHT)
        colour = release_colour(band.release_id)
        if band.state is BandState.ROLLED_BACK:
            painter.setPen(QPen(PALETTE.rolled_back, 1))
            painter.setBrush(QBrush(PALETTE.rolled_back, Qt.BrushStyle.BDiagPattern))
        elif band.state is BandState.PLANNED:
            fill = QColor(colour)
            fill.setAlpha(90)
            painter.setPen(QPen(colour.darker(150), 1, Qt.PenStyle.DashLine))
            painter.setBrush(fill)
        else:
            painter.setPen(QPen(colour.darker(125), 1))
            painter.setBrush(colour)
        painter.drawRect(box.adjusted(0.5, 0.5, -0.5, -0.5))
        font.setBold(band.state is BandState.LIVE)
        painter.setFont(font)
        # The version stays readable at the left edge of the view while its band runs on.
        shown_left = max(box.left(), x0)
        visible = QRectF(
            shown_left + 5, box.top(), min(box.right(), x1) - shown_left - 9, box.height()
        )
        if visible.width() <= 14:
            return
        text = QFontMetricsF(font).elidedText(
            band.label, Qt.TextElideMode.ElideRight, visible.width()
        )
        if text:
            painter.setPen(PALETTE.muted if band.state is BandState.PLANNED else PALETTE.text)
            painter.drawText(visible, Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_bar(
        self, painter: QPainter, bar: Bar, span: tuple[float, float], y: float, font: QFont
    ) -> None:
        x0, x1 = span
        box = QRectF(x0, y + BAR_TOP, x1 - x0, BAR_HEIGHT)
        colour = PALETTE.outcome(bar.outcome)
        if bar.outcome == "planned":
            # Dashed where there is room for dashes; a thin bar reads better solid.
            style = Qt.PenStyle.DashLine if box.width() > 12 else Qt.PenStyle.SolidLine
            painter.setPen(QPen(colour, 1.2, style))
            painter.setBrush(PALETTE.background)
        elif bar.outcome == "rolled_back":
            painter.setPen(QPen(colour, 1))
            painter.setBrush(QBrush(colour, Qt.BrushStyle.Dense4Pattern))
        else:
            painter.setPen(QPen(colour.darker(115), 1))
            painter.setBrush(colour)
        if box.width() < 8:
            painter.drawRect(box)  # too thin for rounded corners to show; far cheaper
        else:
            painter.drawRoundedRect(box, 2, 2)
        if bar.deployment_id == self.selected:
            painter.setPen(QPen(PALETTE.today, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box.adjusted(-3, -3, 3, 3), 4, 4)
        if box.width() > 16 and QFontMetricsF(font).horizontalAdvance(bar.label) + 6 <= box.width():
            painter.setFont(font)
            painter.setPen(colour if bar.outcome == "planned" else PALETTE.background)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, bar.label)

    def _paint_header(self, painter: QPainter, x0: float, x1: float) -> None:
        width = self.viewport().width()
        painter.fillRect(QRectF(0, 0, width, HEADER_HEIGHT), PALETTE.header)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.9)
        painter.setFont(font)
        metrics = QFontMetricsF(font)

        def fits(text: str, room: float) -> bool:
            return metrics.horizontalAdvance(text) + 12 <= room

        painter.save()
        painter.setClipRect(QRectF(LABEL_WIDTH, 0, width - LABEL_WIDTH, HEADER_HEIGHT))
        painter.translate(LABEL_WIDTH - x0, 0)
        for row, unit in enumerate(self.scale.units()):
            top = row * TIER_HEIGHT
            for cell in tier(self.scale, unit, x0, x1, fits):
                painter.setPen(QPen(PALETTE.grid_strong if row == 0 else PALETTE.grid, 1))
                painter.drawLine(QPointF(cell.x0, top + 4), QPointF(cell.x0, top + TIER_HEIGHT))
                start = max(cell.x0, x0)
                label = cell.label if fits(cell.label, cell.x1 - start) else ""
                painter.setPen(PALETTE.header_text)
                box = QRectF(start + 5, top, cell.x1 - start - 6, TIER_HEIGHT)
                painter.drawText(box, Qt.AlignmentFlag.AlignVCenter, label)
        if self.now is not None:
            x = self.x_of(self.now)
            flag = QRectF(x - 22, TIER_HEIGHT + 3, 44, TIER_HEIGHT - 6)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(PALETTE.today)
            painter.drawRoundedRect(flag, 3, 3)
            painter.setPen(PALETTE.background)
            painter.drawText(flag, Qt.AlignmentFlag.AlignCenter, "Now")
        painter.restore()
        painter.setPen(QPen(PALETTE.grid_strong, 1))
        painter.drawLine(QPointF(0, TIER_HEIGHT), QPointF(width, TIER_HEIGHT))
        painter.drawLine(QPointF(0, HEADER_HEIGHT - 0.5), QPointF(width, HEADER_HEIGHT - 0.5))

    def _paint_labels(self, painter: QPainter, top: float) -> None:
        assert self.timeline is not None
        height = self.viewport().height()
        painter.fillRect(QRectF(0, 0, LABEL_WIDTH, height), PALETTE.background)
        painter.fillRect(QRectF(0, 0, LABEL_WIDTH, HEADER_HEIGHT), PALETTE.header)
        bold = QFont(self.font())
        bold.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.85)
        painter.setFont(bold)
        painter.setPen(PALETTE.header_text)
        painter.drawText(
            QRectF(12, 0, LABEL_WIDTH - 12, HEADER_HEIGHT),
            Qt.AlignmentFlag.AlignVCenter,
            "Environments",
        )
        painter.save()
        painter.setClipRect(QRectF(0, HEADER_HEIGHT, LABEL_WIDTH, height - HEADER_HEIGHT))
        painter.translate(0, HEADER_HEIGHT - top)
        for index, lane in enumerate(self.timeline.lanes):
            y = index * LANE_HEIGHT
            if index % 2:
                painter.fillRect(QRectF(0, y, LABEL_WIDTH, LANE_HEIGHT), PALETTE.lane_alternate)
            painter.setPen(QPen(PALETTE.grid, 1))
            painter.drawLine(
                QPointF(0, y + LANE_HEIGHT - 0.5), QPointF(LABEL_WIDTH, y + LANE_HEIGHT - 0.5)
            )
            if lane.tier == "production":
                painter.fillRect(QRectF(0, y + 1, 3, LANE_HEIGHT - 2), PALETTE.harden)
            painter.setFont(bold)
            painter.setPen(PALETTE.text)
            painter.drawText(
                QRectF(12, y + 8, LABEL_WIDTH - 20, 20), Qt.AlignmentFlag.AlignVCenter, lane.name
            )
            live = lane.live_at(self.now) if self.now is not None else None
            second = lane.tier.capitalize()
            if live is not None and live.state is BandState.LIVE:
                second += f"  ·  {live.label} live"
            painter.setFont(small)
            painter.setPen(PALETTE.muted)
            painter.drawText(
                QRectF(12, y + 30, LABEL_WIDTH - 20, 20), Qt.AlignmentFlag.AlignVCenter, second
            )
        painter.restore()
        painter.setPen(QPen(PALETTE.grid_strong, 1))
        painter.drawLine(QPointF(LABEL_WIDTH - 0.5, 0), QPointF(LABEL_WIDTH - 0.5, height))


def _bar_tip(bar: Bar, found: tuple[EnvironmentLane, float] | None) -> str:
    where = f" to {found[0].name}" if found is not None else ""
    when = "Actual" if bar.actual else "Planned"
    lines = [
        f"{bar.label}{where}: {OUTCOME_TEXT.get(bar.outcome, bar.outcome)}",
        f"{when}: {format_local(bar.start)} – {bar.end:%H:%M}",
    ]
    if bar.incident:
        lines.append(f"Incident: {bar.incident}")
    lines.append("Click to select it in the deployments list")
    return "\n".join(lines)
