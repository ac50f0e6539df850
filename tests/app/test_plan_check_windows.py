"""`gantry check` against timed, recurring change windows in the plan's time zone: inside an
occurrence or not, across a DST switch, holidays skipped, and the next occurrence suggested."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.plan import Plan
from app.plan_check import check_plan
from models import CalendarEntry, ChangeRequest, Deployment, Environment, PlanSetting
from tests.app.plan_factory import make_plan
from tests.app.test_plan_check import add

SATURDAY = 5


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    """make_plan's R1, in Berlin time, with a Saturday-night production window 22:00-02:00,
    a plan holiday on Saturday 2026-03-21 and a succeeded staging deployment."""
    path = tmp_path / "w.gantry"
    with make_plan(path) as store, store.transaction(reason="window data") as session:
        session.add(PlanSetting(key="time_zone", value="Europe/Berlin"))
        session.add_all(
            [
                Environment(name="staging", tier="staging", position=0),
                Environment(name="prod", tier="production", position=1),
            ]
        )
    add(
        path,
        CalendarEntry(
            kind="change_window",
            name="Saturday night",
            start_date=dt.date(2026, 1, 1),
            end_date=dt.date(2026, 12, 31),
            start_time=dt.time(22),
            end_time=dt.time(2),
            recurrence="weekly",
            weekdays=frozenset({SATURDAY}),
            environment_id="prod",  # type: ignore[arg-type]
        ),
        CalendarEntry(
            kind="holiday",
            name="Founders' Day",
            start_date=dt.date(2026, 3, 21),
            end_date=dt.date(2026, 3, 21),
        ),
        deploy("staging", dt.datetime(2026, 1, 8, 10), 60, "succeeded"),
    )
    return path


def deploy(env: str, start: dt.datetime, minutes: int, outcome: str = "planned") -> Deployment:
    return Deployment(
        release_id=None,
        environment_id=env,  # type: ignore[arg-type]
        window_start=start,
        window_end=start + dt.timedelta(minutes=minutes),
        outcome=outcome,
    )


def lines(path: Path, areas: tuple[str, ...] = ("window",)) -> list[str]:
    plan = Plan.open(path, read_only=True)
    try:
        return [f.line() for f in check_plan(plan, dt.date(2026, 1, 1)) if f.area in areas]
    finally:
        plan.close()


def test_a_deployment_inside_an_occurrence_past_midnight_is_clean(plan_path: Path) -> None:
    add(
        plan_path,
        deploy("prod", dt.datetime(2026, 1, 10, 23, 30), 120),  # Sat 23:30 to Sun 01:30
        # The night the clocks skip an hour (Sunday 29 March): 22:00 to 02:00 still holds
        # 22:30-01:30 on the clock.
        deploy("prod", dt.datetime(2026, 3, 28, 22, 30), 180),
    )
    assert lines(plan_path) == []


def test_a_deployment_outside_gets_the_next_occurrence_that_fits(plan_path: Path) -> None:
    add(
        plan_path,
        # A Tuesday evening: the Saturday after, at 22:00.
        deploy("prod", dt.datetime(2026, 1, 13, 19), 90),
        # Four hours from 23:00 overrun the night by an hour: the next night, from 22:00.
        deploy("prod", dt.datetime(2026, 1, 17, 23), 240),
        # An hour before the window opens: the same night, when it opens.
        deploy("prod", dt.datetime(2026, 3, 14, 21), 60),
    )
    assert lines(plan_path) == [
        "window: R1's deployment to prod on 2026-01-13 19:00 is outside every change window "
        "of prod. Next free day: 2026-01-17 22:00 to 23:30.",
        "window: R1's deployment to prod on 2026-01-17 23:00 is outside every change window "
        "of prod. Next free day: 2026-01-24 22:00 to 2026-01-25 02:00.",
        "window: R1's deployment to prod on 2026-03-14 21:00 is outside every change window "
        "of prod. Next free day: 2026-03-14 22:00 to 23:00.",
    ]


def test_the_suggestion_skips_a_holiday_and_a_freeze(plan_path: Path) -> None:
    add(
        plan_path,
        CalendarEntry(
            kind="freeze",
            name="March freeze",
            start_date=dt.date(2026, 3, 9),
            end_date=dt.date(2026, 3, 15),
        ),
        deploy("prod", dt.datetime(2026, 3, 10, 9), 60),
    )
    found = lines(plan_path, ("train", "window"))
    # The 14th is frozen, the 21st a holiday: Saturday 28 March, the night of the switch.
    assert found == [
        "train: R1's deployment to prod on 2026-03-10 09:00 falls inside March freeze "
        "(2026-03-09 to 2026-03-15). Next free day: 2026-03-28 22:00 to 23:00.",
        "window: R1's deployment to prod on 2026-03-10 09:00 is outside every change window "
        "of prod. Next free day: 2026-03-28 22:00 to 23:00.",
    ]


def test_an_open_change_outside_every_window_of_its_environment(plan_path: Path) -> None:
    add(
        plan_path,
        ChangeRequest(
            release_id=None,
            key="CHG-1",
            title="Rotate certificates",
            status="approved",
            window_start=dt.datetime(2026, 2, 4, 12),
            window_end=dt.datetime(2026, 2, 4, 13),
        ),
        ChangeRequest(
            release_id=None,
            key="CHG-2",
            title="Resize the database",
            status="approved",
            window_start=dt.datetime(2026, 2, 7, 22, 15),
            window_end=dt.datetime(2026, 2, 8, 1, 45),
        ),
    )
    assert lines(plan_path) == [
        "window: Change CHG-1 (Rotate certificates) is planned for 2026-02-04 12:00, outside "
        "every change window of prod. Next free day: 2026-02-07 22:00 to 23:00."
    ]
