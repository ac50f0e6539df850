"""Where a dragged bar lands: dates snapped to working days, moves and durations in working days.

The chart's drags ask these while the mouse moves, so live feedback never waits for the
whole-plan reschedule; the unit of work reschedules once the drag ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from app.scheduling.calendar import WorkCalendar


def plan_calendar(workdays: Iterable[int], holidays: Iterable[dt.date]) -> WorkCalendar:
    """The working-day calendar of a plan: its work week minus its holidays."""
    return WorkCalendar(holidays=holidays, workdays=frozenset(workdays))


def snap(calendar: WorkCalendar, day: dt.date) -> dt.date:
    """The first working day on or after ``day`` (where a start may fall)."""
    return calendar.date_of(calendar.index_on_or_after(day))


def moved_start(calendar: WorkCalendar, start: dt.date, days: int) -> tuple[dt.date, int]:
    """A start dragged by ``days`` calendar days: the working day it lands on, and by how
    many working days it moved (what the other selected bars move by)."""
    landed = snap(calendar, start + dt.timedelta(days=days))
    return landed, calendar.index_on_or_after(landed) - calendar.index_on_or_after(start)


def shifted(calendar: WorkCalendar, start: dt.date, working_days: int) -> dt.date:
    """The working day ``working_days`` after the first working day on or after ``start``."""
    return calendar.date_of(calendar.index_on_or_after(start) + working_days)


def duration_to(calendar: WorkCalendar, start: dt.date, last: dt.date) -> int:
    """Working days from ``start`` to ``last`` inclusive; at least 1 (a task has a day)."""
    span = calendar.index_on_or_before(last) - calendar.index_on_or_after(start) + 1
    return max(1, span)


def finish_of(calendar: WorkCalendar, start: dt.date, duration: int) -> dt.date:
    """The last working day of a task of ``duration`` working days that starts on ``start``."""
    return shifted(calendar, start, max(1, duration) - 1)
