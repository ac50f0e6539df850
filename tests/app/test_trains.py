"""Release trains: cadences across month ends, year end and holidays; the template; one undo
step per generation and per move, with or without the rest of the train."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import ValidationError
from app.plan import Plan
from app.scheduling.calendar import WorkCalendar
from app.trains import (
    Cadence,
    Milestone,
    ReleaseTemplate,
    next_version,
    release_day,
    release_days,
)
from models import CalendarEntry, Checklist
from tests.app.plan_factory import make_plan, plan_for

D = dt.date
# Holidays of the test plan, besides make_plan's 2026-01-09: Christmas and New Year fall on
# Fridays in 2026/27, and a made-up one on the 2nd Tuesday of January 2027.
HOLIDAYS = (D(2026, 12, 25), D(2027, 1, 1), D(2027, 1, 12))
TEMPLATE = ReleaseTemplate(
    start_date=-20,
    feature_freeze=-10,
    code_freeze=-5,
    milestones=(Milestone("Go/no-go", -1),),
    checklists=("go_no_go",),
)


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    store = make_plan(tmp_path / "p.gantry")
    with store.transaction(reason="holidays") as session:
        session.add_all(
            CalendarEntry(kind="holiday", name=f"Holiday {d}", start_date=d, end_date=d)
            for d in HOLIDAYS
        )
    opened = plan_for(store)
    yield opened
    opened.close()


def calendar() -> WorkCalendar:
    return WorkCalendar(HOLIDAYS)


def test_every_two_weeks_over_christmas_and_new_year() -> None:
    days = release_days(Cadence.weekly(2), D(2026, 12, 11), 4, calendar())
    # Christmas Friday goes out on the Thursday before; New Year's Day is a fortnight off it.
    assert days == [D(2026, 12, 11), D(2026, 12, 24), D(2027, 1, 8), D(2027, 1, 22)]


def test_monthly_second_tuesday_across_the_year_end() -> None:
    days = release_days(Cadence.monthly(2, 1), D(2026, 11, 20), 4, calendar())
    # From the first one on or after the anchor; 2027-01-12 is a holiday: the Monday before.
    assert days == [D(2026, 12, 8), D(2027, 1, 11), D(2027, 2, 9), D(2027, 3, 9)]


def test_monthly_last_friday_across_month_ends_and_christmas() -> None:
    days = release_days(Cadence.monthly(-1, 4), D(2026, 10, 1), 5, calendar())
    assert days == [
        D(2026, 10, 30),
        D(2026, 11, 27),
        D(2026, 12, 24),
        D(2027, 1, 29),
        D(2027, 2, 26),
    ]


def test_a_release_day_on_a_weekend_goes_to_the_friday_before() -> None:
    assert release_day(calendar(), D(2027, 1, 2)) == D(2026, 12, 31)  # Sat after New Year
    assert release_day(calendar(), D(2027, 1, 3)) == D(2026, 12, 31)
    assert release_day(calendar(), D(2027, 1, 4)) == D(2027, 1, 4)


def test_a_moved_back_day_is_not_generated_twice() -> None:
    # The last Friday of December moved back to the 24th: the next is January's, not the 25th.
    after = D(2026, 12, 24)
    days = release_days(Cadence.monthly(-1, 4), D(2026, 10, 1), 2, calendar(), after)
    assert days == [D(2027, 1, 29), D(2027, 2, 26)]


def test_versions_count_up_their_last_number() -> None:
    assert next_version("3.6") == "3.7"
    assert next_version("3.9") == "3.10"
    assert next_version("2027.1-lts") == "2027.2-lts"
    assert next_version("") == "1"


def test_cadence_labels() -> None:
    assert Cadence.weekly(2).label == "every 2 weeks"
    assert Cadence.monthly(2, 1).label == "monthly on the 2nd Tuesday"
    assert Cadence.monthly(-1, 4).label == "monthly on the last Friday"


def test_template_offsets_must_come_in_order() -> None:
    wrong = ReleaseTemplate(feature_freeze=-3, code_freeze=-5)
    assert wrong.problems() == ["Code freeze (-5) comes before Feature freeze (-3)"]
    assert ReleaseTemplate(code_freeze=2).problems() == [
        "Code freeze comes before the release: offset 2"
    ]
    assert ReleaseTemplate.from_json(TEMPLATE.to_json()) == TEMPLATE


def test_new_train_makes_its_releases_with_the_template(plan: Plan) -> None:
    made = plan.trains.create("Atlas", Cadence.weekly(2), TEMPLATE, D(2026, 12, 11), "3.6", 3)
    rows = [plan.releases.row(r) for r in made.release_ids]
    assert [(r.name, r.version, r.target_date) for r in rows] == [
        ("Atlas 3.6", "3.6", D(2026, 12, 11)),
        ("Atlas 3.7", "3.7", D(2026, 12, 24)),
        ("Atlas 3.8", "3.8", D(2027, 1, 8)),
    ]
    third = rows[2]
    # Ten working days before 2027-01-08, skipping New Year's Day and Christmas.
    assert third.feature_freeze == D(2026, 12, 23)
    assert third.code_freeze == D(2026, 12, 31)
    assert third.start_date == D(2026, 12, 9)
    go_no_go = plan.work_items.rows(third.id)
    assert [(i.kind, i.name, i.not_before) for i in go_no_go] == [
        ("milestone", "Go/no-go", D(2027, 1, 7))
    ]
    assert {r.train_id for r in rows} == {made.train_id}
    assert [c.name for c in plan.checklists.checklists(third.id)] == ["Go/No-Go: Atlas 3.8"]
    train = plan.trains.row(made.train_id)
    assert train.release_ids == made.release_ids
    assert train.cadence.label == "every 2 weeks"


def test_generate_next_continues_the_train(plan: Plan) -> None:
    made = plan.trains.create(
        "Orbit", Cadence.monthly(-1, 4), ReleaseTemplate(), D(2026, 10, 1), "1.8", 3
    )
    more = plan.trains.generate(made.train_id, 2)
    rows = [plan.releases.row(r) for r in more.release_ids]
    assert [(r.name, r.target_date) for r in rows] == [
        ("Orbit 1.11", D(2027, 1, 29)),
        ("Orbit 1.12", D(2027, 2, 26)),
    ]
    assert plan.trains.row(made.train_id).release_ids == made.release_ids + more.release_ids


def test_a_train_is_refused_with_every_reason(plan: Plan) -> None:
    with pytest.raises(ValidationError) as refused:
        plan.trains.create(
            "", Cadence.weekly(0), ReleaseTemplate(code_freeze=3), D(2026, 12, 11), "", 0
        )
    assert refused.value.problems == [
        "A train needs a name",
        "A train runs every 1 to 52 weeks",
        "Code freeze comes before the release: offset 3",
        "Generate 1 to 52 releases at a time, not 0",
        "The first release needs a version, e.g. 3.6",
    ]
    plan.trains.create("R", Cadence.weekly(1), ReleaseTemplate(), D(2026, 12, 11), "1", 1)
    with pytest.raises(ValidationError, match="already a train named 'r'"):
        plan.trains.create("r", Cadence.weekly(1), ReleaseTemplate(), D(2027, 2, 1), "5", 1)
    plan.releases.create("Beta 2")
    with pytest.raises(ValidationError, match="already has a release named Beta 2"):
        plan.trains.create("Beta", Cadence.weekly(1), ReleaseTemplate(), D(2026, 12, 11), "2", 1)


def test_generation_is_one_undo_step_and_redo_keeps_the_ids(plan: Plan) -> None:
    before = {r.name for r in plan.releases.rows()}
    made = plan.trains.create("Atlas", Cadence.weekly(2), TEMPLATE, D(2026, 12, 11), "3.6", 2)
    plan.trains.remove(made)
    assert {r.name for r in plan.releases.rows()} == before
    assert plan.trains.rows() == []
    with plan.store.read() as session:
        assert (
            session.scalars(select(Checklist).where(Checklist.release_id.is_not(None))).all() == []
        )
    again = plan.trains.create(
        "Atlas", Cadence.weekly(2), TEMPLATE, D(2026, 12, 11), "3.6", 2, again=made
    )
    assert (again.train_id, again.release_ids, again.item_ids) == (
        made.train_id,
        made.release_ids,
        made.item_ids,
    )
    more = plan.trains.generate(made.train_id, 1)
    plan.trains.remove(more)
    assert plan.trains.row(made.train_id).release_ids == made.release_ids  # the train stays


def test_undo_of_a_generation_is_refused_once_work_was_added(plan: Plan) -> None:
    made = plan.trains.create("Atlas", Cadence.weekly(2), TEMPLATE, D(2026, 12, 11), "3.6", 2)
    plan.work_items.create(made.release_ids[1], "task", "Late idea")
    with pytest.raises(ValidationError, match="Atlas 3.7 now holds 1 work item added since"):
        plan.trains.remove(made)
    assert len(plan.trains.row(made.train_id).release_ids) == 2


def dates(plan: Plan, release_id: int) -> tuple[dt.date | None, ...]:
    row = plan.releases.row(release_id)
    return (row.start_date, row.feature_freeze, row.code_freeze, row.target_date)


def test_moving_one_release_alone_keeps_its_offsets_and_leaves_the_rest(plan: Plan) -> None:
    made = plan.trains.create("Atlas", Cadence.weekly(2), TEMPLATE, D(2026, 12, 11), "3.6", 3)
    first, second, third = made.release_ids
    before = {r: dates(plan, r) for r in made.release_ids}
    assert plan.trains.later_releases(second) == [third]
    moved = plan.trains.move_release(second, D(2027, 1, 4), with_rest=False)
    # 2027-01-04: its code freeze five working days back skips New Year's Day and Christmas.
    assert dates(plan, second) == (D(2026, 12, 3), D(2026, 12, 17), D(2026, 12, 24), D(2027, 1, 4))
    milestone = plan.work_items.rows(second)[0]
    assert milestone.not_before == D(2026, 12, 31)
    assert dates(plan, first) == before[first] and dates(plan, third) == before[third]
    plan.trains.put_back(moved)
    assert {r: dates(plan, r) for r in made.release_ids} == before
    assert plan.work_items.rows(second)[0].not_before == D(2026, 12, 23)


def test_moving_with_the_rest_shifts_later_releases_by_the_same_working_days(plan: Plan) -> None:
    made = plan.trains.create("Atlas", Cadence.weekly(2), TEMPLATE, D(2026, 12, 11), "3.6", 3)
    first, second, third = made.release_ids
    before = {r: dates(plan, r) for r in made.release_ids}
    # Two working days later: 2026-12-24 -> 2026-12-29 (over Christmas and the weekend).
    moved = plan.trains.move_release(second, D(2026, 12, 29), with_rest=True)
    assert set(moved.release_ids) == {second, third}
    assert dates(plan, second)[3] == D(2026, 12, 29)
    # 2027-01-08 plus two working days: 2027-01-12 is a holiday, so the 13th.
    assert dates(plan, third)[3] == D(2027, 1, 13)
    assert dates(plan, third)[1] == D(2026, 12, 28)  # still ten working days before
    assert dates(plan, first) == before[first]
    plan.trains.put_back(moved)
    assert {r: dates(plan, r) for r in made.release_ids} == before


def test_a_released_release_does_not_move(plan: Plan) -> None:
    made = plan.trains.create("Atlas", Cadence.weekly(2), TEMPLATE, D(2026, 12, 11), "3.6", 2)
    plan.releases.update(made.release_ids[0], "actual_date", D(2026, 12, 11), override="test")
    with pytest.raises(ValidationError, match="was released on 2026-12-11"):
        plan.trains.move_release(made.release_ids[0], D(2026, 12, 14), with_rest=True)
