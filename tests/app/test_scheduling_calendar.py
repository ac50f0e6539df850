"""Tests for the working-day calendar: weekends, holidays, negative indices, lazy growth."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.scheduling import WorkCalendar

MON = date(2024, 3, 4)
FRI = date(2024, 3, 8)
SAT = date(2024, 3, 9)
SUN = date(2024, 3, 10)
NEXT_MON = date(2024, 3, 11)


def brute_index(calendar: WorkCalendar, d: date) -> int:
    """Index of working day ``d`` by walking from the origin one day at a time."""
    origin = calendar.origin
    step = timedelta(days=1)
    count = 0
    if d >= origin:
        day = origin
        while day < d:
            count += calendar.is_working_day(day)
            day += step
        return count
    day = d
    while day < origin:
        count += calendar.is_working_day(day)
        day += step
    return -count


def test_index_zero_is_the_default_origin_monday() -> None:
    calendar = WorkCalendar()
    assert calendar.date_of(0) == date(2000, 1, 3)
    assert calendar.index_on_or_after(date(2000, 1, 3)) == 0
    assert calendar.date_of(1) == date(2000, 1, 4)


def test_origin_on_a_weekend_starts_at_the_next_working_day() -> None:
    calendar = WorkCalendar(origin=SAT)
    assert calendar.date_of(0) == NEXT_MON
    assert calendar.date_of(-1) == FRI


def test_weekend_is_skipped_in_both_directions() -> None:
    calendar = WorkCalendar(origin=MON)
    assert calendar.date_of(4) == FRI
    assert calendar.date_of(5) == NEXT_MON
    assert calendar.index_on_or_after(SAT) == calendar.index_on_or_after(SUN) == 5
    assert calendar.index_on_or_before(SAT) == calendar.index_on_or_before(SUN) == 4
    assert not calendar.is_working_day(SAT)
    assert calendar.is_working_day(FRI)


def test_negative_indices_are_dates_before_the_origin() -> None:
    calendar = WorkCalendar(origin=MON)
    assert calendar.date_of(-1) == date(2024, 3, 1)  # the Friday before
    assert calendar.date_of(-5) == date(2024, 2, 26)
    assert calendar.index_on_or_after(date(2024, 3, 2)) == 0
    assert calendar.index_on_or_before(date(2024, 3, 2)) == -1
    assert calendar.index_on_or_after(date(2024, 2, 26)) == -5


def test_holidays_are_not_working_days() -> None:
    wednesday = date(2024, 3, 6)
    calendar = WorkCalendar(holidays=[wednesday], origin=MON)
    assert not calendar.is_working_day(wednesday)
    assert calendar.date_of(2) == date(2024, 3, 7)
    assert calendar.index_on_or_after(wednesday) == 2
    assert calendar.index_on_or_before(wednesday) == 1
    assert calendar.holidays == frozenset({wednesday})


def test_holidays_before_the_origin_shift_negative_indices() -> None:
    calendar = WorkCalendar(holidays=[date(2024, 3, 1)], origin=MON)
    assert calendar.date_of(-1) == date(2024, 2, 29)


def test_custom_working_week() -> None:
    # Sunday to Thursday.
    calendar = WorkCalendar(workdays=frozenset({6, 0, 1, 2, 3}), origin=SUN)
    assert calendar.date_of(0) == SUN
    assert calendar.date_of(4) == date(2024, 3, 14)  # Thursday
    assert calendar.date_of(5) == date(2024, 3, 17)  # the next Sunday
    assert not calendar.is_working_day(FRI)


def test_a_week_without_working_days_is_rejected() -> None:
    with pytest.raises(ValueError, match="workdays"):
        WorkCalendar(workdays=frozenset())
    with pytest.raises(ValueError, match="workdays"):
        WorkCalendar(workdays=frozenset({7}))


def test_tables_grow_lazily_far_into_the_past_and_future() -> None:
    calendar = WorkCalendar(origin=MON)
    far_future = date(2150, 6, 2)
    far_past = date(1890, 6, 2)
    for day in (far_future, far_past):
        index = calendar.index_on_or_after(day)
        assert calendar.date_of(index) == day
    assert calendar.date_of(-60_000) < far_past
    assert calendar.index_on_or_after(calendar.date_of(-60_000)) == -60_000
    assert calendar.date_of(80_000) > far_future


def test_add_working_days() -> None:
    calendar = WorkCalendar(holidays=[date(2024, 3, 12)], origin=MON)
    assert calendar.add_working_days(FRI, 1) == NEXT_MON
    assert calendar.add_working_days(NEXT_MON, 1) == date(2024, 3, 13)  # over the holiday
    assert calendar.add_working_days(NEXT_MON, -1) == FRI
    assert calendar.add_working_days(SAT, 1) == NEXT_MON
    assert calendar.add_working_days(SAT, -1) == FRI
    assert calendar.add_working_days(SAT, 0) == NEXT_MON
    assert calendar.add_working_days(MON, 0) == MON


def test_working_days_between_counts_the_half_open_interval() -> None:
    calendar = WorkCalendar(holidays=[date(2024, 3, 6)])
    assert calendar.working_days_between(MON, NEXT_MON) == 4
    assert calendar.working_days_between(MON, MON) == 0
    assert calendar.working_days_between(SAT, NEXT_MON) == 0
    assert calendar.working_days_between(NEXT_MON, MON) == -4


def test_dates_of_range_matches_date_of() -> None:
    calendar = WorkCalendar(holidays=[date(2024, 3, 6)], origin=MON)
    assert calendar.dates_of_range(-3, 8) == [calendar.date_of(i) for i in range(-3, 9)]
    assert calendar.dates_of_range(5, 4) == []


@given(
    st.dates(min_value=date(1996, 1, 1), max_value=date(2004, 12, 31)),
    st.sets(st.dates(min_value=date(1999, 6, 1), max_value=date(2000, 6, 1)), max_size=20),
)
def test_indices_agree_with_counting_days_one_by_one(day: date, holidays: set[date]) -> None:
    calendar = WorkCalendar(holidays=holidays, origin=date(2000, 1, 3))
    after = calendar.index_on_or_after(day)
    before = calendar.index_on_or_before(day)
    first, last = calendar.date_of(after), calendar.date_of(before)
    assert last <= day <= first
    assert calendar.is_working_day(first) and calendar.is_working_day(last)
    if calendar.is_working_day(day):
        assert after == before == brute_index(calendar, day)
    else:
        assert after == before + 1
        between = (last + timedelta(days=k) for k in range(1, (first - last).days))
        assert not any(calendar.is_working_day(d) for d in between)
