"""Runbook service: templates, timeline, change window, rollback, migration flag, waits, runs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.errors import ValidationError
from app.plan import Plan
from app.runbook_timeline import PlannedStep, clock_offset, compute
from app.runbooks import RunbookService
from models import AuditEvent, CalendarEntry, Release
from tests.app.plan_factory import make_plan, plan_for

T0 = dt.datetime(2026, 1, 16, 19, 0)


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    opened = plan_for(make_plan(tmp_path / "plan.gantry"))
    try:
        yield opened
    finally:
        opened.close()


def _release(plan: Plan) -> int:
    (release,) = plan.releases.rows()
    return int(release.id)


def _book(plan: Plan) -> tuple[int, dict[str, int]]:
    """A: prepare 10 -> (B: deploy 20 || C: migrate 5) -> D: verify 15; E rolls back B,
    F restores C."""
    books = plan.runbooks
    book = books.create_runbook("Night", _release(plan), planned_start=T0)
    ids: dict[str, int] = {}
    for key, section, minutes in (
        ("A", "preparation", 10),
        ("B", "deploy", 20),
        ("C", "data_migration", 5),
        ("D", "verify", 15),
        ("E", "rollback", 7),
        ("F", "rollback", 9),
    ):
        ids[key] = books.add_step(
            book, {"title": key, "section": section, "duration_minutes": minutes}
        )
    books.add_link(ids["B"], ids["A"])
    books.add_link(ids["C"], ids["A"])
    books.add_link(ids["D"], ids["B"])
    books.add_link(ids["D"], ids["C"])
    books.update(ids["B"], "rollback_step_id", ids["E"])
    books.update(ids["C"], "rollback_step_id", ids["F"])
    return book, ids


def test_timeline_matches_a_hand_computed_rhombus(plan: Plan) -> None:
    book, ids = _book(plan)
    timeline = plan.runbooks.timeline(book)
    spans = {
        k: (timeline.steps[i].start, timeline.steps[i].finish) for k, i in ids.items() if k < "E"
    }
    assert spans == {"A": (0, 10), "B": (10, 30), "C": (10, 15), "D": (30, 45)}
    assert timeline.total == 45
    assert timeline.critical == [ids["A"], ids["B"], ids["D"]]
    assert timeline.steps[ids["C"]].slack == 15
    assert ids["E"] not in timeline.steps  # rollback steps run only on failure


def test_zero_minute_steps_keep_their_minute_and_planned_starts_hold() -> None:
    steps = [
        PlannedStep(1, "go", 0),
        PlannedStep(2, "a", 7),
        PlannedStep(3, "decision", 0),
        PlannedStep(4, "late", 3, start_offset=30),
    ]
    timeline = compute(steps, [(2, 1), (3, 2), (4, 3)])
    assert [(timeline.steps[i].start, timeline.steps[i].finish) for i in (1, 2, 3, 4)] == [
        (0, 0),
        (0, 7),
        (7, 7),
        (30, 33),
    ]
    assert timeline.total == 33
    assert clock_offset("21:30", T0) == 150
    assert clock_offset("01:00", T0) == 360  # the next morning


def test_a_clock_time_planned_start(plan: Plan) -> None:
    book, ids = _book(plan)
    plan.runbooks.update(ids["D"], "start_clock", "20:00")
    assert plan.runbooks.timeline(book).steps[ids["D"]].start == 60
    with pytest.raises(ValidationError, match="HH:MM"):
        plan.runbooks.update(ids["D"], "start_clock", "8pm")
    with pytest.raises(ValidationError, match="not both"):
        plan.runbooks.update(ids["D"], "start_offset", 5)


def test_a_wait_that_closes_a_cycle_is_refused_naming_the_steps(plan: Plan) -> None:
    book, ids = _book(plan)
    with pytest.raises(ValidationError) as refused:
        plan.runbooks.add_link(ids["A"], ids["D"])
    message = str(refused.value)
    assert "1. A cannot wait for 4. D" in message
    assert "1. A" in message and "2. B" in message and "4. D" in message
    assert len(plan.runbooks.links(book)) == 4


def test_change_window_fit(plan: Plan) -> None:
    book, ids = _book(plan)
    assert plan.runbooks.window_fit(book).fits is False
    with plan.store.transaction(reason="window") as session:
        session.add(
            CalendarEntry(
                kind="change_window",
                name="Friday night",
                start_date=T0.date(),
                end_date=T0.date(),
            )
        )
    fit = plan.runbooks.window_fit(book)
    assert fit.fits is True and "Friday night" in fit.message
    plan.runbooks.update(ids["D"], "duration_minutes", 6 * 60)  # now ends after midnight
    fit = plan.runbooks.window_fit(book)
    assert fit.fits is False and "past the change window Friday night" in fit.message


def test_a_recurring_window_fits_only_on_its_days_at_its_hours(plan: Plan) -> None:
    book, _ids = _book(plan)  # Friday 16 January 2026, 19:00 to 19:45 in the plan's time (UTC)
    with plan.store.transaction(reason="window") as session:
        session.add(
            CalendarEntry(
                kind="change_window",
                name="Saturday night",
                start_date=dt.date(2026, 1, 1),
                end_date=dt.date(2026, 12, 31),
                start_time=dt.time(22),
                end_time=dt.time(2),
                recurrence="weekly",
                weekdays=frozenset({5}),
                time_zone="Europe/Berlin",
            )
        )
    # The year's date range covers the Friday, but the window opens only on Saturday nights.
    fit = plan.runbooks.window_fit(book)
    assert fit.fits is False and "outside every change window" in fit.message
    with plan.store.transaction(reason="window") as session:
        session.add(
            CalendarEntry(
                kind="change_window",
                name="Friday evening",
                start_date=dt.date(2026, 1, 1),
                end_date=dt.date(2026, 12, 31),
                start_time=dt.time(18),
                end_time=dt.time(20, 30),  # Berlin: 17:00 to 19:30 UTC in January
                recurrence="weekly",
                weekdays=frozenset({4}),
                time_zone="Europe/Berlin",
            )
        )
    fit = plan.runbooks.window_fit(book)
    assert fit.fits is False
    assert "past the change window Friday evening (Weekly on Fri" in fit.message
    with plan.store.transaction(reason="window") as session:
        session.execute(
            update(CalendarEntry)
            .where(CalendarEntry.name == "Friday evening")
            .values(end_time=dt.time(21))
        )
    fit = plan.runbooks.window_fit(book)
    assert fit.fits is True
    assert "Friday evening (Weekly on Fri, 18:00-21:00 (Europe/Berlin))" in fit.message


def test_rollback_plan_is_derived_from_the_step_reached(plan: Plan) -> None:
    book, ids = _book(plan)
    books = plan.runbooks
    assert [s.title for s in books.rollback_plan(book, ids["B"])] == ["E"]
    assert [s.title for s in books.rollback_plan(book, ids["D"])] == ["F", "E"]
    with pytest.raises(ValidationError, match="Rollback section"):
        books.update(ids["B"], "rollback_step_id", ids["C"])


def test_a_migration_without_a_verified_backup_is_flagged(plan: Plan) -> None:
    book, ids = _book(plan)
    books = plan.runbooks
    books.update(ids["C"], "migration_part", "migrate")
    assert books.problems(book) == [
        "Step 3. C migrates data but no verified backup step comes before it."
    ]
    check = books.add_step(
        book,
        {"title": "Verify backup", "section": "data_migration", "migration_part": "backup_verify"},
        position=1,
    )
    assert books.problems(book) == []
    books.move_step(check, 5)
    assert len(books.problems(book)) == 1


def test_reorder_moves_one_step_and_closes_up(plan: Plan) -> None:
    book, ids = _book(plan)
    books = plan.runbooks
    old = books.move_step(ids["A"], 3)
    assert old == 0
    assert [s.title for s in books.steps(book)] == ["B", "C", "D", "A", "E", "F"]
    books.move_step(ids["A"], old)
    assert [s.title for s in books.steps(book)] == ["A", "B", "C", "D", "E", "F"]
    assert [s.position for s in books.steps(book)] == list(range(6))


def test_template_variables_are_filled(plan: Plan) -> None:
    books = plan.runbooks
    template = books.create_runbook("{release} {version} on {environment}", None)
    first = books.add_step(
        template,
        {
            "title": "Open window at {window_start}",
            "instructions": "deploy {version} to {environment}",
        },
    )
    second = books.add_step(template, {"title": "Undo {release}", "section": "rollback"})
    books.update(first, "rollback_step_id", second)
    books.add_link(second, first)
    assert [b.id for b in books.runbooks(None)] == [template]

    with plan.store.read() as session:
        release = session.get_one(Release, _release(plan))
        name, version = release.name, release.version
    made = books.create_from_template(template, _release(plan), None, T0)
    book = books.runbook(made)
    assert book.name == f"{name} {version} on " and not book.is_template
    steps = books.steps(made)
    assert steps[0].title == "Open window at 2026-01-16 19:00"
    assert steps[0].instructions == f"deploy {version} to "
    assert steps[1].title == f"Undo {name}"
    assert steps[0].rollback_step_id == steps[1].id
    assert books.links(made) == [(steps[1].id, steps[0].id)]
    assert books.steps(template)[0].title == "Open window at {window_start}"


def test_a_run_through_to_completion_and_rehearsal_durations(plan: Plan) -> None:
    book, ids = _book(plan)
    books = plan.runbooks
    at = T0 - dt.timedelta(days=3)
    run = books.start_run(book, "rehearsal", at, by="ann")
    with pytest.raises(ValidationError, match="still running"):
        books.start_run(book, "live", at)
    minutes = {"A": 12, "B": 25, "C": 5}
    clock = at
    for key in ("A", "B", "C"):
        books.start_step(run, ids[key], clock, by="ann")
        clock += dt.timedelta(minutes=minutes[key])
        books.finish_step(run, ids[key], "done", clock)
    with pytest.raises(ValidationError, match="Say why"):
        books.finish_step(run, ids["D"], "skipped", clock)
    books.finish_step(run, ids["D"], "skipped", clock, reason="covered by B's checks")
    # A started on time and took 12 (planned 10): B, C and D are late against the plan.
    assert books.late_steps(run, clock) == {ids["A"], ids["B"], ids["C"]}
    assert books.end_run(run, clock) == "completed"

    measured = books.rehearsal_durations(run)
    assert measured == {ids["A"]: 12, ids["B"]: 25}
    old = books.set_durations(measured, "Take the rehearsal's durations")
    assert books.timeline(book).total == 12 + 25 + 15
    books.set_durations(old, "Undo")
    assert books.timeline(book).total == 45

    live = books.start_run(book, "live", T0)
    books.start_step(live, ids["A"], T0)
    books.finish_step(live, ids["A"], "done", T0 + dt.timedelta(minutes=9))
    comparison = books.compare(book)
    assert [r.kind for r in comparison.runs] == ["rehearsal", "live"]
    row_a = next(s for s in comparison.steps if s.step_id == ids["A"])
    assert (row_a.planned, row_a.actual) == (10, {run: 12, live: 9})
    assert comparison.totals == {run: 42, live: 9}
    assert plan.verify_audit().ok


def test_a_failed_run_offers_the_rollback_from_the_step_reached(plan: Plan) -> None:
    book, ids = _book(plan)
    books = plan.runbooks
    run = books.start_run(book, "live", T0)
    books.start_step(run, ids["A"], T0)
    books.finish_step(run, ids["A"], "done", T0 + dt.timedelta(minutes=10))
    books.start_step(run, ids["C"], T0 + dt.timedelta(minutes=10))
    books.finish_step(run, ids["C"], "done", T0 + dt.timedelta(minutes=15))
    books.start_step(run, ids["B"], T0 + dt.timedelta(minutes=10))
    failed_at = T0 + dt.timedelta(minutes=40)
    books.finish_step(run, ids["B"], "failed", failed_at, reason="health checks red")
    assert [s.title for s in books.rollback_plan(book, ids["B"])] == ["E"]
    # The rollback steps are executed in the same run, then the run ends failed.
    for step in books.rollback_plan(book, ids["C"]):
        books.start_step(run, step.id, failed_at)
        books.finish_step(run, step.id, "done", failed_at + dt.timedelta(minutes=5))
    assert books.end_run(run, failed_at + dt.timedelta(minutes=10)) == "failed"
    executions = books.executions(run)
    assert executions[ids["B"]].reason == "health checks red"
    assert {executions[ids["E"]].outcome, executions[ids["F"]].outcome} == {"done"}
    with pytest.raises(ValidationError, match="has ended"):
        books.start_step(run, ids["D"], failed_at)

    with plan.store.read() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "run_step_executions")
        ).all()
    failed = [e for e in events if e.after and json.loads(e.after).get("outcome") == "failed"]
    assert len(failed) == 1 and failed[0].reason == "Failed: 2. B"
    assert plan.verify_audit().ok


def test_delete_and_restore_a_step_with_its_waits_and_pairing(plan: Plan) -> None:
    book, ids = _book(plan)
    books: RunbookService = plan.runbooks
    deleted = books.delete_step(ids["E"])
    assert books.row(ids["B"]).rollback_step_id is None
    deleted_b = books.delete_step(ids["B"])
    assert [s.position for s in books.steps(book)] == list(range(4))
    books.restore_step(deleted_b)
    books.restore_step(deleted)
    assert [s.title for s in books.steps(book)] == ["A", "B", "C", "D", "E", "F"]
    assert books.row(ids["B"]).rollback_step_id == ids["E"]
    assert len(books.links(book)) == 4
    assert plan.verify_audit().ok
