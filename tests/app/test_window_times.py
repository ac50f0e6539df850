"""Window occurrences: clock times in a time zone across both DST switches, past midnight,
weekly and monthly (n-th and last weekday), holidays skipped, and the next window that fits."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from app.window_times import (
    Occurrence,
    Occurrences,
    WindowTiming,
    next_fit,
    timing_problems,
    zone_problem,
)

BERLIN = "Europe/Berlin"
SAT, SUN, TUE, FRI = 5, 6, 1, 4
WINTER_TO_SUMMER = (dt.date(2026, 10, 1), dt.date(2027, 4, 30))


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def saturday_nights(first: dt.date, last: dt.date, **more: object) -> WindowTiming:
    """The production maintenance window: every Saturday 22:00-02:00 in Berlin."""
    return WindowTiming(
        first,
        last,
        dt.time(22),
        dt.time(2),
        "weekly",
        frozenset({SAT}),
        time_zone=BERLIN,
        **more,  # type: ignore[arg-type]
    )


def test_a_saturday_night_keeps_its_local_time_across_the_october_switch() -> None:
    window = saturday_nights(*WINTER_TO_SUMMER)
    found = window.occurrences(utc(2026, 10, 17), utc(2026, 11, 2))
    assert found == [
        # Summer time (UTC+2): 22:00 is 20:00 UTC.
        Occurrence(utc(2026, 10, 17, 20), utc(2026, 10, 18, 0)),
        # The night the clocks go back (03:00 summer -> 02:00 winter on Sunday 25 October):
        # four hours, like every occurrence, ending at the first 02:00 (still summer time).
        Occurrence(utc(2026, 10, 24, 20), utc(2026, 10, 25, 0)),
        # Winter time (UTC+1): the UTC span moved an hour later.
        Occurrence(utc(2026, 10, 31, 21), utc(2026, 11, 1, 1)),
    ]
    night = found[1]
    zone = window.zone
    assert night.start.astimezone(zone).strftime("%H:%M %Z") == "22:00 CEST"
    assert night.end.astimezone(zone).strftime("%H:%M %Z") == "02:00 CEST"
    assert all(o.end - o.start == dt.timedelta(hours=4) for o in found)


def test_a_saturday_night_keeps_its_local_time_across_the_march_switch() -> None:
    window = saturday_nights(*WINTER_TO_SUMMER)
    found = window.occurrences(utc(2027, 3, 20), utc(2027, 4, 5))
    assert found == [
        Occurrence(utc(2027, 3, 20, 21), utc(2027, 3, 21, 1)),
        # The night the clocks skip 02:00-03:00 (Sunday 28 March 2027): four real hours, so
        # the clock reads 03:00 summer time at its end.
        Occurrence(utc(2027, 3, 27, 21), utc(2027, 3, 28, 1)),
        Occurrence(utc(2027, 4, 3, 20), utc(2027, 4, 4, 0)),
    ]
    assert found[1].end.astimezone(window.zone).strftime("%H:%M %Z") == "03:00 CEST"


def test_a_start_time_the_switch_skips_reads_with_the_offset_before_it() -> None:
    # Sunday 02:30 does not exist on 28 March 2027; RFC 5545 reads it as 03:30 summer time.
    window = WindowTiming(
        dt.date(2027, 3, 1),
        dt.date(2027, 4, 30),
        dt.time(2, 30),
        dt.time(3, 30),
        "weekly",
        frozenset({SUN}),
        time_zone=BERLIN,
    )
    (night,) = window.occurrences(utc(2027, 3, 27), utc(2027, 3, 29))
    assert night == Occurrence(utc(2027, 3, 28, 1, 30), utc(2027, 3, 28, 2, 30))
    assert night.start.astimezone(window.zone).strftime("%H:%M") == "03:30"


def test_whole_days_of_a_recurring_window_are_23_or_25_hours_on_the_switches() -> None:
    window = WindowTiming(
        dt.date(2026, 1, 1),
        dt.date(2027, 12, 31),
        None,
        None,
        "weekly",
        frozenset({SUN}),
        None,
        BERLIN,
    )
    (october,) = window.occurrences(utc(2026, 10, 25, 12), utc(2026, 10, 25, 13))
    (march,) = window.occurrences(utc(2027, 3, 28, 12), utc(2027, 3, 28, 13))
    assert october.end - october.start == dt.timedelta(hours=25)
    assert march.end - march.start == dt.timedelta(hours=23)


def test_a_window_once_past_midnight_ends_the_next_day() -> None:
    day = dt.date(2026, 12, 5)
    window = WindowTiming(day, day, dt.time(23), dt.time(1), time_zone="UTC")
    assert window.occurrences(utc(2026, 12, 1), utc(2026, 12, 31)) == [
        Occurrence(utc(2026, 12, 5, 23), utc(2026, 12, 6, 1))
    ]
    # Over several days, once: from the first day's start to the last day's end.
    longer = WindowTiming(day, dt.date(2026, 12, 7), dt.time(18), dt.time(6), time_zone="UTC")
    assert longer.occurrences(utc(2026, 12, 1), utc(2026, 12, 31)) == [
        Occurrence(utc(2026, 12, 5, 18), utc(2026, 12, 7, 6))
    ]
    # Whole days (no times): the first day's midnight to the midnight after the last day.
    days = WindowTiming(day, dt.date(2026, 12, 7), time_zone=BERLIN)
    assert days.occurrences(utc(2026, 12, 1), utc(2026, 12, 31)) == [
        Occurrence(utc(2026, 12, 4, 23), utc(2026, 12, 7, 23))
    ]


def test_the_second_tuesday_of_each_month() -> None:
    window = WindowTiming(
        dt.date(2026, 11, 1),
        dt.date(2027, 3, 31),
        dt.time(19),
        dt.time(21),
        "monthly",
        frozenset({TUE}),
        2,
        BERLIN,
    )
    starts = [
        o.start.astimezone(window.zone)
        for o in window.occurrences(utc(2026, 11, 1), utc(2027, 4, 1))
    ]
    assert [s.date() for s in starts] == [
        dt.date(2026, 11, 10),
        dt.date(2026, 12, 8),
        dt.date(2027, 1, 12),
        dt.date(2027, 2, 9),
        dt.date(2027, 3, 9),
    ]
    assert {s.strftime("%H:%M") for s in starts} == {"19:00"}


def test_a_fifth_weekday_only_in_months_that_have_one_and_the_last_weekday_in_every() -> None:
    fifth = WindowTiming(
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
        dt.time(9),
        dt.time(10),
        "monthly",
        frozenset({FRI}),
        5,
    )
    days = [o.start.date() for o in fifth.occurrences(utc(2027, 1, 1), utc(2028, 1, 1))]
    assert days == [
        dt.date(2027, 1, 29),
        dt.date(2027, 4, 30),
        dt.date(2027, 7, 30),
        dt.date(2027, 10, 29),
        dt.date(2027, 12, 31),
    ]
    last = WindowTiming(
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
        dt.time(9),
        dt.time(10),
        "monthly",
        frozenset({FRI}),
        -1,
    )
    lasts = [o.start.date() for o in last.occurrences(utc(2027, 1, 1), utc(2028, 1, 1))]
    assert (
        len(lasts) == 12 and lasts[1] == dt.date(2027, 2, 26) and lasts[-1] == dt.date(2027, 12, 31)
    )


def test_a_change_window_skips_holidays_but_a_freeze_does_not() -> None:
    holidays = frozenset({dt.date(2026, 12, 26)})  # a Saturday
    entry = SimpleNamespace(
        kind="change_window",
        start_date=dt.date(2026, 12, 1),
        end_date=dt.date(2027, 1, 31),
        start_time=dt.time(22),
        end_time=dt.time(2),
        recurrence="weekly",
        weekdays=frozenset({SAT}),
        month_week=None,
        time_zone=None,  # the plan's
    )
    window = WindowTiming.of(entry, BERLIN, holidays)
    days = [
        o.start.astimezone(window.zone).date()
        for o in window.occurrences(utc(2026, 12, 18), utc(2027, 1, 4))
    ]
    assert days == [dt.date(2026, 12, 19), dt.date(2027, 1, 2)]
    freeze = WindowTiming.of(SimpleNamespace(**{**vars(entry), "kind": "freeze"}), BERLIN, holidays)
    assert freeze.skipped == frozenset()


def test_the_next_window_that_fits_after_a_freeze_and_a_holiday() -> None:
    freeze = WindowTiming(dt.date(2026, 12, 18), dt.date(2027, 1, 3), time_zone=BERLIN)
    maintenance = saturday_nights(dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    ninety = dt.timedelta(minutes=90)
    # Planned inside the freeze: the first Saturday night after it.
    assert next_fit(utc(2026, 12, 22, 9), ninety, [maintenance], [freeze]) == utc(2027, 1, 9, 21)
    # That Saturday a holiday: the one after.
    skipping = saturday_nights(
        dt.date(2026, 1, 1), dt.date(2027, 12, 31), skipped=frozenset({dt.date(2027, 1, 9)})
    )
    assert next_fit(utc(2026, 12, 22, 9), ninety, [skipping], [freeze]) == utc(2027, 1, 16, 21)
    # Started inside an occurrence: the rest of it serves when the duration still fits.
    assert next_fit(utc(2027, 1, 9, 23), ninety, [maintenance], [freeze]) == utc(2027, 1, 9, 23)
    assert next_fit(utc(2027, 1, 10, 0), ninety, [maintenance], [freeze]) == utc(2027, 1, 16, 21)
    # Longer than any occurrence: none.
    assert next_fit(utc(2027, 1, 1), dt.timedelta(hours=5), [maintenance], [freeze]) is None
    # No change windows: the first moment after the freeze.
    assert next_fit(utc(2026, 12, 22, 9), ninety, [], [freeze]) == utc(2027, 1, 3, 23)


def test_the_rrule_a_window_is_written_as() -> None:
    window = saturday_nights(dt.date(2026, 1, 3), dt.date(2026, 12, 26))
    assert window.rrule() == {
        "FREQ": "WEEKLY",
        "BYDAY": ["SA"],
        "UNTIL": utc(2026, 12, 26, 21),  # the last start, in UTC
    }
    monthly = WindowTiming(
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        dt.time(19),
        dt.time(21),
        "monthly",
        frozenset({TUE}),
        2,
    )
    assert monthly.rrule() == {"FREQ": "MONTHLY", "BYDAY": ["2TU"], "UNTIL": utc(2026, 12, 31, 19)}
    assert WindowTiming(dt.date(2026, 1, 1), dt.date(2026, 1, 1)).rrule() is None


@pytest.mark.parametrize(
    ("times", "recurrence", "weekdays", "month_week", "kind", "problem"),
    [
        ((None, None), "weekly", (), None, "change_window", "needs at least one weekday"),
        ((None, None), "monthly", (TUE,), None, "change_window", "needs the week of the month"),
        ((dt.time(8), dt.time(9)), "none", (), None, "freeze", "only change windows"),
        ((None, None), "weekly", (SAT,), None, "blackout", "only change windows"),
    ],
)
def test_what_is_wrong_with_a_window_is_said(
    times: tuple[dt.time | None, dt.time | None],
    recurrence: str,
    weekdays: tuple[int, ...],
    month_week: int | None,
    kind: str,
    problem: str,
) -> None:
    (said,) = timing_problems(*times, recurrence, weekdays, month_week, kind)
    assert problem in said


def test_one_clock_time_alone_is_read_against_midnight() -> None:
    day = dt.date(2026, 12, 5)
    evening = WindowTiming(day, day, dt.time(22), None, time_zone="UTC")
    morning = WindowTiming(day, day, None, dt.time(6), time_zone="UTC")
    everything = (utc(2026, 12, 1), utc(2026, 12, 31))
    assert evening.occurrences(*everything) == [Occurrence(utc(2026, 12, 5, 22), utc(2026, 12, 6))]
    assert morning.occurrences(*everything) == [Occurrence(utc(2026, 12, 5), utc(2026, 12, 5, 6))]


def test_a_clean_window_and_a_known_zone_have_no_problems() -> None:
    assert timing_problems(dt.time(22), dt.time(2), "weekly", (SAT,), None, "change_window") == []
    assert zone_problem(BERLIN) is None
    assert "not a time zone" in (zone_problem("Mars/Olympus") or "")


def test_expanded_once_the_occurrences_answer_as_each_window_does() -> None:
    """`Occurrences` (expanded once, bisected) against asking every window each time: spans
    every 97 minutes over both DST switches, moments too, and ends exactly on occurrences'."""
    windows = [
        saturday_nights(*WINTER_TO_SUMMER),
        WindowTiming(*WINTER_TO_SUMMER, dt.time(19), dt.time(21), "monthly", frozenset({TUE}), 2),
        WindowTiming(dt.date(2027, 2, 1), dt.date(2027, 2, 3), time_zone=BERLIN),
    ]
    index = Occurrences(windows)
    moments = [utc(2026, 10, 1) + dt.timedelta(minutes=97 * n) for n in range(3_000)]
    edges = [o.end for w in windows for o in w.occurrences(utc(2026, 10, 1), utc(2027, 5, 1))]
    # Asked late first, then early: the expanded range grows both ways.
    for start in [*reversed(moments), *edges]:
        for minutes in (0, 90, 300, -60):  # and a span that ends before it starts
            length = dt.timedelta(minutes=minutes)
            end = start + length
            found = [o for w in windows for o in w.occurrences(start, end)]
            assert index.contain(start, end) == any(o.contains(start, end) for o in found)
            assert index.touch(start, end) == bool(found)
