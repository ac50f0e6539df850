"""Named baselines: set from the schedule, variance in working days, audited without a flood."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app import audit
from app.baselines import BaselineDates
from app.errors import ValidationError
from app.plan import Plan
from app.unit_of_work import ChangeNotice
from models import AuditEvent
from tests.app.plan_factory import edit_outside_gantry, make_flat_plan, make_plan, plan_for

SET_ON = dt.datetime(2026, 1, 2, 16, 30, tzinfo=dt.UTC)


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    """R1: phase R1-P holding A(3d) -> B(2d) -> M, and C(1d) SS A+1; Fri 9 Jan is a holiday."""
    opened = plan_for(make_plan(tmp_path / "p.gantry"))
    yield opened
    opened.close()


def _release(plan: Plan) -> int:
    return plan.releases.find("R1").id


def _id(plan: Plan, key: str) -> int:
    return plan.work_items.find(key).id


def _events(plan: Plan) -> list[AuditEvent]:
    with plan.store.read() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_a_baseline_holds_every_items_scheduled_dates_and_reads_back_from_the_file(
    plan: Plan,
) -> None:
    release = _release(plan)
    baseline_id = plan.baselines.create(release, "Plan of record", created_at=SET_ON)

    (row,) = plan.baselines.rows(release)
    assert (row.id, row.name, row.release_id, row.item_count) == (
        baseline_id,
        "Plan of record",
        release,
        5,
    )
    assert row.created_at == SET_ON
    scheduled = {r.id: BaselineDates(r.start, r.finish) for r in plan.work_items.rows(release)}
    assert plan.baselines.dates(baseline_id) == scheduled  # phase and milestone included
    assert plan.baselines.item_dates(baseline_id, _id(plan, "B")) == (
        dt.date(2026, 1, 8),
        dt.date(2026, 1, 12),
    )
    assert all(plan.baselines.variance(baseline_id, i) == 0 for i in scheduled)

    reader = Plan.open(plan.path, read_only=True)
    try:
        assert reader.baselines.rows(release) == [row]
        assert reader.baselines.dates(baseline_id) == scheduled
    finally:
        reader.close()


def test_names_are_required_and_unique_per_release(plan: Plan) -> None:
    release = _release(plan)
    baselines = plan.baselines
    assert baselines.next_name(release) == "Baseline 1"
    baselines.create(release, "  Baseline 1 ", created_at=SET_ON)
    assert baselines.rows(release)[0].name == "Baseline 1"  # stripped, like every text field
    assert baselines.next_name(release) == "Baseline 2"

    with pytest.raises(ValidationError, match="R1 already has a baseline named 'baseline 1'"):
        baselines.create(release, "baseline 1")
    with pytest.raises(ValidationError, match="name cannot be empty"):
        baselines.create(release, "   ")
    assert baselines.check_new(release, "x" * 121) == [
        "Baseline: name is 121 characters long; at most 120 fit"
    ]
    other = plan.releases.create("R2", start_date=dt.date(2026, 2, 2))
    assert baselines.check_new(other, "Baseline 1") == [
        "R2 has no work items to take a baseline of"
    ]
    assert baselines.check_new(999, "Anything") == ["There is no release #999"]
    assert len(baselines.rows(release)) == 1 and baselines.rows(other) == []


def test_variance_counts_working_days_across_a_weekend_and_a_holiday(plan: Plan) -> None:
    release = _release(plan)
    baseline_id = plan.baselines.create(release, "Plan of record", created_at=SET_ON)
    a, b, m = _id(plan, "A"), _id(plan, "B"), _id(plan, "M")

    # A grows from 3 to 5 days: it finished Wed 7 Jan and now finishes Mon 12 Jan, five
    # calendar days later across Fri 9 (a holiday) and the weekend: 2 working days.
    plan.work_items.update(a, "duration", 5)
    assert plan.work_items.row(a).finish == dt.date(2026, 1, 12)
    assert plan.baselines.variance(baseline_id, a) == 2
    assert plan.baselines.variance(baseline_id, b) == 2
    assert plan.baselines.variance(baseline_id, m) == 2

    plan.work_items.update(a, "duration", 1)  # now early: negative
    assert plan.baselines.variance(baseline_id, b) == -2

    # The plan calendar as it is now: Mon 12 made a holiday since, B finishes Tue 13, and its
    # baseline finish (Mon 12, a day off now) counts as the working day before it, Thu 8.
    plan.work_items.update(a, "duration", 3)
    assert plan.baselines.variance(baseline_id, b) == 0
    plan.calendar.create(
        {
            "kind": "holiday",
            "name": "Extra",
            "start_date": dt.date(2026, 1, 12),
            "end_date": dt.date(2026, 1, 12),
        }
    )
    assert plan.work_items.row(b).finish == dt.date(2026, 1, 13)
    assert plan.baselines.variance(baseline_id, b) == 1


def test_an_item_added_after_the_baseline_has_no_variance(plan: Plan) -> None:
    release = _release(plan)
    baseline_id = plan.baselines.create(release, "Plan of record", created_at=SET_ON)
    new = plan.work_items.create(release, "task", "Late addition")
    assert plan.baselines.item_dates(baseline_id, new) is None
    assert plan.baselines.variance(baseline_id, new) is None


def test_setting_a_baseline_is_one_audit_event_pinning_count_and_digest(tmp_path: Path) -> None:
    plan = plan_for(make_flat_plan(tmp_path / "flat.gantry", 500))
    try:
        release = plan.releases.find("Big").id
        before = len(_events(plan))
        baseline_id = plan.baselines.create(release, "Plan of record", created_at=SET_ON)
        events = _events(plan)
        assert len(events) == before + 1
        event = events[-1]
        assert (event.action, event.entity, event.entity_id) == ("create", "baselines", baseline_id)
        assert event.reason == "Set baseline 'Plan of record' of Big"
        after = json.loads(event.after or "{}")
        dates = plan.baselines.dates(baseline_id)
        assert after["item_count"] == 500
        assert after["dates_digest"] == audit.content_digest(
            (i, d.start, d.finish) for i, d in sorted(dates.items())
        )
        assert after["created_at"] == "2026-01-02T16:30:00"  # UTC
        assert plan.verify_audit().ok
    finally:
        plan.close()


def test_audit_verify_finds_baseline_dates_changed_outside_gantry(plan: Plan) -> None:
    release = _release(plan)
    baseline_id = plan.baselines.create(release, "Plan of record", created_at=SET_ON)
    b = _id(plan, "B")
    assert plan.verify_audit().ok
    edit_outside_gantry(
        plan.path, f"UPDATE baseline_dates SET finish = '2026-01-30' WHERE item_id = {b}"
    )
    (problem,) = plan.verify_audit().problems
    assert problem == (
        f"baselines #{baseline_id} (Plan of record): its item dates in the file are not the ones "
        "the audit trail pins: they were changed outside Gantry."
    )
    edit_outside_gantry(plan.path, f"DELETE FROM baseline_dates WHERE item_id = {b}")
    (problem,) = plan.verify_audit().problems
    assert "holds 4 item dates in the file but 5 in the audit trail" in problem


def test_delete_and_restore_put_the_same_baseline_back(plan: Plan) -> None:
    release = _release(plan)
    kept = plan.baselines.create(release, "Initial estimate", created_at=SET_ON)
    plan.work_items.update(_id(plan, "A"), "duration", 4)
    baseline_id = plan.baselines.create(
        release, "Plan of record", created_at=SET_ON + dt.timedelta(days=3)
    )
    row, dates = plan.baselines.row(baseline_id), plan.baselines.dates(baseline_id)

    deleted = plan.baselines.delete(baseline_id)
    assert [r.id for r in plan.baselines.rows(release)] == [kept]
    with pytest.raises(KeyError):
        plan.baselines.dates(baseline_id)
    assert plan.verify_audit().ok

    plan.baselines.restore(deleted)
    assert plan.baselines.row(baseline_id) == row
    assert plan.baselines.dates(baseline_id) == dates
    assert plan.baselines.dates(kept) != dates  # A was shorter then
    assert plan.verify_audit().ok

    plan.baselines.delete(baseline_id)
    plan.baselines.create(release, "Plan of record", created_at=SET_ON)
    with pytest.raises(ValidationError, match="Cannot put baseline 'Plan of record' back"):
        plan.baselines.restore(deleted)


def test_rename_is_checked_and_returns_the_old_name(plan: Plan) -> None:
    release = _release(plan)
    first = plan.baselines.create(release, "Baseline 1", created_at=SET_ON)
    second = plan.baselines.create(release, "Baseline 2", created_at=SET_ON)
    assert plan.baselines.rename(second, "Re-plan after CAB") == "Baseline 2"
    assert plan.baselines.label(second) == "Re-plan after CAB"
    with pytest.raises(ValidationError, match="already has a baseline named 'Re-plan after CAB'"):
        plan.baselines.rename(first, "Re-plan after CAB")
    assert plan.baselines.rename(second, "re-plan after cab") == "Re-plan after CAB"  # its own
    assert plan.verify_audit().ok


def test_deleting_an_item_takes_it_out_of_baselines_and_undo_puts_it_back(plan: Plan) -> None:
    release = _release(plan)
    baseline_id = plan.baselines.create(release, "Plan of record", created_at=SET_ON)
    dates = dict(plan.baselines.dates(baseline_id))
    phase = _id(plan, "R1-P")
    notices: list[ChangeNotice] = []
    plan.uow.subscribe(notices.append)

    deleted = plan.work_items.delete(phase)  # with A, B and C inside it
    assert notices[0].updated.get("baselines") == {baseline_id}
    assert plan.baselines.row(baseline_id).item_count == 1
    assert set(plan.baselines.dates(baseline_id)) == {_id(plan, "M")}
    report = plan.verify_audit()
    assert report.ok, report.problems

    plan.work_items.restore(deleted)
    assert plan.baselines.row(baseline_id).item_count == 5
    assert plan.baselines.dates(baseline_id) == dates
    assert plan.verify_audit().ok
    with plan.store.read() as session:
        updates = session.scalars(
            select(AuditEvent.after).where(
                AuditEvent.entity == "baselines", AuditEvent.action == "update"
            )
        ).all()
    assert [json.loads(after)["item_count"] for after in updates] == [1, 5]


def test_changes_are_announced_by_table(plan: Plan) -> None:
    notices: list[ChangeNotice] = []
    plan.uow.subscribe(notices.append)
    baseline_id = plan.baselines.create(_release(plan), "Plan of record", created_at=SET_ON)
    plan.baselines.rename(baseline_id, "Plan of record v1")
    plan.baselines.delete(baseline_id)
    assert [n.created.get("baselines") for n in notices] == [{baseline_id}, None, None]
    assert notices[1].updated["baselines"] == {baseline_id}
    assert notices[2].deleted["baselines"] == {baseline_id}
    assert all(not n.touches("baseline_dates") for n in notices)  # not audited row by row


def test_a_release_holding_baselines_is_not_deleted_with_them_dangling(plan: Plan) -> None:
    release = plan.releases.create("R2", start_date=dt.date(2026, 2, 2))
    item = plan.work_items.create(release, "task", "Only task")
    plan.baselines.create(release, "Plan of record", created_at=SET_ON)
    plan.work_items.delete(item)
    with pytest.raises(ValidationError, match="still holds 1 baselines"):
        plan.releases.delete(release)
    (baseline,) = plan.baselines.rows(release)
    assert baseline.item_count == 0
    plan.baselines.delete(baseline.id)
    plan.releases.delete(release)
    assert plan.verify_audit().ok
