"""A runbook's planned timeline in minutes from T0, computed by the scheduling engine.

The engine counts working days. Here every day of the week is a working day and there are
no holidays, so a day is just a unit, and one minute is two units: a task of d minutes takes
2d units and always starts on an even unit, while a zero-minute step (a milestone, a moment
between units) shows on the odd unit before the moment when a finish places it and on the
even unit when a start does. Either way the moment is the shown unit halved and rounded up:
no step loses its minute, and the engine's algorithm (links, slack, critical steps, cycle
detection) is used as it is, not copied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from app.scheduling import ScheduleItem, ScheduleLink, WorkCalendar, schedule

_ORIGIN = dt.date(2000, 1, 3)
_UNITS = 2  # engine units per minute
_EVERY_DAY = frozenset(range(7))
MINUTES_PER_DAY = 24 * 60


class PlannedStep(NamedTuple):
    """What the timeline needs of a step."""

    id: int
    name: str  # how a cycle names the step, e.g. "7. Apply migrations"
    duration: int  # minutes
    start_offset: int | None = None  # not before T0 + this many minutes


@dataclass(frozen=True, slots=True)
class StepTimes:
    start: int  # minutes after T0
    finish: int
    slack: int  # minutes the step can slip without moving the end
    critical: bool


@dataclass(frozen=True, slots=True)
class Timeline:
    steps: dict[int, StepTimes]
    total: int  # minutes from T0 to the last finish
    critical: list[int]  # critical step ids by planned start


EMPTY = Timeline({}, 0, [])


def clock_offset(clock: str, t0: dt.datetime | None) -> int:
    """Minutes from T0 to the first time `clock` ("HH:MM") comes at or after it (from
    midnight when the runbook has no T0)."""
    hours, minutes = (int(part) for part in clock.split(":"))
    start = t0.hour * 60 + t0.minute if t0 is not None else 0
    return (hours * 60 + minutes - start) % MINUTES_PER_DAY


def compute(steps: Sequence[PlannedStep], waits: Iterable[tuple[int, int]]) -> Timeline:
    """Plan every step as early as its waits and planned start allow; (step, waits_for) pairs.

    Raises app.scheduling.CycleError naming the steps when the waits form a cycle.
    """
    if not steps:
        return EMPTY
    calendar = WorkCalendar(workdays=_EVERY_DAY, origin=_ORIGIN)
    items = [
        ScheduleItem(
            step.id,
            step.name,
            "task" if step.duration > 0 else "milestone",
            step.duration * _UNITS,
            not_before=(
                _ORIGIN + dt.timedelta(days=step.start_offset * _UNITS)
                if step.start_offset
                else None
            ),
        )
        for step in steps
    ]
    links = [ScheduleLink(before, after) for after, before in waits]
    result = schedule(items, links, calendar, plan_start=_ORIGIN)
    times: dict[int, StepTimes] = {}
    for step in steps:
        dates = result.items[step.id]
        first = (dates.start - _ORIGIN).days
        if step.duration > 0:
            start = first // _UNITS
            finish = start + step.duration
        else:
            start = finish = -(-first // _UNITS)
        times[step.id] = StepTimes(start, finish, dates.total_slack // _UNITS, dates.critical)
    total = max(t.finish for t in times.values())
    critical = sorted((i for i, t in times.items() if t.critical), key=lambda i: times[i].start)
    return Timeline(times, total, critical)
