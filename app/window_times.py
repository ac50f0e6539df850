"""Clock-time and recurring windows: a calendar entry's occurrences as aware UTC intervals.

A window is a small, documented subset of RFC 5545 recurrence, so that the calendar export
writes it as an RRULE any calendar expands to the same occurrences:

- **none** (NULL in older plans): one span from the first day at the start time to the last
  day at the end time; without times, whole days (the first day's midnight to the midnight
  after the last day). A one-day window whose end time is at or before its start time ends
  on the next day ("22:00-02:00").
- **weekly**: on each chosen weekday from the first day to the last (``FREQ=WEEKLY;BYDAY=SA``).
- **monthly**: on the n-th chosen weekday of each month, n 1 to 5 or -1 for the last
  (``FREQ=MONTHLY;BYDAY=2TU``); a month without a fifth such weekday has no occurrence then.

Each occurrence of a timed recurring window starts at the start time on the local clock of its
time zone and lasts the window's length on an ordinary day (end minus start, a day more when
the end is at or before the start). RFC 5545 gives every occurrence of a recurring event that
same exact duration, so Gantry and the calendars that import its file agree to the minute:
"Saturday 22:00-02:00 Europe/Berlin" is four hours every week, also on the nights of both
switches; its UTC span moves an hour with them, and its end reads 03:00 on the March night (the
clocks skip 02:00) and the first 02:00 (summer time) on the October night. A start time the
spring switch skips is read with the offset before it, as RFC 5545 reads it (02:30 is 03:30
summer time). Without times, an occurrence is the whole local day (23 or 25 hours on a switch).
One time alone is read against midnight: opening at 22:00 with no closing time runs to 24:00,
closing at 06:00 with no opening time runs from 00:00 (the editor sets one time at a time).

A recurring change window has no occurrence on a plan holiday (its start day): maintenance is
not done on holidays. A window dated once is taken as dated, holiday or not.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

RECURRENCE_LABELS = {"none": "Once", "weekly": "Weekly", "monthly": "Monthly"}
MONTH_WEEKS = ((1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (5, "5th"), (-1, "Last"))
DEFAULT_ZONE = "UTC"
ONE_DAY = dt.timedelta(days=1)
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FIT_HORIZON = dt.timedelta(days=400)  # how far next_fit looks for a fit
_STEP = dt.timedelta(days=31)  # how far next_fit reads ahead at a time


def zone_problem(name: str) -> str | None:
    """Why `name` is no IANA time zone Gantry knows (None when it is one)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"'{name}' is not a time zone name such as Europe/Berlin or America/New_York"
    return None


