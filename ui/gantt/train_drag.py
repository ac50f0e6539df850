"""Moving a train release by dragging its bar along the train chart: the drag's state, its
snap to whole days, and the ghost bar with the new release day that follows the pointer.

The chart starts a drag on a press on the bar of a train release not yet released, and when
the button comes up asks the window to move the release (PlanEditor.move_train_release, which
asks whether the later releases of the train move too); the drag itself changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from app.plan_data import ReleaseRow
from app.timeline.scale import TimeScale

GHOST_FILL = QColor(79, 70, 229, 70)
GHOST_EDGE = QColor("#4338ca")
CAPTION_FILL = QColor("#1e1b4b")
CAPTION_TEXT = QColor("#ffffff")


def movable(release: ReleaseRow) -> bool:
    """Whether a drag may move this release: a train's, with a day, not yet released."""
    return (
        release.train_id is not None
        and release.target_date is not None
        and release.actual_date is None
    )


@dataclass(slots=True)
class ReleaseDrag:
    """A press on a release's bar, and how far (in whole days) the pointer has taken it."""

    release_id: int
    name: str
    target: dt.date
    press_x: float  # in chart coordinates, as the bar below
    x0: float
    x1: float
    y0: float
    y1: float
    started: bool = False
    days: int = 0

    @classmethod
    def of(cls, release: ReleaseRow, press_x: float, bar: QRectF) -> ReleaseDrag:
        assert release.target_date is not None
        return cls(
            release.id,
            release.name,
            release.target_date,
            press_x,
            bar.left(),
            bar.right(),
            bar.top(),
            bar.bottom(),
        )

    def follow(self, x: float, scale: TimeScale, start_distance: int) -> None:
        """Follow the pointer at chart x; a drag starts only past Qt's start distance, so a
        click (or the first half of a double-click) never moves anything."""
        if not self.started and abs(x - self.press_x) < start_distance:
            return
        self.started = True
        self.days = round((x - self.press_x) / scale.day_width)

    @property
    def new_target(self) -> dt.date:
        return self.target + dt.timedelta(days=self.days)

    def caption(self) -> str:
        return f"{self.name} → {self.new_target:%a %Y-%m-%d} ({self.days:+d} d)"


def paint_ghost(painter: QPainter, drag: ReleaseDrag, scale: TimeScale, font: QFont) -> None:
    """The bar where it would land, a line on its new day and the day written above it
    (painted in chart coordinates, over the lanes)."""
    shift = drag.days * scale.day_width
    bar = QRectF(drag.x0 + shift, drag.y0, max(2.0, drag.x1 - drag.x0), drag.y1 - drag.y0)
    x1 = scale.x_mid(drag.new_target)  # where the target diamond will stand
    painter.save()
    painter.setPen(QPen(GHOST_EDGE, 1.5, Qt.PenStyle.DashLine))
    painter.setBrush(GHOST_FILL)
    painter.drawRect(bar)
    painter.setPen(QPen(GHOST_EDGE, 1.5))
    painter.drawLine(QPointF(x1, drag.y0 - 4), QPointF(x1, drag.y1 + 4))
    bold = QFont(font)
    bold.setBold(True)
    painter.setFont(bold)
    metrics = QFontMetricsF(bold)
    text = drag.caption()
    width = metrics.horizontalAdvance(text) + 12
    box = QRectF(x1 - width / 2, drag.y0 - metrics.height() - 8, width, metrics.height() + 4)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(CAPTION_FILL)
    painter.drawRoundedRect(box, 3, 3)
    painter.setPen(CAPTION_TEXT)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
