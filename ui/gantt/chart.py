"""The timeline: a scroll area that paints one viewport of chart geometry, and its header.

There is no item per bar: each paint builds the frame (bars, connectors, bands, markers) for
the visible rows and dates only, so a viewport costs the same at 1,000 and 100,000 items.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QFrame, QToolTip, QWidget
from typing_extensions import override

from app.chart_marks import ChartMark, MarkKind
from app.plan import Plan
from app.plan_data import ItemRow
from app.timeline.background import Background, BandKind, MarkerKind, background
from app.timeline.layout import Bar, BarKind, BaselineDates, RowMetrics, bar_for, frame
from app.timeline.plan_rows import PlanRows
from app.timeline.scale import (
    MAX_DAY_WIDTH,
    MIN_DAY_WIDTH,
    TimeScale,
    Unit,
    fit_day_width,
    step_in,
    step_out,
    tier,
)
from ui.formatting import format_date, working_days
from ui.gantt import painting, palette
from ui.gantt.interactions import Drag, start_drag
from ui.plan_editor import PlanEditor

# Days shown before the release starts and after it ends, so bars can be dragged past them.
LEAD_DAYS = 21
TAIL_DAYS = 60
RESIZE_GRIP = 6.0  # pixels at a task's right end that resize rather than move it


@dataclass(frozen=True, slots=True)
class Hit:
    """What the mouse is over: an item's bar and which part of it."""

    row: int
    item: ItemRow
    bar: Bar
    at_end: bool  # the resize grip of a task


class TimeHeader(QWidget):
    """Two tiers of time units over the timeline, scrolled with it."""

    def __init__(self, chart: GanttChart) -> None:
        super().__init__(chart)
        self._chart = chart
        self.bold = QFont(self.font())
        self.bold.setBold(True)

    def tier_height(self) -> int:
        return int(QFontMetricsF(self.font()).height()) + 8

    @override
    def sizeHint(self) -> QSize:
        return QSize(200, 2 * self.tier_height())

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        chart = self._chart
        p = QPainter(self)
        p.fillRect(self.rect(), palette.HEADER_FILL)
        scale, left = chart.scale, float(chart.horizontalScrollBar().value())
        width, half = float(self.width()), float(self.tier_height())
        upper, lower = scale.units()
        metrics = QFontMetricsF(self.font())
        bold_metrics = QFontMetricsF(self.bold)

        def fits(text: str, room: float) -> bool:
            # Every day gets the same form: measured on the widest ("Wed 30", not "Fri 4").
            sample = "Wed 30" if lower is Unit.DAY and " " in text else text
            return metrics.horizontalAdvance(sample) + 10 <= room

        def fits_bold(text: str, room: float) -> bool:
            return bold_metrics.horizontalAdvance(text) + 12 <= room

        p.translate(-left, 0)
        p.setFont(self.bold)
        for cell in tier(scale, upper, left, left + width, fits_bold):
            p.setPen(palette.HEADER_LINE)
            p.drawLine(QPointF(round(cell.x0) + 0.5, 0), QPointF(round(cell.x0) + 0.5, 2 * half))
            # The label stays in view while its cell is partly scrolled off (a sticky label).
            x = max(cell.x0, left) + 6
            if cell.label and x + bold_metrics.horizontalAdvance(cell.label) <= cell.x1 - 2:
                p.setPen(palette.HEADER_TEXT)
                p.drawText(
                    QRectF(x, 0, cell.x1 - x, half), Qt.AlignmentFlag.AlignVCenter, cell.label
                )
        p.setFont(self.font())
        workdays = chart.workdays()
        for cell in tier(scale, lower, left, left + width, fits):
            p.setPen(palette.HEADER_LINE)
            p.drawLine(QPointF(round(cell.x0) + 0.5, half), QPointF(round(cell.x0) + 0.5, 2 * half))
            if cell.label:
                off = lower is Unit.DAY and cell.first.weekday() not in workdays
                p.setPen(palette.HEADER_WEEKEND_TEXT if off else palette.HEADER_TEXT)
                p.drawText(
                    QRectF(cell.x0, half, cell.x1 - cell.x0, half),
                    Qt.AlignmentFlag.AlignCenter,
                    cell.label,
                )
        p.setPen(palette.HEADER_LINE)
        p.drawLine(QPointF(left, half + 0.5), QPointF(left + width, half + 0.5))
        p.drawLine(QPointF(left, 2 * half - 0.5), QPointF(left + width, 2 * half - 0.5))
        today = chart.today()
        if today is not None:
            x = scale.x_mid(today)
            p.setPen(QPen(palette.MARKERS[MarkerKind.TODAY], 2))
            p.drawLine(QPointF(x, half + 3), QPointF(x, 2 * half))
        p.end()


