"""What lies behind the bars: non-working days, holidays, freeze and change windows, markers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from app.timeline.scale import TimeScale
from app.window_times import DEFAULT_ZONE, WindowTiming

# Below this day width single days are too thin to shade; weekends would turn into stripes.
SHADE_DAYS_FROM = 2.5


class BandKind(Enum):
    NONWORKING = "nonworking"
    HOLIDAY = "holiday"
    FREEZE = "freeze"
    BLACKOUT = "blackout"
    CHANGE_WINDOW = "change_window"


class MarkerKind(Enum):
    TODAY = "today"
    RELEASE_START = "release_start"
    FEATURE_FREEZE = "feature_freeze"
    CODE_FREEZE = "code_freeze"
    TARGET = "target"
    ACTUAL = "actual"


MARKER_LABELS = {
    MarkerKind.TODAY: "Today",
    MarkerKind.RELEASE_START: "Start",
    MarkerKind.FEATURE_FREEZE: "Feature freeze",
    MarkerKind.CODE_FREEZE: "Code freeze",
    MarkerKind.TARGET: "Target",
    MarkerKind.ACTUAL: "Released",
}


@dataclass(frozen=True, slots=True)
class Band:
    x0: float
    x1: float
    kind: BandKind
    label: str
    first: dt.date
    last: dt.date  # included


@dataclass(frozen=True, slots=True)
class Marker:
    x: float
    kind: MarkerKind
    label: str
    day: dt.date


@dataclass(frozen=True, slots=True)
class Background:
    bands: tuple[Band, ...]  # non-working days first, then holidays, then windows
    markers: tuple[Marker, ...]


class CalendarWindow(Protocol):
    """A calendar entry (app.records.Record of app.calendar_entries has these)."""

    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def start_date(self) -> dt.date: ...
    @property
    def end_date(self) -> dt.date: ...


class ReleaseDates(Protocol):
    """A release's milestones (app.plan_data.ReleaseRow has them)."""

    @property
    def name(self) -> str: ...
    @property
    def start_date(self) -> dt.date | None: ...
    @property
    def feature_freeze(self) -> dt.date | None: ...
    @property
    def code_freeze(self) -> dt.date | None: ...
    @property
    def target_date(self) -> dt.date | None: ...
    @property
    def actual_date(self) -> dt.date | None: ...


_WINDOW_KINDS = {
    "freeze": BandKind.FREEZE,
    "blackout": BandKind.BLACKOUT,
    "change_window": BandKind.CHANGE_WINDOW,
}


def _spans(
    window: CalendarWindow, first: dt.date, last: dt.date, holidays: frozenset[dt.date]
) -> list[tuple[dt.date, dt.date]]:
    """The days a window shades: its dates, or for a recurring window (a calendar entry with a
    recurrence, app/window_times.py) each day an occurrence starts on, holidays skipped."""
    if getattr(window, "recurrence", None) not in ("weekly", "monthly"):
        return [(window.start_date, window.end_date)]
    timing = WindowTiming.of(window, DEFAULT_ZONE, holidays)
    day, end = max(first, window.start_date), min(last, window.end_date)
    found = []
    while day <= end:
        if timing.starts_on(day) and day not in timing.skipped:
            found.append((day, day))
        day += dt.timedelta(days=1)
    return found


def nonworking_spans(
    scale: TimeScale, x0: float, x1: float, workdays: frozenset[int], holidays: frozenset[dt.date]
) -> list[Band]:
    """Runs of days off in [x0, x1): weekends (per the plan's work week) and holidays apart."""
    if scale.day_width < SHADE_DAYS_FROM:
        return []
    spans: list[Band] = []
    day, last = scale.date_at(x0), scale.date_at(x1)
    run_start: dt.date | None = None
    one = dt.timedelta(days=1)
    while day <= last + one:
        off = day <= last and day.weekday() not in workdays and day not in holidays
        if off and run_start is None:
            run_start = day
        elif not off and run_start is not None:
            end = day - one
            left, right = scale.x(run_start), scale.x_after(end)
            spans.append(Band(left, right, BandKind.NONWORKING, "", run_start, end))
            run_start = None
        day += one
    return spans


def background(
    scale: TimeScale,
    x0: float,
    x1: float,
    *,
    workdays: frozenset[int],
    holidays: frozenset[dt.date],
    windows: Iterable[CalendarWindow] = (),
    releases: Iterable[ReleaseDates] = (),
    today: dt.date | None = None,
) -> Background:
    """Bands and markers that meet [x0, x1)."""
    first, last = scale.date_at(x0), scale.date_at(x1)
    bands = nonworking_spans(scale, x0, x1, workdays, holidays)
    window_bands: list[Band] = []
    for window in windows:
        if window.end_date < first or window.start_date > last:
            continue
        if window.kind == "holiday":
            left, right = scale.x(window.start_date), scale.x_after(window.end_date)
            bands.append(
                Band(left, right, BandKind.HOLIDAY, window.name, window.start_date, window.end_date)
            )
        elif window.kind in _WINDOW_KINDS:
            window_bands.extend(
                Band(
                    scale.x(start),
                    scale.x_after(end),
                    _WINDOW_KINDS[window.kind],
                    window.name,
                    start,
                    end,
                )
                for start, end in _spans(window, first, last, holidays)
            )
    markers: list[Marker] = []
    for release in releases:
        for kind, day in (
            (MarkerKind.RELEASE_START, release.start_date),
            (MarkerKind.FEATURE_FREEZE, release.feature_freeze),
            (MarkerKind.CODE_FREEZE, release.code_freeze),
            (MarkerKind.TARGET, release.target_date),
            (MarkerKind.ACTUAL, release.actual_date),
        ):
            if day is None or not first <= day <= last:
                continue
            # A release start is the start of its day; the other dates are ends of days.
            x = scale.x(day) if kind is MarkerKind.RELEASE_START else scale.x_after(day)
            markers.append(Marker(x, kind, f"{release.name} {MARKER_LABELS[kind].lower()}", day))
    if today is not None and first <= today <= last:
        markers.append(Marker(scale.x_mid(today), MarkerKind.TODAY, "Today", today))
    return Background(tuple(bands + window_bands), tuple(markers))
