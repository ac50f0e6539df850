"""The scroll area both lane charts (release train, environments) are drawn in: a time scale
across, zoom around a point, fit to what the chart holds, and scroll to a day."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from app.timeline.scale import TimeScale, fit_day_width, step_in, step_out


class TimelineArea(QAbstractScrollArea):
    """A subclass sets `scale`, and says its span, its chart width and how its scroll ranges
    follow the scale."""

    def __init__(self, scale: TimeScale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scale
        self._fit_wanted = True  # fit once the chart is shown with something in it

    def _span(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day the chart holds (None: nothing yet)."""
        raise NotImplementedError

    def chart_width(self) -> int:
        raise NotImplementedError

    def _update_ranges(self) -> None:
        raise NotImplementedError

    def set_day_width(self, day_width: float, anchor: float | None = None) -> None:
        """Zoom; the moment under `anchor` (viewport x in the chart, else its middle) stays."""
        at = self.chart_width() / 2 if anchor is None else anchor
        left = self.horizontalScrollBar().value()
        self.scale, new_x = self.scale.zoomed(day_width, left + at)
        self._update_ranges()
        self.horizontalScrollBar().setValue(round(new_x - at))
        self._fit_wanted = False
        self.viewport().update()

    def zoom_in(self) -> None:
        self.set_day_width(step_in(self.scale.day_width))

    def zoom_out(self) -> None:
        self.set_day_width(step_out(self.scale.day_width))

    def zoom_to_fit(self) -> None:
        """Everything the chart holds in its width."""
        span = self._span()
        if span is None or self.chart_width() <= 0:
            return
        self.scale = TimeScale(self.scale.origin, fit_day_width(*span, self.chart_width()))
        self._update_ranges()
        self.horizontalScrollBar().setValue(round(self.scale.x(span[0])))
        self._fit_wanted = False
        self.viewport().update()

    def go_to(self, day: dt.date) -> None:
        """Scroll so that `day` is in the middle of the chart."""
        self.horizontalScrollBar().setValue(round(self.scale.x_mid(day) - self.chart_width() / 2))