@dataclass(frozen=True, slots=True, order=True)
class Occurrence:
    """One occurrence as aware UTC times; `end` is exclusive."""

    start: dt.datetime
    end: dt.datetime

    def contains(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.start <= start and end <= self.end

    def meets(self, start: dt.datetime, end: dt.datetime) -> bool:
        # A zero-length moment (a change with no end) meets the window it lies in.
        return start < self.end and (end > self.start or (start == end and start >= self.start))


@dataclass(frozen=True, slots=True)
class WindowTiming:
    """When a calendar entry is open: its dates, clock times, recurrence and time zone."""

    start_date: dt.date
    end_date: dt.date  # included; for a recurring window, the last day one may start
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    recurrence: str = "none"
    weekdays: frozenset[int] = frozenset()
    month_week: int | None = None
    time_zone: str = DEFAULT_ZONE
    skipped: frozenset[dt.date] = frozenset()  # days with no occurrence (holidays)

    @classmethod
    def of(
        cls, entry: Any, plan_zone: str, holidays: frozenset[dt.date] = frozenset()
    ) -> WindowTiming:
        """The timing of a calendar entry (a model row or an app.records.Record); a change
        window skips `holidays`."""
        return cls(
            entry.start_date,
            entry.end_date,
            entry.start_time,
            entry.end_time,
            entry.recurrence or "none",
            frozenset(entry.weekdays or ()),
            entry.month_week,
            entry.time_zone or plan_zone,
            holidays if entry.kind == "change_window" else frozenset(),
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def timed(self) -> bool:
        return self.start_time is not None or self.end_time is not None

    @property
    def opens(self) -> dt.time:
        return self.start_time or dt.time()

    @property
    def closes(self) -> dt.time:
        return self.end_time or dt.time()

    @property
    def length(self) -> dt.timedelta | None:
        """A timed window's length on an ordinary day (None for whole days)."""
        if not self.timed:
            return None
        day = dt.date(2000, 1, 1)
        start = dt.datetime.combine(day, self.opens)
        end = dt.datetime.combine(day, self.closes)
        return end - start if end > start else end + ONE_DAY - start

    def starts_on(self, day: dt.date) -> bool:
        """Whether an occurrence starts on `day` (before skipping holidays)."""
        if not self.start_date <= day <= self.end_date:
            return False
        match self.recurrence:
            case "weekly":
                return day.weekday() in self.weekdays
            case "monthly":
                if day.weekday() not in self.weekdays or self.month_week is None:
                    return False
                if self.month_week == -1:
                    return (day + dt.timedelta(days=7)).month != day.month
                return (day.day - 1) // 7 + 1 == self.month_week
        return day == self.start_date

    def _local(self, day: dt.date, time: dt.time) -> dt.datetime:
        # fold=0: a skipped time takes the offset before the switch, a repeated one the first.
        return dt.datetime.combine(day, time, self.zone).astimezone(dt.UTC)

    def _occurrence(self, day: dt.date) -> Occurrence:
        length = self.length
        if self.recurrence in ("weekly", "monthly"):
            if length is None:
                return Occurrence(
                    self._local(day, dt.time()), self._local(day + ONE_DAY, dt.time())
                )
            start = self._local(day, self.opens)
            return Occurrence(start, start + length)
        start = self._local(day, self.opens)
        if not self.timed:
            return Occurrence(start, self._local(self.end_date + ONE_DAY, dt.time()))
        end = self._local(self.end_date, self.closes)
        if end <= start:
            end = self._local(self.end_date + ONE_DAY, self.closes)
        return Occurrence(start, end)

    def occurrences(self, start: dt.datetime, end: dt.datetime) -> list[Occurrence]:
        """The occurrences that overlap [start, end) (aware), in time order."""
        if self.recurrence not in ("weekly", "monthly"):
            # Dated once on purpose, even on a holiday: only recurring ones skip holidays.
            once = self._occurrence(self.start_date)
            return [once] if once.meets(start, end) or once.contains(start, end) else []
        first_day = max(self.start_date, start.astimezone(self.zone).date() - ONE_DAY * 2)
        last_day = min(self.end_date, end.astimezone(self.zone).date() + ONE_DAY)
        found = []
        day = first_day
        while day <= last_day:
            if self.starts_on(day) and day not in self.skipped:
                occurrence = self._occurrence(day)
                if occurrence.meets(start, end) or occurrence.contains(start, end):
                    found.append(occurrence)
            day += ONE_DAY
        return found

    def rrule(self) -> dict[str, Any] | None:
        """The RFC 5545 RRULE (as icalendar's vRecur takes it), None when it does not recur;
        UNTIL is the last day's start in UTC, as RFC 5545 wants with a zoned DTSTART (the last
        day itself for whole days)."""
        if self.recurrence not in ("weekly", "monthly"):
            return None
        days = [_RRULE_DAYS[d] for d in sorted(self.weekdays)]
        if self.recurrence == "monthly":
            days = [f"{self.month_week}{d}" for d in days]
        # A DATE start (whole days) takes a DATE UNTIL.
        until: dt.date = self._local(self.end_date, self.opens) if self.timed else self.end_date
        return {"FREQ": self.recurrence.upper(), "BYDAY": days, "UNTIL": until}

    def describe(self) -> str:
        """'Weekly on Sat, 22:00-02:00 (Europe/Berlin)', as the calendar export says it."""
        names = ", ".join(_DAY_NAMES[d] for d in sorted(self.weekdays))
        weeks = dict(MONTH_WEEKS)
        match self.recurrence:
            case "weekly":
                when = f"Weekly on {names}"
            case "monthly":
                when = f"Monthly on the {weeks.get(self.month_week or 0, '?').lower()} {names}"
            case _:
                when = "Once"
        if not self.timed:
            return f"{when}, whole days"
        return f"{when}, {self.opens:%H:%M}-{self.closes:%H:%M} ({self.time_zone})"

    def local_start(self, day: dt.date) -> dt.datetime:
        """The occurrence starting on `day` in its time zone (whole days: its midnight)."""
        return self._occurrence(day).start.astimezone(self.zone)

    def skipped_starts(self) -> list[dt.date]:
        """The days a recurring window would start on but skips (holidays in its range)."""
        if self.recurrence not in ("weekly", "monthly"):
            return []
        return sorted(d for d in self.skipped if self.starts_on(d))

    def first_start(self) -> dt.date | None:
        """The first day an occurrence starts on (None when the pattern never matches)."""
        day = self.start_date
        while day <= self.end_date:
            if self.starts_on(day):
                return day
            day += ONE_DAY
        return None


def timing_problems(
    start_time: dt.time | None,
    end_time: dt.time | None,
    recurrence: str | None,
    weekdays: Iterable[int],
    month_week: int | None,
    kind: str,
) -> list[str]:
    """What is wrong with a window's times and recurrence, in words for the editor."""
    problems = []
    recurring = recurrence in ("weekly", "monthly")
    timed = start_time is not None or end_time is not None
    if kind in ("holiday", "freeze", "blackout") and (timed or recurring):
        problems.append(
            "only change windows have clock times or a recurrence; a holiday, freeze or "
            "blackout covers whole days"
        )
    if recurring and not set(weekdays):
        problems.append(f"a {recurrence} window needs at least one weekday")
    if recurrence == "monthly" and month_week is None:
        problems.append("a monthly window needs the week of the month (1st to 5th or last)")
    return problems


def next_fit(
    after: dt.datetime,
    duration: dt.timedelta,
    allowed: Sequence[WindowTiming],
    closed: Sequence[WindowTiming],
    horizon: dt.timedelta = FIT_HORIZON,
    clock: ZoneInfo | None = None,
) -> dt.datetime | None:
    """The first start at or after `after` (aware) for `duration` that meets no `closed`
    occurrence and, when there are `allowed` windows, lies whole in one of their occurrences
    (each tried at `after`'s clock time in zone `clock` when given, then from its start);
    None within `horizon`."""
    return Occurrences(allowed).next_fit(after, duration, Occurrences(closed), horizon, clock)


class Occurrences:
    """Some windows' occurrences expanded once, sorted, for many questions: `gantry check`
    asks one per deployment, and expanding the windows again each time was most of its cost.
    The expanded range grows (doubling) when a question reaches beyond it."""

    def __init__(self, windows: Sequence[WindowTiming]) -> None:
        self.windows = tuple(windows)
        self._range: tuple[dt.datetime, dt.datetime] | None = None
        self._items: list[Occurrence] = []
        self._starts: list[dt.datetime] = []
        self._reach: list[dt.datetime] = []  # the latest end among _items[: i + 1]

    def _cover(self, start: dt.datetime, end: dt.datetime) -> None:
        """Expand so that every occurrence meeting [start, end] is held."""
        if self._range is not None:
            low, high = self._range
            if low <= start and end <= high:
                return
            width = max(high - low, _STEP)
            start = low if start >= low else min(start, low - width)
            end = high if end <= high else max(end, high + width)
        self._range = (start, end)
        # A day either side: an occurrence ending at a moment on the range's edge counts too.
        self._items = sorted(set(self.meeting(start - ONE_DAY, end + ONE_DAY)))
        self._starts = [o.start for o in self._items]
        self._reach = []
        for occurrence in self._items:
            last = self._reach[-1] if self._reach else occurrence.end
            self._reach.append(max(last, occurrence.end))

    def meeting(self, start: dt.datetime, end: dt.datetime) -> list[Occurrence]:
        """Each window's `occurrences` (unsorted): what the other questions answer quicker."""
        return [o for w in self.windows for o in w.occurrences(start, end)]

    def contain(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether one occurrence holds [start, end] whole."""
        if end < start:  # a span ending before it starts: asked of each window, as before
            return any(o.contains(start, end) for o in self.meeting(start, end))
        self._cover(start, end)
        before = bisect_right(self._starts, start)
        return before > 0 and self._reach[before - 1] >= end

    def touch(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether an occurrence meets [start, end) or holds it (as `occurrences` finds)."""
        if end < start:
            return bool(self.meeting(start, end))
        self._cover(start, end)
        if start == end:  # a moment: an occurrence from at or before it to at or after it
            before = bisect_right(self._starts, start)
            return before > 0 and self._reach[before - 1] >= start
        before = bisect_left(self._starts, end)
        return before > 0 and self._reach[before - 1] > start

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> Iterator[Occurrence]:
        """The occurrences that end after `start` and start before `end`, in time order."""
        self._cover(start, end)
        for occurrence in self._items[bisect_right(self._reach, start) :]:
            if occurrence.start >= end:
                return
            if occurrence.end > start:
                yield occurrence

    def next_fit(
        self,
        after: dt.datetime,
        duration: dt.timedelta,
        closed: Occurrences,
        horizon: dt.timedelta,
        clock: ZoneInfo | None,
    ) -> dt.datetime | None:
        """`next_fit` with these windows allowed and `closed`'s closed."""
        limit = after + horizon
        if not self.windows:
            start = after
            while start < limit:
                meeting = closed.meeting(start, start + duration)
                if not meeting:
                    return start
                start = max(o.end for o in meeting)
            return None
        # Whole steps, as far as the month-at-a-time reading this replaced went.
        until = after + _STEP * -(-horizon // _STEP)
        for occurrence in self.overlapping(after, until):
            for start in _candidates(occurrence, after, clock):
                end = start + duration
                if end <= occurrence.end and not closed.touch(start, end):
                    return start
        return None


def _candidates(
    occurrence: Occurrence, after: dt.datetime, clock: ZoneInfo | None
) -> list[dt.datetime]:
    """Where in an occurrence to try a start: at the planned clock time (`after` read in
    `clock`) on the occurrence's first day, so a whole-day window keeps the evening slot,
    then as early as the occurrence allows."""
    earliest = max(occurrence.start, after)
    if clock is None:
        return [earliest]
    planned = after.astimezone(clock)
    day = occurrence.start.astimezone(clock).date()
    same_time = dt.datetime.combine(day, planned.time(), clock).astimezone(dt.UTC)
    keep = earliest <= same_time < occurrence.end
    return [same_time, earliest] if keep else [earliest]
