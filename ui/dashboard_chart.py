"""A painted month-by-month bar chart for the dashboard: stacked series, a value on each bar.

QtCharts would bring pyside6-addons (some 200 MB) for three small charts; QPainter draws them
in the product's palette with the same text rendering as the rest of the window.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget
from typing_extensions import override

TEXT = QColor("#2b3340")
MUTED = QColor("#6b7280")
GRID = QColor("#e5e7eb")
AXIS = QColor("#cbd5e1")
TICKS = 4  # grid lines above the axis


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    colour: QColor
    values: tuple[float | None, ...]  # one per month; None: nothing to measure


def tick_step(value: float, ticks: int, whole: bool) -> float:
    """The smallest 1, 2 or 5 times a power of ten that reaches ``value`` in ``ticks`` steps
    (whole numbers only when ``whole``: a count has no half deployments)."""
    if value <= 0:
        return 1.0
    wanted = value / ticks
    power = 10.0 ** math.floor(math.log10(wanted))
    step = next(s * power for s in (1, 2, 5, 10) if wanted <= s * power + 1e-12)
    return max(step, 1.0) if whole else step


class MonthlyChart(QWidget):
    """Bars per month (series stacked), a light grid, the month under each bar."""

    def __init__(
        self,
        title: str,
        label: Callable[[float], str],
        whole: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self._label = label
        self._whole = whole
        self.months: tuple[str, ...] = ()
        self.series: tuple[Series, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(170)

    def set_data(self, months: Sequence[str], series: Sequence[Series]) -> None:
        self.months, self.series = tuple(months), tuple(series)
        self.setToolTip(self._tooltip())
        self.update()

    def totals(self) -> list[float | None]:
        """Each month's stacked total; None where no series has a value."""
        out: list[float | None] = []
        for n in range(len(self.months)):
            values = [s.values[n] for s in self.series if s.values[n] is not None]
            out.append(sum(v for v in values if v is not None) if values else None)
        return out

    def _tooltip(self) -> str:
        lines = [f"<b>{self.title}</b>"]
        for n, month in enumerate(self.months):
            parts = [
                f"{s.name} {self._label(value)}"
                for s in self.series
                if (value := s.values[n]) is not None
            ]
            lines.append(f"{month}: {', '.join(parts) if parts else 'nothing measured'}")
        return "<br>".join(lines)

    @override
    def sizeHint(self) -> QSize:
        return QSize(360, 200)

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        font = QFont(self.font())
        title_font = QFont(font)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(TEXT)
        metrics = painter.fontMetrics()
        line = metrics.height()
        painter.drawText(QPointF(10, 6 + metrics.ascent()), self.title)
        self._legend(painter, 10 + metrics.horizontalAdvance(self.title) + 16, 6, line)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        line = metrics.height()

        left, right, top, bottom = 40.0, 10.0, 14.0 + 2 * line, 8.0 + line
        area = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        if area.width() < 40 or area.height() < 30 or not self.months:
            painter.setPen(MUTED)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No deployments yet")
            painter.end()
            return
        totals = self.totals()
        step = tick_step(max((t for t in totals if t is not None), default=0.0), TICKS, self._whole)
        top_value = step * TICKS

        def y(value: float) -> float:
            return area.bottom() - area.height() * value / top_value

        for tick in range(TICKS + 1):
            value = step * tick
            painter.setPen(QPen(GRID if tick else AXIS, 1))
            painter.drawLine(QPointF(area.left(), y(value)), QPointF(area.right(), y(value)))
            painter.setPen(MUTED)
            painter.drawText(
                QRectF(0, y(value) - line / 2, left - 6, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                self._label(value),
            )

        slot = area.width() / len(self.months)
        bar = max(3.0, min(36.0, slot * 0.62))
        every = max(1, math.ceil(metrics.horizontalAdvance("Mmm 00") * 1.2 / slot))
        for n, month in enumerate(self.months):
            centre = area.left() + slot * (n + 0.5)
            base = 0.0
            for series in self.series:
                part = series.values[n]
                if not part:
                    continue
                rect = QRectF(centre - bar / 2, y(base + part), bar, y(base) - y(base + part))
                painter.fillRect(rect, series.colour)
                base += part
            total = totals[n]
            if total is not None and slot >= metrics.horizontalAdvance("00.0") + 4:
                painter.setPen(TEXT if total else MUTED)
                painter.drawText(
                    QRectF(centre - slot / 2, y(base) - line - 1, slot, line),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                    self._label(total),
                )
            if n % every == 0:
                painter.setPen(MUTED)
                painter.drawText(
                    QRectF(centre - slot * every / 2, area.bottom() + 3, slot * every, line),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    month,
                )
        painter.end()

    def _legend(self, painter: QPainter, x: float, top: float, line: float) -> None:
        if len(self.series) < 2:
            return
        font = QFont(self.font())
        painter.setFont(font)
        metrics = painter.fontMetrics()
        for series in self.series:
            painter.fillRect(QRectF(x, top + line / 2 - 4, 9, 9), series.colour)
            painter.setPen(MUTED)
            painter.drawText(QPointF(x + 13, top + metrics.ascent()), series.name)
            x += 13 + metrics.horizontalAdvance(series.name) + 12
