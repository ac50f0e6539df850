"""Work items: rows with computed dates, edits as audited transactions, bad edits refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import ValidationError
from app.plan import Plan
from app.store import PlanStore
from app.unit_of_work import ChangeNotice
from models import Dependency, PlanSetting, WorkItem
from tests.app.plan_factory import make_plan, plan_for


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    opened = plan_for(make_plan(tmp_path / "p.gantry"))
    yield opened
    opened.close()


def file_state(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Items and links as a fresh reader of the file sees them."""
    with PlanStore.open(path, read_only=True) as store, store.read() as session:
        items = session.execute(
            select(WorkItem.key, WorkItem.name, WorkItem.duration, WorkItem.not_before).order_by(
                WorkItem.key
            )
        ).all()
        links = session.execute(
            select(
                Dependency.predecessor_id, Dependency.successor_id, Dependency.type, Dependency.lag
            ).order_by(Dependency.id)
        ).all()
    return [tuple(r) for r in items], [tuple(r) for r in links]


def test_rows_carry_schedule_and_outline(plan: Plan) -> None:
    items = plan.work_items
    rows = items.rows(plan.releases.find("R1").id)
    assert [(r.key, r.depth) for r in rows] == [("R1-P", 0), ("A", 1), ("B", 1), ("C", 1), ("M", 0)]
    a, b, m = items.find("A"), items.find("B"), items.find("M")
    assert (a.start, a.finish) == (dt.date(2026, 1, 5), dt.date(2026, 1, 7))
    # Jan 9 is a plan holiday: B runs Thu 8 and Mon 12; the milestone shows on Mon 12.
    assert (b.start, b.finish) == (dt.date(2026, 1, 8), dt.date(2026, 1, 12))
    assert m.finish == dt.date(2026, 1, 12) and m.critical is False
    assert items.find("C").start == dt.date(2026, 1, 6)
    assert items.find("C").predecessors == "ASS+1"
    phase = items.find("R1-P")
    assert (phase.start, phase.finish, phase.has_children) == (a.start, b.finish, True)


def test_edit_persists_reschedules_and_notifies(plan: Plan) -> None:
    notices: list[ChangeNotice] = []
    plan.uow.subscribe(notices.append)
    a = plan.work_items.find("A")
    old = plan.work_items.update(a.id, "duration", 5)
    assert old == 3
    b = plan.work_items.find("B")
    assert b.start == dt.date(2026, 1, 13)
    # The edit itself, then the schedule it moved.
    assert notices[0].updated["work_items"] == {a.id} and not notices[0].derived
    assert notices[1].derived and {a.id, b.id} <= notices[1].updated["work_items"]
    items, _ = file_state(plan.path)
    assert ("A", "Design", 5, None) in items
    with plan.store.read() as session:
        assert session.scalar(
            select(WorkItem.scheduled_start).where(WorkItem.key == "B")
        ) == dt.date(2026, 1, 13)


def test_late_release_is_reported(plan: Plan) -> None:
    plan.work_items.update(plan.work_items.find("A").id, "duration", 12)
    release = plan.releases.find("R1")
    assert release.late_by > 0
    assert plan.work_items.find("M").critical
    assert f"R1 is {release.late_by} working days late" in plan.summary().late_releases


def test_predecessor_cycle_is_refused_and_plan_unchanged(plan: Plan) -> None:
    before = file_state(plan.path)
    with pytest.raises(ValidationError) as info:
        plan.work_items.set_predecessors(plan.work_items.find("A").id, "B")
    assert str(info.value) == "Dependency cycle: A -> B -> A"
    assert file_state(plan.path) == before
    assert plan.work_items.find("A").predecessors == ""


