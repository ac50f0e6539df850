"""Working-day calendar: maps dates to working-day indices and back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

DEFAULT_ORIGIN = date(2000, 1, 3)  # a Monday, so index 0 is a Monday under the default week
DEFAULT_WORKDAYS: frozenset[int] = frozenset({0, 1, 2, 3, 4})

# Ten years either side of the origin; a plan outside that grows the window once or twice.
_INITIAL_SPAN = 3660
_MAX_ORDINAL = date.max.toordinal()


class WorkCalendar:
    """Working days (a weekly pattern minus holidays), numbered consecutively.

    Index 0 is the first working day on or after ``origin``; days before it get negative
    indices. The lookup tables cover a window of calendar days that grows lazily in either
    direction, so every lookup inside the window is a couple of list indexings.
    """

    __slots__ = ("_workdays", "_holidays", "_origin", "_lo", "_after", "_dates", "_shift")

    def __init__(
        self,
        holidays: Iterable[date] = (),
        workdays: frozenset[int] = DEFAULT_WORKDAYS,
        origin: date | None = None,
    ) -> None:
        days = frozenset(workdays)
        if not days or not days <= frozenset(range(7)):
            raise ValueError("workdays must be a non-empty set of weekday numbers 0 (Mon) to 6")
        self._workdays: tuple[bool, ...] = tuple(d in days for d in range(7))
        self._holidays: frozenset[int] = frozenset(h.toordinal() for h in holidays)
        self._origin = (origin or DEFAULT_ORIGIN).toordinal()
        # _after[k] counts working days in [_lo, _lo + k); it has one entry more than the
        # window has days so that "on or before" can look one day ahead. _shift turns a count
        # into an index relative to the origin; _dates[i + _shift] is the date of index i.
        self._lo = 0
        self._after: list[int] = []
        self._dates: list[date] = []
        self._shift = 0
        self._build(self._origin - _INITIAL_SPAN, self._origin + _INITIAL_SPAN)

    @property
    def origin(self) -> date:
        return date.fromordinal(self._origin)

    @property
    def workdays(self) -> frozenset[int]:
        return frozenset(d for d in range(7) if self._workdays[d])

    @property
    def holidays(self) -> frozenset[date]:
        return frozenset(date.fromordinal(o) for o in self._holidays)

    def _working(self, ordinal: int) -> bool:
        # date.fromordinal(1) is a Monday, so (ordinal - 1) % 7 is date.weekday().
        return self._workdays[(ordinal - 1) % 7] and ordinal not in self._holidays

    def _build(self, lo: int, hi: int) -> None:
        """Rebuild the tables for calendar days with ordinals in [lo, hi)."""
        lo = max(1, min(lo, self._origin))
        hi = min(_MAX_ORDINAL + 1, max(hi, self._origin + 1))
        after: list[int] = []
        dates: list[date] = []
        workdays = self._workdays
        holidays = self._holidays
        fromordinal = date.fromordinal
        count = 0
        for ordinal in range(lo, hi):
            after.append(count)
            if workdays[(ordinal - 1) % 7] and ordinal not in holidays:
                dates.append(fromordinal(ordinal))
                count += 1
        after.append(count)
        self._lo = lo
        self._after = after
        self._dates = dates
        self._shift = after[self._origin - lo]

    def _grow_to_ordinal(self, ordinal: int) -> None:
        # Double the window so a sweep across many years costs amortised O(1) per lookup.
        span = len(self._after)
        lo, hi = self._lo, self._lo + span - 1
        if ordinal < lo:
            lo = min(ordinal, lo - span)
        if ordinal >= hi:
            hi = max(ordinal + 1, hi + span)
        self._build(lo, hi)

    def _grow_to_index(self, index: int) -> None:
        while True:
            position = index + self._shift
            if 0 <= position < len(self._dates):
                return
            lo, hi = self._lo, self._lo + len(self._after) - 1
            if (position < 0 and lo <= 1) or (position >= 0 and hi > _MAX_ORDINAL):
                raise OverflowError(f"working day {index} is outside the supported date range")
            self._grow_to_ordinal(lo - 1 if position < 0 else hi)

    def index_on_or_after(self, d: date) -> int:
        """Index of the first working day on or after ``d``."""
        k = d.toordinal() - self._lo
        if not 0 <= k < len(self._after) - 1:
            self._grow_to_ordinal(d.toordinal())
            k = d.toordinal() - self._lo
        return self._after[k] - self._shift

    def index_on_or_before(self, d: date) -> int:
        """Index of the last working day on or before ``d``."""
        k = d.toordinal() - self._lo
        if not 0 <= k < len(self._after) - 1:
            self._grow_to_ordinal(d.toordinal())
            k = d.toordinal() - self._lo
        return self._after[k + 1] - 1 - self._shift

    def date_of(self, index: int) -> date:
        """Date of the working day with this index."""
        position = index + self._shift
        if 0 <= position < len(self._dates):
            return self._dates[position]
        self._grow_to_index(index)
        return self._dates[index + self._shift]

    def dates_of_range(self, first: int, last: int) -> list[date]:
        """Dates of working days ``first`` to ``last`` inclusive, for bulk conversion."""
        if last < first:
            return []
        self._grow_to_index(first)
        self._grow_to_index(last)
        return self._dates[first + self._shift : last + self._shift + 1]

    def is_working_day(self, d: date) -> bool:
        return self._working(d.toordinal())

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (before it when ``n`` is negative).

        ``n == 0`` rolls a non-working ``d`` forward to the next working day. Counting starts
        from ``d`` itself, so Saturday + 1 is Monday and Saturday - 1 is Friday.
        """
        if n > 0:
            return self.date_of(self.index_on_or_before(d) + n)
        return self.date_of(self.index_on_or_after(d) + n)

    def working_days_between(self, a: date, b: date) -> int:
        """Number of working days in [a, b); negative when ``b`` is before ``a``."""
        return self.index_on_or_after(b) - self.index_on_or_after(a)
