"""The working calendar on a real plan file: work weeks, a country's holidays, the plan's own
holidays, one audited action that reschedules, and an exact way back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import holidays
import pytest

from app.demo import build_demo
from app.errors import ReadOnlyPlanError, ValidationError
from app.plan import Plan
from app.store import PlanStore
from app.unit_of_work import ChangeNotice
from app.work_calendar import Holiday, Source, WorkingCalendar
from tests.app.plan_factory import edit_outside_gantry, make_plan, plan_for
from tests.fixed_dates import DEMO_TODAY

TUE_TO_FRI = frozenset({1, 2, 3, 4})
MON_TO_SAT = frozenset(range(6))
DAY_OFF = Holiday(dt.date(2026, 1, 9), dt.date(2026, 1, 9), "Day off")  # make_plan's holiday


@pytest.fixture
def path(tmp_path: Path) -> Path:
    make_plan(tmp_path / "p.gantry").close()
    return tmp_path / "p.gantry"


@pytest.fixture
def plan(path: Path) -> Iterator[Plan]:
    opened = Plan.open(path)
    yield opened
    opened.close()


def current(plan: Plan) -> WorkingCalendar:
    return plan.work_calendar.current(DEMO_TODAY)


def dates(plan: Plan, key: str) -> tuple[dt.date | None, dt.date | None]:
    row = plan.work_items.find(key)
    return row.start, row.finish


def holiday_rows(path: Path) -> set[tuple[str, str, str]]:
    """Plan-wide holidays as a fresh reader of the file sees them: (start, end, name)."""
    conn = sqlite3.connect(path)
    try:
        return set(
            conn.execute(
                "SELECT start_date, end_date, name FROM calendar_entries "
                "WHERE kind = 'holiday' AND environment_id IS NULL"
            )
        )
    finally:
        conn.close()


def table_contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("plan_settings", "calendar_entries")
        }
    finally:
        conn.close()


def country_rows(code: str, years: range, subdiv: str | None = None) -> set[tuple[str, str, str]]:
    """What `holidays` itself gives for the country, in the rows the plan should hold."""
    table = holidays.country_holidays(code, subdiv=subdiv, years=years, language="en_US")
    return {(day.isoformat(), day.isoformat(), str(name)) for day, name in table.items()}


def test_a_plan_without_a_country_has_its_own_holidays_and_the_default_span(plan: Plan) -> None:
    calendar = current(plan)
    assert calendar.work_week == frozenset(range(5))
    assert (calendar.country, calendar.subdivision) == ("", "")
    # R1 runs in January 2026: from its start's year to two years past its target.
    assert calendar.years == range(2026, 2029)
    assert calendar.manual == (DAY_OFF,)
    assert plan.work_calendar.preview(calendar).changed is False


def test_a_four_day_week_moves_the_dates_in_one_audited_action(plan: Plan, path: Path) -> None:
    assert dates(plan, "A") == (dt.date(2026, 1, 5), dt.date(2026, 1, 7))
    assert dates(plan, "B") == (dt.date(2026, 1, 8), dt.date(2026, 1, 12))
    notices: list[ChangeNotice] = []
    plan.uow.subscribe(notices.append)
    new = dataclasses.replace(current(plan), work_week=TUE_TO_FRI)
    assert plan.work_calendar.moved_items(new) == 5  # every item, the phase too
    plan.work_calendar.apply(new, "four-day week")
    edits = [n for n in notices if not n.derived]
    assert len(edits) == 1 and edits[0].touches("plan_settings")
    assert edits[0].reason == "four-day week"
    # Monday is off: A runs Tue 6 - Thu 8; Fri 9 is the plan's day off, so B runs Tue 13-Wed 14.
    assert dates(plan, "A") == (dt.date(2026, 1, 6), dt.date(2026, 1, 8))
    assert dates(plan, "B") == (dt.date(2026, 1, 13), dt.date(2026, 1, 14))
    assert plan.state.settings.work_week == TUE_TO_FRI
    assert holiday_rows(path) == {("2026-01-09", "2026-01-09", "Day off")}
    assert plan.verify_audit().ok


def test_a_saturday_working_week_schedules_over_the_weekend(plan: Plan, path: Path) -> None:
    plan.work_calendar.apply(dataclasses.replace(current(plan), work_week=MON_TO_SAT))
    # B runs Thu 8 and (Fri 9 is a holiday) Sat 10.
    assert dates(plan, "B") == (dt.date(2026, 1, 8), dt.date(2026, 1, 10))
    reopened = Plan.open(path, read_only=True)
    try:  # another reader of the file schedules the same
        assert dates(reopened, "B") == (dt.date(2026, 1, 8), dt.date(2026, 1, 10))
        assert reopened.state.settings.work_week == MON_TO_SAT
    finally:
        reopened.close()


def test_a_country_stores_its_holidays_for_the_years_and_keeps_the_plans_own(
    plan: Plan, path: Path
) -> None:
    years = range(2026, 2029)
    us = dataclasses.replace(current(plan), country="US")
    preview = plan.work_calendar.preview(us)
    assert preview.per_year == 13  # eleven federal holidays and two observed days a year
    assert preview.removed == ()
    assert len(preview.added) == len(country_rows("US", years))
    plan.work_calendar.apply(us)
    stored = holiday_rows(path)
    assert stored == country_rows("US", years) | {("2026-01-09", "2026-01-09", "Day off")}
    assert ("2026-07-04", "2026-07-04", "Independence Day") in stored

    de = dataclasses.replace(current(plan), country="DE")
    preview = plan.work_calendar.preview(de)
    assert {h.source for h in preview.removed} == {Source.COUNTRY}
    # A holiday both countries have (New Year's Day, Christmas Day) stays as it is.
    shared = country_rows("US", years) & country_rows("DE", years)
    assert len(shared) == 6
    assert {(h.start.isoformat(), h.end.isoformat(), h.name) for h in preview.removed} == (
        country_rows("US", years) - shared
    )
    plan.work_calendar.apply(de)
    stored = holiday_rows(path)
    assert stored == country_rows("DE", years) | {("2026-01-09", "2026-01-09", "Day off")}
    assert ("2026-10-03", "2026-10-03", "German Unity Day") in stored
    assert not any(name == "Independence Day" for _s, _e, name in stored)
    calendar = current(plan)
    assert (calendar.country, calendar.years, calendar.manual) == ("DE", years, (DAY_OFF,))
    assert calendar.excluded == frozenset()
    assert plan.state.holidays == preview.days_off
    assert plan.verify_audit().ok


def test_a_region_adds_its_own_holidays_to_the_schedule(plan: Plan, path: Path) -> None:
    plan.work_calendar.apply(dataclasses.replace(current(plan), country="DE"))
    assert dates(plan, "A") == (dt.date(2026, 1, 5), dt.date(2026, 1, 7))
    plan.work_calendar.apply(dataclasses.replace(current(plan), subdivision="BY"))
    # Epiphany (Tue 6 Jan) is a holiday in Bavaria, not in all of Germany.
    assert ("2026-01-06", "2026-01-06", "Epiphany") in holiday_rows(path)
    assert dates(plan, "A") == (dt.date(2026, 1, 5), dt.date(2026, 1, 8))
    assert current(plan).subdivision == "BY"


def test_an_excluded_country_holiday_is_not_stored_and_reads_back_excluded(
    plan: Plan, path: Path
) -> None:
    thanksgiving = dt.date(2026, 11, 26)
    us = dataclasses.replace(current(plan), country="US", excluded=frozenset({thanksgiving}))
    preview = plan.work_calendar.preview(us)
    listed = next(h for h in preview.listed if h.start == thanksgiving)
    assert listed.source == Source.COUNTRY and not preview.taken(listed)
    plan.work_calendar.apply(us)
    assert not any(start == "2026-11-26" for start, _e, _n in holiday_rows(path))
    assert current(plan).excluded == {thanksgiving}
    assert current(plan) == us


def test_manual_holidays_are_added_and_removed_with_the_rest(plan: Plan, path: Path) -> None:
    offsite = Holiday(dt.date(2026, 3, 2), dt.date(2026, 3, 4), "Team offsite")
    calendar = dataclasses.replace(current(plan), country="US", manual=(offsite,))
    plan.work_calendar.apply(calendar)
    stored = holiday_rows(path)
    assert ("2026-03-02", "2026-03-04", "Team offsite") in stored
    assert ("2026-01-09", "2026-01-09", "Day off") not in stored  # removed in the dialog
    assert current(plan).manual == (offsite,)
    assert {dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)} <= plan.state.holidays


def test_applying_the_old_calendar_restores_settings_and_entries_exactly(
    plan: Plan, path: Path
) -> None:
    before = table_contents(path)
    start = current(plan)
    new = dataclasses.replace(
        start,
        work_week=MON_TO_SAT,
        country="DE",
        subdivision="BY",
        last_year=2030,
        manual=(Holiday(dt.date(2026, 2, 2), dt.date(2026, 2, 2), "Offsite"),),
        excluded=frozenset({dt.date(2026, 12, 26)}),
    )
    old = plan.work_calendar.apply(new)
    # A plan without a country keeps no span of years: the old calendar carries the new one's.
    assert old == dataclasses.replace(start, last_year=2030)
    assert table_contents(path) != before
    assert plan.work_calendar.apply(old) == new
    assert table_contents(path) == before  # the same rows under the same ids
    assert dates(plan, "B") == (dt.date(2026, 1, 8), dt.date(2026, 1, 12))
    assert plan.verify_audit().ok


def test_an_undo_gives_back_entry_ids_other_undo_steps_name(plan: Plan, path: Path) -> None:
    holiday_id = next(r.id for r in plan.calendar.rows() if r.name == "Day off")
    old = plan.work_calendar.apply(dataclasses.replace(current(plan), manual=()))
    assert holiday_rows(path) == set()
    plan.work_calendar.apply(old)
    assert plan.calendar.row(holiday_id).name == "Day off"
    plan.calendar.update(holiday_id, "name", "Company day")  # as an older undo step would
    assert holiday_rows(path) == {("2026-01-09", "2026-01-09", "Company day")}


def test_a_plan_that_did_not_record_its_years_reads_the_years_its_holidays_cover(
    path: Path,
) -> None:
    statements = ["INSERT INTO plan_settings (key, value) VALUES ('holiday_country', 'US')"]
    for start, end, name in country_rows("US", range(2025, 2028)):
        quoted = name.replace("'", "''")
        statements.append(
            "INSERT INTO calendar_entries (kind, name, start_date, end_date) "
            f"VALUES ('holiday', '{quoted}', '{start}', '{end}')"
        )
    edit_outside_gantry(path, *statements)
    before = table_contents(path)
    plan = Plan.open(path)
    try:
        calendar = current(plan)
        assert (calendar.country, calendar.years) == ("US", range(2025, 2028))
        assert calendar.excluded == frozenset() and calendar.manual == (DAY_OFF,)
        assert plan.work_calendar.preview(calendar).changed is False
        old = plan.work_calendar.apply(dataclasses.replace(calendar, work_week=MON_TO_SAT))
        plan.work_calendar.apply(old)
        assert table_contents(path) == before  # no years row was left behind
    finally:
        plan.close()


def test_a_read_only_plan_refuses_a_new_calendar(plan: Plan, path: Path) -> None:
    before = table_contents(path)
    reader = Plan.open(path, read_only=True)
    try:
        new = dataclasses.replace(reader.work_calendar.current(DEMO_TODAY), country="DE")
        with pytest.raises(ReadOnlyPlanError, match="read-only"):
            reader.work_calendar.apply(new)
    finally:
        reader.close()
    assert table_contents(path) == before


def test_calendars_that_cannot_be_applied_say_why_and_change_nothing(
    plan: Plan, path: Path
) -> None:
    before = table_contents(path)
    start = current(plan)
    refused = [
        (dataclasses.replace(start, work_week=frozenset()), "at least one working day"),
        (dataclasses.replace(start, country="XX"), "no public holidays for the country 'XX'"),
        (dataclasses.replace(start, country="DE", subdivision="TX"), "Germany has no region"),
        (dataclasses.replace(start, first_year=2030, last_year=2026), "must run forward"),
        (dataclasses.replace(start, first_year=1900), "must run forward"),
        (dataclasses.replace(start, last_year=2099), "at most 50 years"),
        (
            dataclasses.replace(
                start, manual=(Holiday(dt.date(2026, 2, 2), dt.date(2026, 2, 2), " "),)
            ),
            "name cannot be empty",
        ),
    ]
    for calendar, reason in refused:
        assert any(reason in p for p in plan.work_calendar.check(calendar)), reason
        with pytest.raises(ValidationError, match=reason):
            plan.work_calendar.apply(calendar)
    assert table_contents(path) == before


def test_the_holiday_settings_are_not_set_one_at_a_time(plan: Plan) -> None:
    with pytest.raises(ValidationError, match="File › Working Calendar"):
        plan.settings.update(0, "holiday_country", "DE")
    plan.settings.update(0, "work_week", MON_TO_SAT)  # still a plan setting of its own
    assert current(plan).work_week == MON_TO_SAT


def test_the_demo_plan_reads_as_its_country_and_years(tmp_path: Path) -> None:
    with PlanStore.open(tmp_path / "demo.gantry", create=True) as store:
        build_demo(store, DEMO_TODAY)
    plan = plan_for(PlanStore.open(tmp_path / "demo.gantry"))
    try:
        calendar = current(plan)
        assert (calendar.country, calendar.years) == ("US", range(2025, 2028))
        assert calendar.excluded == frozenset() and calendar.manual == ()
        assert plan.work_calendar.preview(calendar).changed is False
    finally:
        plan.close()