def test_a_cycle_through_a_replaced_link_is_judged_on_the_links_as_they_will_be(
    plan: Plan,
) -> None:
    """Swapping C's predecessor from A to B is fine; it is not a cycle through the old link."""
    c = plan.work_items.find("C")
    plan.work_items.set_predecessors(c.id, "B")
    assert plan.work_items.find("C").predecessors == "B"
    with pytest.raises(ValidationError, match="Dependency cycle: B -> C -> B"):
        plan.work_items.set_predecessors(plan.work_items.find("B").id, "A; C")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("duration", -1, "negative"),
        ("duration", "three", "whole number"),
        ("name", "  ", "empty"),
        ("percent_complete", 140, "0 to 100"),
        ("status", "maybe", "status must be one of Not started"),
        ("key", "B", "already used"),
        ("key", "A;B", "may not contain"),
        ("key", "A 1", "may not contain"),
        ("not_before", "tomorrow", "must be a date"),
        ("release_id", 2, "cannot be edited"),
        ("start", dt.date(2026, 1, 1), "cannot be edited"),
        ("actual_finish", dt.date(2025, 1, 1), None),  # needs an actual start after it
    ],
)
def test_bad_values_are_refused(plan: Plan, field: str, value: object, message: str | None) -> None:
    a = plan.work_items.find("A")
    if message is None:
        plan.work_items.update(a.id, "actual_start", dt.date(2026, 1, 5))
        message = "actual finish 2025-01-01 is before the actual start 2026-01-05"
    before = file_state(plan.path)
    with pytest.raises(ValidationError, match=message):
        plan.work_items.update(a.id, field, value)
    assert file_state(plan.path) == before


def test_milestone_and_phase_durations_are_guarded(plan: Plan) -> None:
    items = plan.work_items
    with pytest.raises(ValidationError, match="milestone"):
        items.update(items.find("M").id, "duration", 2)
    with pytest.raises(ValidationError, match="phase"):
        items.update(items.find("R1-P").id, "duration", 2)
    with pytest.raises(ValidationError, match="phase"):
        items.set_predecessors(items.find("M").id, "R1-P")
    with pytest.raises(ValidationError, match="phase"):
        items.set_predecessors(items.find("R1-P").id, "M")


def test_predecessors_replace_links(plan: Plan) -> None:
    items = plan.work_items
    c = items.find("C")
    assert items.set_predecessors(c.id, "B; AFF+2") == "ASS+1"
    assert items.find("C").predecessors in ("B; AFF+2", "AFF+2; B")
    # Predecessors can be set through the generic field edit too (the undo command's way).
    assert items.update(c.id, "predecessors", "A") in ("B; AFF+2", "AFF+2; B")
    _, links = file_state(plan.path)
    assert len(links) == 3


def test_not_before_constraint_moves_the_item(plan: Plan) -> None:
    plan.work_items.update(plan.work_items.find("A").id, "not_before", dt.date(2026, 1, 10))
    assert plan.work_items.find("A").start == dt.date(2026, 1, 12)


def test_create_delete_restore_round_trip(plan: Plan) -> None:
    items = plan.work_items
    release = plan.releases.find("R1")
    phase = items.find("R1-P")
    new_id = items.create(
        release.id,
        "task",
        "Security review",
        parent_id=phase.id,
        after_id=items.find("A").id,
        duration=2,
    )
    new = items.row(new_id)
    assert new.parent_id == phase.id and new.duration == 2
    assert [r.key for r in items.children(release.id, phase.id)][:2] == ["A", new.key]

    before = file_state(plan.path)
    deleted = items.delete(phase.id)
    assert [i.key for i in items.rows(release.id)] == ["M"]
    assert items.find("M").predecessors == ""
    items.restore(deleted)
    assert file_state(plan.path) == before
    assert items.find("M").predecessors == "B"
    assert plan.verify_audit().ok


def test_new_keys_follow_the_plans_key_prefix(plan: Plan) -> None:
    """A new plan numbers ITEM-1, ITEM-2; a plan with prefix ATL goes on after ATL-114."""
    items = plan.work_items
    release = plan.releases.find("R1")
    first = items.row(items.create(release.id, "task", "x"))
    second = items.row(items.create(release.id, "milestone", "y"))
    assert (first.key, second.key) == ("ITEM-1", "ITEM-2")
    plan.settings.update(0, "key_prefix", "ATL")
    items.update(first.id, "key", "ATL-114")
    assert items.row(items.create(release.id, "task", "z")).key == "ATL-115"
    with pytest.raises(ValidationError, match="letter followed by"):
        plan.settings.update(0, "key_prefix", "12-x")


def test_create_refuses_bad_parent_and_kind(plan: Plan) -> None:
    release = plan.releases.find("R1")
    with pytest.raises(ValidationError, match="not a phase"):
        plan.work_items.create(release.id, "task", "x", parent_id=plan.work_items.find("A").id)
    with pytest.raises(ValidationError, match="kind"):
        plan.work_items.create(release.id, "epic", "x")


