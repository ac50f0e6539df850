"""Plan service: rows with computed dates, edits as audited transactions, bad edits refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from app import audit
from app.errors import ValidationError
from app.plan_service import PlanChange, PlanService
from app.store import PlanStore
from models import Dependency, WorkItem
from tests.app.plan_factory import make_plan, service_for


@pytest.fixture
def plan(tmp_path: Path) -> PlanService:
    store = make_plan(tmp_path / "p.gantry")
    yield service_for(store)
    store.close()


def _file_state(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
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


def test_rows_carry_schedule_and_outline(plan: PlanService) -> None:
    rows = plan.items(plan.find_release("R1").id)
    assert [(r.key, r.depth) for r in rows] == [("R1-P", 0), ("A", 1), ("B", 1), ("C", 1), ("M", 0)]
    a, b, m = plan.find_item("A"), plan.find_item("B"), plan.find_item("M")
    assert (a.start, a.finish) == (dt.date(2026, 1, 5), dt.date(2026, 1, 7))
    # Jan 9 is a plan holiday: B runs Thu 8 and Mon 12; the milestone shows on Mon 12.
    assert (b.start, b.finish) == (dt.date(2026, 1, 8), dt.date(2026, 1, 12))
    assert m.finish == dt.date(2026, 1, 12) and m.critical is False
    assert plan.find_item("C").start == dt.date(2026, 1, 6)
    assert plan.find_item("C").predecessors == "ASS+1"
    phase = plan.find_item("R1-P")
    assert (phase.start, phase.finish, phase.has_children) == (a.start, b.finish, True)


def test_edit_persists_reschedules_and_notifies(plan: PlanService) -> None:
    changes: list[PlanChange] = []
    plan.listeners.append(changes.append)
    a = plan.find_item("A")
    old = plan.update_item(a.id, "duration", 5)
    assert old == 3
    assert plan.find_item("B").start == dt.date(2026, 1, 13)
    assert changes and {a.id, plan.find_item("B").id} <= changes[-1].item_ids
    items, _ = _file_state(plan.store.path)
    assert ("A", "Design", 5, None) in items
    with plan.store.read() as session:
        assert session.scalar(
            select(WorkItem.scheduled_start).where(WorkItem.key == "B")
        ) == dt.date(2026, 1, 13)


def test_late_release_is_reported(plan: PlanService) -> None:
    plan.update_item(plan.find_item("A").id, "duration", 12)
    release = plan.find_release("R1")
    assert release.late_by > 0
    assert plan.find_item("M").critical
    assert f"R1 is {release.late_by} working days late" in plan.summary().late_releases


def test_predecessor_cycle_is_refused_and_plan_unchanged(plan: PlanService) -> None:
    before = _file_state(plan.store.path)
    with pytest.raises(ValidationError) as info:
        plan.set_predecessors(plan.find_item("A").id, "B")
    assert "A" in str(info.value) and "B" in str(info.value) and "cycle" in str(info.value)
    assert _file_state(plan.store.path) == before
    assert plan.find_item("A").predecessors == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("duration", -1, "negative"),
        ("duration", "three", "whole number"),
        ("name", "  ", "empty"),
        ("percent_complete", 140, "0 to 100"),
        ("status", "maybe", "status must be"),
        ("key", "B", "already used"),
        ("key", "A;B", "may not contain"),
        ("key", "A 1", "may not contain"),
        ("not_before", "tomorrow", "must be a date"),
        ("release_id", 2, "cannot be edited"),
    ],
)
def test_bad_values_are_refused(plan: PlanService, field: str, value: object, message: str) -> None:
    before = _file_state(plan.store.path)
    with pytest.raises(ValidationError, match=message):
        plan.update_item(plan.find_item("A").id, field, value)
    assert _file_state(plan.store.path) == before


def test_milestone_and_phase_durations_are_guarded(plan: PlanService) -> None:
    with pytest.raises(ValidationError, match="milestone"):
        plan.update_item(plan.find_item("M").id, "duration", 2)
    with pytest.raises(ValidationError, match="phase"):
        plan.update_item(plan.find_item("R1-P").id, "duration", 2)
    with pytest.raises(ValidationError, match="phase"):
        plan.set_predecessors(plan.find_item("M").id, "R1-P")


def test_predecessors_replace_links(plan: PlanService) -> None:
    c = plan.find_item("C")
    assert plan.set_predecessors(c.id, "B; AFF+2") == "ASS+1"
    assert plan.find_item("C").predecessors in ("B; AFF+2", "AFF+2; B")
    _, links = _file_state(plan.store.path)
    assert len(links) == 4


def test_not_before_constraint_moves_the_item(plan: PlanService) -> None:
    plan.update_item(plan.find_item("A").id, "not_before", dt.date(2026, 1, 10))
    assert plan.find_item("A").start == dt.date(2026, 1, 12)


def test_create_delete_restore_round_trip(plan: PlanService) -> None:
    release = plan.find_release("R1")
    phase = plan.find_item("R1-P")
    new_id = plan.create_item(
        release.id,
        "task",
        "Security review",
        parent_id=phase.id,
        after_id=plan.find_item("A").id,
        duration=2,
    )
    new = plan.item(new_id)
    assert new.key.startswith("10-") and new.parent_id == phase.id
    assert [r.key for r in plan.children(release.id, phase.id)][:2] == ["A", new.key]

    before = _file_state(plan.store.path)
    deleted = plan.delete_item(phase.id)
    assert [i.key for i in plan.items(release.id)] == ["M"]
    assert plan.find_item("M").predecessors == ""
    plan.restore_item(deleted)
    assert _file_state(plan.store.path) == before
    assert plan.find_item("M").predecessors == "B"
    with plan.store.read() as session:
        assert audit.verify(session).ok


def test_create_refuses_bad_parent_and_kind(plan: PlanService) -> None:
    release = plan.find_release("R1")
    with pytest.raises(ValidationError, match="not a phase"):
        plan.create_item(release.id, "task", "x", parent_id=plan.find_item("A").id)
    with pytest.raises(ValidationError, match="kind"):
        plan.create_item(release.id, "epic", "x")


def test_unknown_release_lists_the_known_ones(plan: PlanService) -> None:
    with pytest.raises(ValidationError, match="No release named 'R9'; the plan has: R1"):
        plan.find_release("R9")


def test_release_edit_moves_the_schedule(plan: PlanService) -> None:
    release = plan.find_release("R1")
    plan.update_release(release.id, "start_date", dt.date(2026, 1, 12))
    assert plan.find_item("A").start == dt.date(2026, 1, 12)
    with pytest.raises(ValidationError, match="status"):
        plan.update_release(release.id, "status", "done-ish")


def test_create_and_delete_release(plan: PlanService) -> None:
    new_id = plan.create_release("R2", "2.0", dt.date(2026, 2, 2), dt.date(2026, 3, 27))
    assert plan.release(new_id).name == "R2" and plan.items(new_id) == []
    with pytest.raises(ValidationError, match="already a release"):
        plan.create_release("r2")
    with pytest.raises(ValidationError, match="before the start"):
        plan.create_release("R3", start_date=dt.date(2026, 2, 2), target_date=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="still holds 5 work items"):
        plan.delete_release(plan.find_release("R1").id)
    plan.delete_release(new_id)
    assert [r.name for r in plan.releases()] == ["R1"]


def test_refreshed_snapshot_equals_a_fresh_load_after_many_edits(tmp_path: Path) -> None:
    """Edits refresh the snapshot incrementally; the result must be what a reopen shows."""
    from app.demo import build_demo

    store = PlanStore.open(tmp_path / "demo.gantry", create=True)
    build_demo(store, today=dt.date(2026, 11, 2))
    service = service_for(store)
    release = service.find_release("Atlas 3.5")
    items = service.items(release.id)
    task = next(i for i in items if i.kind == "task" and i.parent_id is not None)
    other = next(i for i in items if i.kind == "task" and i.id != task.id)
    phase = service.item(task.parent_id)  # type: ignore[arg-type]
    service.update_item(task.id, "duration", task.duration + 4)
    service.update_item(task.id, "key", "ATL-RENAMED")
    new_id = service.create_item(
        release.id, "task", "Late addition", parent_id=phase.id, after_id=task.id, duration=3
    )
    service.set_predecessors(new_id, f"ATL-RENAMED; {other.key}SS+1")
    new_phase = service.create_item(release.id, "phase", "Follow-up", parent_id=phase.id)
    service.create_item(release.id, "task", "Inside the new phase", parent_id=new_phase)
    assert service.item(new_phase).has_children
    deleted = service.delete_item(phase.id)
    service.restore_item(deleted)
    service.update_release(release.id, "target_date", dt.date(2026, 12, 1))

    fresh = PlanService(store)
    fresh.load()
    assert service.releases() == fresh.releases()
    assert service.items() == fresh.items()
    assert service.critical_path() == fresh.critical_path()
    assert service.find_item("ATL-RENAMED").id == task.id
    with store.read() as session:
        stored = dict(session.execute(select(WorkItem.id, WorkItem.scheduled_finish)).all())
    assert stored == {row.id: row.finish for row in fresh.items()}
    store.close()


def test_a_release_with_records_is_not_deleted_and_says_what_it_holds(
    plan: PlanService,
) -> None:
    from models import Risk

    new_id = plan.create_release("R2")
    with plan.store.transaction() as session:
        session.add_all(
            [
                Risk(release_id=new_id, key="RK-1", title="Vendor slips"),
                Risk(release_id=new_id, key="RK-2", title="Key person away"),
            ]
        )
    before = _file_state(plan.store.path)
    with pytest.raises(ValidationError, match="R2 still holds 2 risks; delete or move them"):
        plan.delete_release(new_id)
    assert _file_state(plan.store.path) == before
    assert [r.name for r in plan.releases()] == ["R1", "R2"]


def test_a_release_edit_that_moves_no_item_still_reports_the_release(plan: PlanService) -> None:
    changes: list[PlanChange] = []
    plan.listeners.append(changes.append)
    release = plan.find_release("R1")
    plan.update_release(release.id, "owner", "Priya")
    assert len(changes) == 1
    assert changes[0].release_ids == {release.id} and changes[0].item_ids == set()
