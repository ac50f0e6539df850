"""The Runbook tab's small Gantt: a bar per forward step on a minutes-from-T0 axis.

app/timeline/scale.py maps calendar days, and a runbook lives in minutes inside one
evening, so the axis here is a plain linear map; the bars and critical steps come from
app/runbook_timeline.py, which the engine computed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget
from typing_extensions import override

from app.runbook_timeline import Timeline
from app.runbooks import ExecutionRow, StepRow

ROW = 18
LABEL = 220
AXIS = 22
BAR = QColor("#4a7fc1")
CRITICAL = QColor("#d64545")
ACTUAL = QColor("#7a7a7a")
ACTUAL_LATE = QColor("#e08a00")
GRID = QColor("#e3e6ea")
LINK = QColor("#8a94a3")
TEXT = QColor("#30343a")


class RunbookGantt(QWidget):
    """Paints the planned bars (critical in red) and, during a run, the actual bars under
    them (amber when late)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps: list[StepRow] = []
        self.timeline = Timeline({}, 0, [])
        self.executions: dict[int, ExecutionRow] = {}
        self.run_start: dt.datetime | None = None
        self.late: set[int] = set()
        self.links: list[tuple[int, int]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_plan(
        self,
        steps: Sequence[StepRow],
        timeline: Timeline,
        run_start: dt.datetime | None = None,
        executions: dict[int, ExecutionRow] | None = None,
        late: set[int] | None = None,
        links: Sequence[tuple[int, int]] = (),
    ) -> None:
        self.steps = [s for s in steps if s.id in timeline.steps]
        shown = {s.id for s in self.steps}
        self.links = [(a, b) for a, b in links if a in shown and b in shown]
        self.timeline, self.run_start = timeline, run_start
        self.executions, self.late = executions or {}, late or set()
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    @override
    def sizeHint(self) -> QSize:
        return QSize(600, AXIS + ROW * len(self.steps) + 6)

    def _span(self) -> int:
        end = self.timeline.total
        if self.run_start is not None:
            for done in self.executions.values():
                if done.finished_at is not None:
                    end = max(end, _minutes(done.finished_at - self.run_start))
        return max(end, 10)

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        span = self._span()
        width = max(50, self.width() - LABEL - 16)
        scale = width / span

        def x(minute: float) -> float:
            return LABEL + minute * scale

        step = next((s for s in (5, 10, 15, 30, 60, 120, 240) if s * scale >= 48), 480)
        font = painter.font()
        font.setPointSizeF(8.0)
        painter.setFont(font)
        for minute in range(0, span + 1, step):
            painter.setPen(QPen(GRID))
            painter.drawLine(int(x(minute)), AXIS - 4, int(x(minute)), event.rect().bottom())
            painter.setPen(TEXT)
            label = f"+{minute // 60}:{minute % 60:02d}" if minute else "T0"
            painter.drawText(
                QRectF(x(minute) - 30, 2, 60, AXIS - 6), Qt.AlignmentFlag.AlignCenter, label
            )
        exposed = event.rect()
        first = max(0, (exposed.top() - AXIS) // ROW)
        last = min(len(self.steps), (exposed.bottom() - AXIS) // ROW + 1)
        self._paint_links(painter, x, first, last)
        # Only the rows in the exposed strip: a 1,000-step runbook repaints what is seen.
        for row in range(first, last):
            step_row = self.steps[row]
            top = AXIS + row * ROW
            times = self.timeline.steps[step_row.id]
            painter.setPen(TEXT)
            painter.drawText(
                QRectF(6, top, LABEL - 12, ROW),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                painter.fontMetrics().elidedText(
                    step_row.label, Qt.TextElideMode.ElideRight, LABEL - 12
                ),
            )
            colour = CRITICAL if times.critical else BAR
            planned = QRectF(
                x(times.start), top + 3, max(2.0, (times.finish - times.start) * scale), 7
            )
            painter.fillRect(planned, colour)
            if step_row.point_of_no_return:
                painter.setPen(QPen(CRITICAL, 2))
                painter.drawLine(
                    int(planned.right()) + 2, top + 1, int(planned.right()) + 2, top + ROW - 2
                )
            done = self.executions.get(step_row.id)
            if self.run_start is not None and done is not None and done.started_at is not None:
                start = _minutes(done.started_at - self.run_start)
                end = (
                    _minutes(done.finished_at - self.run_start)
                    if done.finished_at is not None
                    else start + 1
                )
                actual = QRectF(x(start), top + 11, max(2.0, (end - start) * scale), 5)
                painter.fillRect(actual, ACTUAL_LATE if step_row.id in self.late else ACTUAL)
        painter.end()

    def _paint_links(
        self, painter: QPainter, x: Callable[[float], float], first: int, last: int
    ) -> None:
        """A wait as an elbow from the end of the step waited for down (or up) to the start
        of the waiting step, under the bars; only links that cross the exposed rows."""
        rows = {s.id: r for r, s in enumerate(self.steps)}
        painter.setPen(QPen(LINK, 1))
        for step_id, waits_for in self.links:
            a, b = rows[waits_for], rows[step_id]
            if max(a, b) < first or min(a, b) >= last:
                continue
            start_x = x(self.timeline.steps[waits_for].finish)
            end_x = x(self.timeline.steps[step_id].start)
            from_y = AXIS + a * ROW + 6.5
            to_y = AXIS + b * ROW + 6.5
            corner = max(start_x, end_x - 4)
            path = QPainterPath(QPointF(start_x, from_y))
            path.lineTo(corner, from_y)
            path.lineTo(corner, to_y)
            path.lineTo(end_x, to_y)
            painter.drawPath(path)
            if end_x > corner:
                tip = QPolygonF()
                for dx, dy in ((0, 0), (-4, -3), (-4, 3)):
                    tip.append(QPointF(end_x + dx, to_y + dy))
                painter.setBrush(LINK)
                painter.drawPolygon(tip)
                painter.setBrush(Qt.BrushStyle.NoBrush)


def _minutes(delta: dt.timedelta) -> int:
    return round(delta.total_seconds() / 60)