def test_restoring_an_item_whose_key_was_taken_meanwhile_is_refused(plan: Plan) -> None:
    items = plan.work_items
    c = items.find("C")
    deleted = items.delete(c.id)
    items.update(items.find("A").id, "key", "C")
    with pytest.raises(ValidationError, match="the key C is now used by another item"):
        items.restore(deleted)


def test_the_plans_work_week_is_the_calendar_of_the_schedule(plan: Plan) -> None:
    """A six-day week (Mon-Sat) lets A's successor B start on the Saturday."""
    items = plan.work_items
    assert items.find("B").start == dt.date(2026, 1, 8)
    plan.settings.update(0, "work_week", frozenset(range(6)))
    # A runs Mon 5 - Wed 7, B Thu 8 and (Fri 9 is a holiday) Sat 10.
    assert items.find("B").finish == dt.date(2026, 1, 10)
    with plan.store.read() as session:
        stored = session.scalar(select(PlanSetting.value).where(PlanSetting.key == "work_week"))
    assert stored == "Mon,Tue,Wed,Thu,Fri,Sat"
    reopened = Plan.open(plan.path, read_only=True)
    assert reopened.work_items.find("B").finish == dt.date(2026, 1, 10)
    reopened.close()


def test_a_holiday_added_through_the_calendar_moves_the_schedule(plan: Plan) -> None:
    items = plan.work_items
    assert items.find("A").finish == dt.date(2026, 1, 7)
    entry = plan.calendar.create(
        {
            "kind": "holiday",
            "name": "Snow day",
            "start_date": dt.date(2026, 1, 6),
            "end_date": dt.date(2026, 1, 6),
        }
    )
    assert items.find("A").finish == dt.date(2026, 1, 8)
    plan.calendar.delete(entry)
    assert items.find("A").finish == dt.date(2026, 1, 7)
    assert plan.verify_audit().ok


def test_history_reads_link_changes_in_ms_project_form(plan: Plan) -> None:
    items = plan.work_items
    c = items.find("C")
    items.set_predecessors(c.id, "ASS+2", reason="overlap more")
    entries = plan.item_history(c.id)
    assert entries[0].changes == [("predecessor", "ASS+1", "ASS+2")]
    assert entries[0].reason == "overlap more"


def test_several_items_change_in_one_transaction_and_old_values_come_back(plan: Plan) -> None:
    notices: list[ChangeNotice] = []
    plan.uow.subscribe(notices.append)
    items = plan.work_items
    a, c = items.find("A"), items.find("C")
    monday = dt.date(2026, 1, 12)
    old = items.update_many({a.id: {"not_before": monday}, c.id: {"duration": 4}}, "drag")
    assert old == {a.id: {"not_before": None}, c.id: {"duration": 1}}
    assert [n.derived for n in notices] == [False, True]  # one edit, one reschedule
    assert notices[0].updated["work_items"] == {a.id, c.id}
    assert items.find("A").start == monday and items.find("C").duration == 4
    items.update_many(old, "undo drag")
    assert items.find("A").not_before is None and items.find("C").duration == 1


def test_several_items_change_all_or_nothing(plan: Plan) -> None:
    items = plan.work_items
    a, m = items.find("A"), items.find("M")
    with pytest.raises(ValidationError, match="milestone"):
        items.update_many({a.id: {"duration": 9}, m.id: {"duration": 2}})
    assert items.find("A").duration == 3


def test_a_link_is_added_and_removed_and_a_cycle_is_refused(plan: Plan) -> None:
    items = plan.work_items
    a, c, m = items.find("A"), items.find("C"), items.find("M")
    items.add_link(c.id, m.id, "SS")
    assert items.find("M").predecessors == "B; CSS"
    with pytest.raises(ValidationError, match="already depends"):
        items.add_link(c.id, m.id, "FS")
    before = file_state(plan.path)
    with pytest.raises(ValidationError, match=r"cycle: .*A.*C|cycle: .*C.*A"):
        items.add_link(c.id, a.id)
    assert file_state(plan.path) == before and items.find("A").predecessors == ""
    items.remove_link(c.id, m.id)
    assert items.find("M").predecessors == "B"
