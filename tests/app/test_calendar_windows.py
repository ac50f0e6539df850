"""Calendar entries with clock times through the record service: the TIME field, the rules
across fields (derived weekday, only change windows timed, a known zone), the audit trail
over times and weekday sets, and the next free day seeing a recurring window's days only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.audit import verify
from app.calendar_entries import CALENDAR_ENTRIES
from app.errors import ValidationError
from app.plan import Plan
from app.plan_check import free_day
from app.release_train import TrainEnvironment, TrainWindow
from app.scheduling.calendar import WorkCalendar
from app.window_times import WindowTiming
from tests.app.plan_factory import make_plan

OPENS = CALENDAR_ENTRIES.fields["start_time"]
SATURDAY = 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22:00", dt.time(22)),
        ("9:30", dt.time(9, 30)),
        ("0930", dt.time(9, 30)),
        ("21.15", dt.time(21, 15)),
        ("", None),
    ],
)
def test_a_time_is_typed_as_people_write_it(text: str, expected: dt.time | None) -> None:
    assert OPENS.coerce(text) == expected
    assert OPENS.coerce(dt.time(7, 5, 30)) == dt.time(7, 5)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("25:00", "25:00 is past 23:59"),
        ("soon", "'soon' is not a time of day (use HH:MM)"),
        (7, "must be a time of day"),
    ],
)
def test_a_time_that_is_none_is_refused(value: object, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        OPENS.coerce(value, "Night")
    assert message in str(info.value)


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    path = tmp_path / "c.gantry"
    make_plan(path).close()
    opened = Plan.open(path)
    yield opened  # type: ignore[misc]
    opened.close()


def test_a_window_made_weekly_repeats_on_its_first_days_weekday(plan: Plan) -> None:
    service = plan.calendar
    entry = service.create(
        {
            "kind": "change_window",
            "name": "Night",
            "start_date": dt.date(2026, 1, 10),  # a Saturday, the 2nd of its month
            "end_date": dt.date(2026, 12, 31),
        }
    )
    service.update(entry, "start_time", "22:00")
    service.update(entry, "end_time", "02:00")
    service.update(entry, "recurrence", "weekly")
    row = service.row(entry)
    assert (row.start_time, row.end_time, row.weekdays) == (
        dt.time(22),
        dt.time(2),
        frozenset({SATURDAY}),
    )
    service.update(entry, "recurrence", "monthly")
    assert service.row(entry).month_week == 2
    service.update(entry, "weekdays", frozenset({1}))
    assert service.row(entry).weekdays == frozenset({1})
    # Emptied, the weekdays of a recurring window fall back to its first day's.
    service.update(entry, "weekdays", frozenset())
    assert service.row(entry).weekdays == frozenset({SATURDAY})
    with pytest.raises(ValidationError) as info:
        service.update(entry, "time_zone", "Europe/Atlantis")
    assert "not a time zone name" in str(info.value)
    service.update(entry, "time_zone", "Europe/Berlin")
    # The trail records times and weekday sets and still matches the file.
    with plan.store.read() as session:
        report = verify(session)
    assert report.problems == []


def test_a_freeze_stays_whole_days(plan: Plan) -> None:
    with pytest.raises(ValidationError) as info:
        plan.calendar.create(
            {
                "kind": "freeze",
                "name": "Freeze",
                "start_date": dt.date(2026, 1, 10),
                "end_date": dt.date(2026, 1, 12),
                "recurrence": "weekly",
            }
        )
    assert "only change windows have clock times or a recurrence" in str(info.value)


def test_the_next_free_day_sees_a_recurring_window_on_its_days_only() -> None:
    prod = TrainEnvironment(1, "prod", "production")
    saturdays = TrainWindow(
        1, "change_window", "Saturdays", dt.date(2027, 1, 1), dt.date(2027, 12, 31), prod
    )
    timing = WindowTiming(
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
        dt.time(22),
        dt.time(2),
        "weekly",
        frozenset({SATURDAY}),
    )

    def opens(window: TrainWindow, day: dt.date) -> bool:
        return timing.starts_on(day)

    every_day = WorkCalendar([], frozenset(range(7)))
    # By its dates the window covers every day; by its days, the Saturday.
    assert free_day(dt.date(2027, 1, 4), prod, [saturdays], every_day) == dt.date(2027, 1, 5)
    assert free_day(dt.date(2027, 1, 4), prod, [saturdays], every_day, opens=opens) == dt.date(
        2027, 1, 9
    )