class GanttChart(QAbstractScrollArea):
    """The right pane of the Gantt: rows from PlanRows, geometry from app/timeline."""

    clicked = Signal(object, object)  # item id or None, Qt.KeyboardModifier
    activated = Signal(int)  # a bar was double-clicked
    zoomed = Signal(float)  # the new day width

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ganttChart")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.viewport().setMouseTracking(True)
        self.viewport().setAutoFillBackground(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._today = today
        self.plan: Plan | None = None
        self.rows: PlanRows | None = None
        self.editing: PlanEditor | None = None  # None while the plan is read-only
        height = max(24, int(QFontMetricsF(self.font()).height()) + 10)
        self.metrics = RowMetrics(height=float(height), milestone_size=round(height * 0.5))
        self.scale = TimeScale(dt.date.today(), 16.0)
        self.span = (self.scale.origin, self.scale.origin + dt.timedelta(days=90))
        self.critical = False
        self.selected: frozenset[int] = frozenset()
        self.highlighted: frozenset[int] = frozenset()  # what a what-if would move
        self.baseline: BaselineDates | None = None
        self.drag: Drag | None = None
        self._press: tuple[QPointF, Hit, Qt.KeyboardModifier] | None = None
        self.pressed_at = QPointF()  # viewport position of the last press
        self._refused = False  # a drag that may not happen (a phase, a read-only plan)
        self._select_on_release: int | None = None
        self._background: Background | None = None
        self.marks: list[ChartMark] = []  # conflicts and communications of the release
        self.painted_marks: list[ChartMark] = []  # those the last paint drew
        self._fit_pending = False
        self.bold = QFont(self.font())
        self.bold.setBold(True)
        self.small = QFont(self.font())
        self.small.setPointSizeF(self.font().pointSizeF() * 0.9)
        self.header = TimeHeader(self)
        self.setViewportMargins(0, self.header_height, 0, 0)
        self.horizontalScrollBar().valueChanged.connect(lambda _v: self.header.update())
        self.horizontalScrollBar().setSingleStep(24)
        self.verticalScrollBar().setSingleStep(height)

    @property
    def header_height(self) -> int:
        return self.header.sizeHint().height()

    # -- what is shown -----------------------------------------------------------------------

    def set_source(self, plan: Plan | None, rows: PlanRows | None) -> None:
        self.plan, self.rows = plan, rows
        self.drag = None
        self.update_span()
        self.update_ranges()
        self.viewport().update()

    def workdays(self) -> frozenset[int]:
        return self.plan.state.settings.work_week if self.plan is not None else frozenset(range(5))

    def today(self) -> dt.date | None:
        return self._today() if self.plan is not None else None

    def release_dates(self) -> tuple[dt.date, dt.date] | None:
        """First and last day of the shown release: its start (or first bar) to its target or
        scheduled finish, whichever is later."""
        plan, rows = self.plan, self.rows
        if plan is None or rows is None or rows.release_id is None:
            return None
        if rows.release_id not in plan.state.releases:
            return None
        release = plan.state.release_row(rows.release_id)
        first = release.start_date
        if first is None and len(rows):
            first = rows.item(0).start
        ends = [d for d in (release.target_date, release.finish, release.actual_date) if d]
        if first is None and ends:
            first = min(ends)
        if first is None:
            return None
        return first, max([first, *ends])

    def update_span(self) -> None:
        """The dates the scroll bar covers: the release with room either side."""
        dates = self.release_dates()
        if dates is None:
            today = self._today()
            dates = (today, today + dt.timedelta(days=30))
        first, last = dates
        lo, hi = first - dt.timedelta(days=LEAD_DAYS), last + dt.timedelta(days=TAIL_DAYS)
        self._set_span(lo, hi)

    def _set_span(self, lo: dt.date, hi: dt.date) -> None:
        keep = self.date_at_view_x(0.0)
        self.span = (lo, hi)
        self.scale = TimeScale(lo, self.scale.day_width)
        self.update_ranges()
        self.horizontalScrollBar().setValue(round(self.scale.x(keep)))

    def cover(self, day: dt.date) -> None:
        """Widen the span so that ``day`` can be scrolled to."""
        lo, hi = self.span
        if day < lo + dt.timedelta(days=7) or day > hi - dt.timedelta(days=7):
            self._set_span(
                min(lo, day - dt.timedelta(days=LEAD_DAYS)),
                max(hi, day + dt.timedelta(days=TAIL_DAYS)),
            )

    def update_ranges(self) -> None:
        view = self.viewport().size()
        width = self.scale.x_after(self.span[1])
        count = len(self.rows) if self.rows is not None else 0
        height = count * self.metrics.height
        horizontal, vertical = self.horizontalScrollBar(), self.verticalScrollBar()
        horizontal.setRange(0, max(0, round(width) - view.width()))
        horizontal.setPageStep(max(1, view.width()))
        vertical.setRange(0, max(0, round(height) - view.height()))
        vertical.setPageStep(max(1, view.height()))
        self.header.update()

    # -- coordinates -------------------------------------------------------------------------

    def view_x(self, day: dt.date) -> float:
        """Viewport x of the left edge of ``day``."""
        return self.scale.x(day) - self.horizontalScrollBar().value()

    def date_at_view_x(self, x: float) -> dt.date:
        return self.scale.date_at(x + self.horizontalScrollBar().value())

    def row_top(self, row: int) -> float:
        """Viewport y of the top of ``row``."""
        return self.metrics.top(row) - self.verticalScrollBar().value()

    def to_content(self, pos: QPointF) -> QPointF:
        return QPointF(
            pos.x() + self.horizontalScrollBar().value(), pos.y() + self.verticalScrollBar().value()
        )

    def bar_of(self, item_id: int) -> Bar | None:
        """An item's bar in content coordinates (None when hidden or without dates)."""
        if self.rows is None:
            return None
        row = self.rows.row_of(item_id)
        if row is None:
            return None
        return bar_for(self.rows.item(row), row, self.scale, self.metrics, self.baseline)

    def set_marks(self, marks: list[ChartMark]) -> None:
        self.marks = marks
        self.viewport().update()

    def mark_rect(self, mark: ChartMark) -> QRectF:
        """Where a mark is drawn, in content coordinates: at the top of its row, centred on its
        day while the day is wide enough, and side by side with the others of that day."""
        size = round(self.metrics.height * 0.6)
        x = self.scale.x(mark.day) + max(self.scale.day_width, size) / 2 + mark.slot * (size + 5)
        return QRectF(x - size / 2, self.metrics.top(mark.row) + 3, size, size)

    def mark_at(self, pos: QPointF) -> ChartMark | None:
        """The mark under a viewport position (the last one drawn wins, as on screen)."""
        content = self.to_content(pos)
        for mark in reversed(self.marks):
            if self.mark_rect(mark).adjusted(-1, -1, 1, 1).contains(content):
                return mark
        return None

    def hit(self, pos: QPointF) -> Hit | None:
        """The bar under a viewport position (its row's whole height counts)."""
        return self.hit_content(self.to_content(pos))

    def hit_content(self, content: QPointF) -> Hit | None:
        rows = self.rows
        if rows is None:
            return None
        row = int(content.y() // self.metrics.height)
        if not 0 <= row < len(rows) or content.y() < 0:
            return None
        item = rows.item(row)
        shape = bar_for(item, row, self.scale, self.metrics, self.baseline)
        if shape is None:
            return None
        x = content.x()
        if not shape.left - 3 <= x <= shape.right + 3:
            return None
        at_end = (
            shape.kind is BarKind.TASK
            and shape.x1 - shape.x0 >= 2 * RESIZE_GRIP
            and x >= shape.x1 - RESIZE_GRIP
        )
        return Hit(row, item, shape, at_end)

    # -- zoom and scrolling ------------------------------------------------------------------

    def set_day_width(self, width: float, anchor: float | None = None) -> None:
        """Zoom so that the moment under viewport x ``anchor`` (the middle by default) stays."""
        width = min(MAX_DAY_WIDTH, max(MIN_DAY_WIDTH, width))
        if anchor is None:
            anchor = self.viewport().width() / 2
        content = anchor + self.horizontalScrollBar().value()
        self.scale, new_x = self.scale.zoomed(width, content)
        self.update_ranges()
        self.horizontalScrollBar().setValue(round(new_x - anchor))
        self.viewport().update()
        self.zoomed.emit(self.scale.day_width)

    def zoom_in(self, anchor: float | None = None) -> None:
        self.set_day_width(step_in(self.scale.day_width), anchor)

    def zoom_out(self, anchor: float | None = None) -> None:
        self.set_day_width(step_out(self.scale.day_width), anchor)

    def zoom_to_fit(self) -> None:
        """Show the whole release (start to target or finish) in the viewport."""
        dates = self.release_dates()
        if dates is None:
            return
        first, last = dates
        room = max(100.0, self.viewport().width() - 160.0)  # room for the last bars' names
        self.set_day_width(fit_day_width(first, last, room))
        self.horizontalScrollBar().setValue(round(self.scale.x(first) - 24))

    def request_fit(self) -> None:
        """Zoom to fit now, or once the chart has its size (a tab not shown yet has none)."""
        self._fit_pending = True
        self._fit_if_pending()

    def _fit_if_pending(self) -> None:
        if self._fit_pending and self.isVisible() and self.viewport().width() > 200:
            self._fit_pending = False
            self.zoom_to_fit()

    def go_to(self, day: dt.date) -> None:
        """Scroll so that ``day`` is a little right of the viewport's left edge."""
        self.cover(day)
        self.horizontalScrollBar().setValue(round(self.scale.x(day) - self.viewport().width() / 5))

    def scroll_to_row(self, row: int) -> None:
        top, bottom = self.metrics.top(row), self.metrics.top(row + 1)
        bar = self.verticalScrollBar()
        if top < bar.value():
            bar.setValue(round(top))
        elif bottom > bar.value() + self.viewport().height():
            bar.setValue(round(bottom - self.viewport().height()))

    # -- painting ----------------------------------------------------------------------------

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self.viewport())
        self.paint(p, QRectF(self.viewport().rect()))
        p.end()

    def paint(self, p: QPainter, view: QRectF) -> None:
        """Paint the window at the scroll position into ``view`` (viewport coordinates)."""
        p.fillRect(view, palette.BACKGROUND)
        rows, plan = self.rows, self.plan
        if rows is None or plan is None:
            return
        left, top = (
            float(self.horizontalScrollBar().value()),
            float(self.verticalScrollBar().value()),
        )
        x0, x1 = left + view.left(), left + view.right() + 1
        y0, y1 = top + view.top(), top + view.bottom() + 1
        p.translate(-left, -top)
        visible = self.metrics.rows_in(y0, y1, len(rows))
        state = plan.state
        release = (
            [state.release_row(rows.release_id)]
            if rows.release_id is not None and rows.release_id in state.releases
            else []
        )
        windows = [
            w for w in plan.calendar.rows() if w.kind != "holiday" or w.environment_id is None
        ]
        scene = background(
            self.scale,
            x0,
            x1,
            workdays=state.settings.work_week,
            holidays=state.holidays,
            windows=windows,
            releases=release,
            today=self._today(),
        )
        self._background = scene
        selected_rows = [r for r in visible if rows.item_id(r) in self.selected]
        # Stripes first: the days off and holidays shade every row alike, striped or not.
        painting.rows(p, visible, self.metrics, x0, x1, selected_rows)
        shown = [b for b in scene.bands if b.kind in (BandKind.NONWORKING, BandKind.HOLIDAY)]
        painting.bands(p, shown, y0, y1, self.small)
        lower, upper = self.scale.units()[1], self.scale.units()[0]
        if self.scale.day_width >= 2.5 or lower is not Unit.DAY:
            minor = tier(self.scale, lower, x0, x1, lambda _t, _w: False)
            major = tier(self.scale, upper, x0, x1, lambda _t, _w: False)
            painting.grid(p, minor, major, y0, y1)
        windows_shown = [
            b for b in scene.bands if b.kind not in (BandKind.NONWORKING, BandKind.HOLIDAY)
        ]
        painting.bands(p, windows_shown, y0, y1, self.small)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painting.markers(p, scene.markers, y0, y1, self.small)
        shapes = frame(rows, visible, self.scale, self.metrics, self.baseline)
        painting.connectors(p, shapes.connectors, self.critical)
        for shape in shapes.bars:
            painting.baseline(p, shape, self.metrics)
            if shape.item_id in self.highlighted:
                painting.halo(p, shape)
            label_x = painting.bar(p, shape, self.critical, shape.item_id in self.selected)
            painting.label(p, shape, label_x, self.font(), self.bold)
        self.painted_marks = []
        for mark in self.marks:
            rect = self.mark_rect(mark)
            if rect.right() < x0 or rect.left() > x1 or rect.bottom() < y0 or rect.top() > y1:
                continue
            if mark.kind in (MarkKind.CONFLICT, MarkKind.WARNING):
                painting.conflict_mark(p, rect, mark.kind is MarkKind.WARNING)
            else:
                painting.communication_mark(p, rect, mark.kind is MarkKind.SENT)
            self.painted_marks.append(mark)
        if self.drag is not None:
            self.drag.paint(p)
            p.translate(left, top)
            painting.feedback(
                p, self.drag.mouse - QPointF(left, top), self.drag.feedback, self.font(), view
            )

    # -- events ------------------------------------------------------------------------------

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        rect = self.viewport().geometry()
        self.header.setGeometry(
            QRect(rect.left(), rect.top() - self.header_height, rect.width(), self.header_height)
        )
        self.update_ranges()
        self._fit_if_pending()

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_if_pending()

    @override
    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                factor = 1.25**steps
                self.set_day_width(self.scale.day_width * factor, event.position().x())
            event.accept()
            return
        super().wheelEvent(event)

    @override
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            # The context menu acts on the selection: a right-click on a bar selects it.
            hit = self.hit(event.position())
            if hit is not None and hit.item.id not in self.selected:
                self.clicked.emit(hit.item.id, Qt.KeyboardModifier.NoModifier)
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus()
        pos, mods = event.position(), event.modifiers()
        hit = self.hit(pos)
        self._select_on_release = None
        self._refused = False
        if hit is None:
            self._press = None
            self.clicked.emit(None, mods)
            return
        self._press = (pos, hit, mods)
        self.pressed_at = pos
        multi = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        if mods & multi or hit.item.id not in self.selected:
            self.clicked.emit(hit.item.id, mods & multi)
        elif len(self.selected) > 1:
            # Pressed on one of several selected bars: a drag moves them all, a click
            # selects this one alone.
            self._select_on_release = hit.item.id

    @override
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self.drag is not None:
            self.drag.move(self.to_content(pos), event.modifiers())
            self.viewport().update()
            return
        press = self._press
        if press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            start, hit, mods = press
            if (pos - start).manhattanLength() < QApplication.startDragDistance():
                return
            self._select_on_release = None
            drag = None if self._refused else start_drag(self, hit, mods)
            if drag is None:
                self._refused = True
                self.viewport().setCursor(Qt.CursorShape.ForbiddenCursor)
                return
            self.drag = drag
            self.viewport().setCursor(drag.cursor)
            drag.move(self.to_content(pos), event.modifiers())
            self.viewport().update()
            return
        self._update_cursor(pos, event.modifiers())

    @override
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        drag, self.drag = self.drag, None
        self._press = None
        self._refused = False
        if drag is not None:
            drag.move(self.to_content(event.position()), event.modifiers())
            self.viewport().update()
            drag.finish()
        elif self._select_on_release is not None:
            self.clicked.emit(self._select_on_release, Qt.KeyboardModifier.NoModifier)
        self._select_on_release = None
        self._update_cursor(event.position(), event.modifiers())

    @override
    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        hit = self.hit(event.position())
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.activated.emit(hit.item.id)

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.drag is not None:
            self.drag = None  # nothing was changed yet: dropping the ghost is the cancel
            self._press = None
            self.viewport().unsetCursor()
            self.viewport().update()
            return
        super().keyPressEvent(event)

    def _update_cursor(self, pos: QPointF, mods: Qt.KeyboardModifier) -> None:
        hit = self.hit(pos)
        viewport = self.viewport()
        if hit is None:
            viewport.unsetCursor()
        elif self.editing is None or (
            hit.bar.kind is BarKind.SUMMARY and not mods & Qt.KeyboardModifier.AltModifier
        ):
            viewport.setCursor(Qt.CursorShape.ForbiddenCursor)
        elif mods & Qt.KeyboardModifier.AltModifier:
            viewport.setCursor(Qt.CursorShape.CrossCursor)
        elif hit.at_end:
            viewport.setCursor(Qt.CursorShape.SizeHorCursor)
        else:
            viewport.setCursor(Qt.CursorShape.SizeAllCursor)

    @override
    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def tip_at(self, pos: QPointF) -> str:
        """A mark's text, a bar's facts, or else the band or marker under the mouse."""
        mark = self.mark_at(pos)
        if mark is not None:
            return html.escape(mark.text)
        hit = self.hit(pos)
        if hit is not None:
            return item_tip(hit.item)
        x = pos.x() + self.horizontalScrollBar().value()
        scene = self._background
        if scene is None:
            return ""
        for marker in scene.markers:
            if abs(marker.x - x) <= 3:
                return f"<b>{marker.label}</b><br>{format_date(marker.day)}"
        for band in reversed(scene.bands):
            if band.x0 <= x < band.x1 and band.kind is not BandKind.NONWORKING:
                kind = {
                    BandKind.HOLIDAY: "Holiday",
                    BandKind.FREEZE: "Freeze",
                    BandKind.BLACKOUT: "Blackout",
                    BandKind.CHANGE_WINDOW: "Change window",
                }[band.kind]
                days = f"{format_date(band.first)} – {format_date(band.last)}"
                return f"<b>{band.label}</b><br>{kind}: {days}"
        return ""


def item_tip(item: ItemRow) -> str:
    """Key, name, dates, duration, slack, % done and how late, for a bar's tooltip."""
    lines = [f"<b>{item.key}</b> {item.name}"]
    if item.kind == "milestone":
        lines.append(f"Milestone: {format_date(item.finish)}")
    else:
        lines.append(f"{format_date(item.start)} – {format_date(item.finish)}")
        if item.kind == "task":
            lines.append(f"Duration: {working_days(item.duration)}")
    if item.total_slack is not None:
        lines.append(f"Total slack: {working_days(item.total_slack)}")
    if item.kind != "milestone":
        lines.append(f"Complete: {item.percent_complete}%")
    if item.total_slack is not None and item.total_slack < 0:
        late = working_days(-item.total_slack)
        lines.append(f"<span style='color:#b45309'><b>Late by {late}</b></span>")
    if item.critical:
        lines.append("On the critical path")
    if item.problem:
        lines.append(f"<span style='color:#b91c1c'>{item.problem}</span>")
    return "<br>".join(lines)
