"""The time axis of a chart: days to x and back, zoom levels, and the two-tier header.

Everything here is in abstract units (pixels on screen, points on paper): the screen view, the
printed chart and the spreadsheet timeline map dates the same way, so they agree on what a
day looks like.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

# Whether a label fits a width: the painter's font metrics on screen, an estimate on paper.
Fits = Callable[[str, float], bool]

# Day widths a user steps through with Ctrl+= / Ctrl+-; "zoom to fit" may land in between.
ZOOM_STEPS: tuple[float, ...] = (0.6, 1.2, 2.0, 3.5, 6.0, 10.0, 16.0, 24.0, 36.0, 56.0)
MIN_DAY_WIDTH = ZOOM_STEPS[0] / 2
MAX_DAY_WIDTH = ZOOM_STEPS[-1] * 1.5


class Unit(Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class TimeScale:
    """x = 0 at the start of ``origin``; each calendar day is ``day_width`` wide."""

    origin: dt.date
    day_width: float

    def x(self, day: dt.date) -> float:
        """Left edge of ``day``."""
        return (day.toordinal() - self.origin.toordinal()) * self.day_width

    def x_after(self, day: dt.date) -> float:
        """Right edge of ``day`` (the left edge of the next one)."""
        return self.x(day) + self.day_width

    def x_mid(self, day: dt.date) -> float:
        return self.x(day) + self.day_width / 2

    def date_at(self, x: float) -> dt.date:
        """The day under ``x``."""
        return dt.date.fromordinal(self.origin.toordinal() + math.floor(x / self.day_width))

    def days_in(self, dx: float) -> int:
        """Whole days a horizontal distance covers, rounded to the nearest day."""
        return round(dx / self.day_width)

    def zoomed(self, day_width: float, anchor_x: float) -> tuple[TimeScale, float]:
        """The scale at another day width, and the new x of what was under ``anchor_x``.

        The moment under the anchor (the mouse, or the middle of the view) stays under it:
        the caller scrolls by the difference.
        """
        width = min(MAX_DAY_WIDTH, max(MIN_DAY_WIDTH, day_width))
        days = anchor_x / self.day_width
        return replace(self, day_width=width), days * width

    def units(self) -> tuple[Unit, Unit]:
        """The header's upper and lower tier at this zoom."""
        if self.day_width >= 14:
            return Unit.WEEK, Unit.DAY
        if self.day_width >= 4.5:
            return Unit.MONTH, Unit.WEEK
        if self.day_width >= 1.6:
            return Unit.QUARTER, Unit.MONTH
        return Unit.YEAR, Unit.QUARTER


def step_in(day_width: float) -> float:
    """The next zoom step wider than ``day_width``."""
    for step in ZOOM_STEPS:
        if step > day_width * 1.01:
            return step
    return ZOOM_STEPS[-1]


def step_out(day_width: float) -> float:
    """The next zoom step narrower than ``day_width``."""
    for step in reversed(ZOOM_STEPS):
        if step < day_width / 1.01:
            return step
    return ZOOM_STEPS[0]


def fit_day_width(first: dt.date, last: dt.date, width: float) -> float:
    """The day width that shows ``first``..``last`` (inclusive) in ``width`` units."""
    days = max(1, last.toordinal() - first.toordinal() + 1)
    return min(MAX_DAY_WIDTH, max(MIN_DAY_WIDTH, width / days))


def unit_start(day: dt.date, unit: Unit) -> dt.date:
    """The first day of the week (Monday), month, quarter or year holding ``day``."""
    if unit is Unit.DAY:
        return day
    if unit is Unit.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if unit is Unit.MONTH:
        return day.replace(day=1)
    if unit is Unit.QUARTER:
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, 1, 1)


def next_unit(day: dt.date, unit: Unit) -> dt.date:
    """The first day of the unit after the one starting on ``day``."""
    if unit is Unit.DAY:
        return day + dt.timedelta(days=1)
    if unit is Unit.WEEK:
        return day + dt.timedelta(days=7)
    months = {Unit.MONTH: 1, Unit.QUARTER: 3, Unit.YEAR: 12}[unit]
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class TierCell:
    """One labelled span of a header tier."""

    x0: float
    x1: float
    first: dt.date
    label: str


def _labels(first: dt.date, unit: Unit) -> tuple[str, ...]:
    """Labels for a unit, longest first; the header takes the longest that fits."""
    if unit is Unit.DAY:
        return (
            f"{first:%a} {first.day}",
            str(first.day),
            "",
        )
    if unit is Unit.WEEK:
        week = first.isocalendar().week
        return (
            f"Week {week}, {first:%b} {first.day}",
            f"W{week} · {first:%b} {first.day}",
            f"{first:%b} {first.day}",
            f"W{week}",
            str(first.day),
            "",
        )
    if unit is Unit.MONTH:
        return (f"{first:%B %Y}", f"{first:%b %Y}", f"{first:%b}", f"{first:%b}"[0], "")
    if unit is Unit.QUARTER:
        quarter = (first.month - 1) // 3 + 1
        short = f"Q{quarter} ’{first.year % 100:02d}"
        return (f"Q{quarter} {first.year}", short, f"Q{quarter}", "")
    return (str(first.year), f"’{first.year % 100:02d}", "")


def tier(
    scale: TimeScale,
    unit: Unit,
    x0: float,
    x1: float,
    fits: Fits,
) -> list[TierCell]:
    """The cells of one header tier that meet [x0, x1), each with the longest label that fits."""
    day = unit_start(scale.date_at(x0), unit)
    cells: list[TierCell] = []
    while True:
        left = scale.x(day)
        if left >= x1:
            return cells
        after = next_unit(day, unit)
        right = scale.x(after)
        width = right - left
        label = next((text for text in _labels(day, unit) if fits(text, width)), "")
        cells.append(TierCell(left, right, day, label))
        day = after


def char_fits(char_width: float, padding: float = 6.0) -> Fits:
    """A ``Fits`` for a font whose characters are about ``char_width`` wide."""

    def fits(text: str, width: float) -> bool:
        return len(text) * char_width + padding <= width

    return fits
