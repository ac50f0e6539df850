"""The in-memory plan: kept in step edit by edit, tolerant of cycles, scheduled off the path."""

from __future__ import annotations

import datetime as dt
import queue
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from app.demo import build_demo
from app.plan import Plan
from app.schedule_runs import ThreadExecutor
from app.store import PlanStore
from app.unit_of_work import ChangeNotice
from models import WorkItem
from tests.app.plan_factory import edit_outside_gantry, make_flat_plan, make_plan, plan_for
from tests.fixed_dates import DEMO_TODAY


def test_the_state_after_many_edits_equals_a_fresh_load(tmp_path: Path) -> None:
    """Edits update the state incrementally; the result must be what a reopen shows."""
    store = PlanStore.open(tmp_path / "demo.gantry", create=True)
    build_demo(store, DEMO_TODAY)
    plan = plan_for(store)
    items = plan.work_items
    release = plan.releases.find("Atlas 3.5")
    rows = items.rows(release.id)
    task = next(i for i in rows if i.kind == "task" and i.parent_id is not None)
    other = next(i for i in rows if i.kind == "task" and i.id != task.id)
    phase = items.row(task.parent_id)  # type: ignore[arg-type]
    items.update(task.id, "duration", task.duration + 4)
    items.update(task.id, "key", "ATL-RENAMED")
    new_id = items.create(
        release.id, "task", "Late addition", parent_id=phase.id, after_id=task.id, duration=3
    )
    items.set_predecessors(new_id, f"ATL-RENAMED; {other.key}SS+1")
    new_phase = items.create(release.id, "phase", "Follow-up", parent_id=phase.id)
    items.create(release.id, "task", "Inside the new phase", parent_id=new_phase)
    assert items.row(new_phase).has_children
    deleted = items.delete(phase.id)
    items.restore(deleted)
    plan.releases.update(release.id, "target_date", dt.date(2027, 3, 1))
    plan.settings.update(0, "work_week", frozenset({0, 1, 2, 3}))

    fresh = plan_for(store)
    assert plan.releases.rows() == fresh.releases.rows()
    assert items.rows() == fresh.work_items.rows()
    assert items.critical_path() == fresh.work_items.critical_path()
    assert items.find("ATL-RENAMED").id == task.id
    with store.read() as session:
        stored = dict(session.execute(select(WorkItem.id, WorkItem.scheduled_finish)).all())
    assert stored == {row.id: row.finish for row in fresh.work_items.rows()}
    store.close()


def test_a_plan_with_a_cycle_made_outside_gantry_opens_marked_and_can_be_repaired(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cycle.gantry"
    make_plan(path).close()
    edit_outside_gantry(
        path,
        "INSERT INTO dependencies (predecessor_id, successor_id, type, lag) "
        "SELECT m.id, a.id, 'FS', 0 FROM work_items m, work_items a "
        "WHERE m.key = 'M' AND a.key = 'A'",
    )
    plan = Plan.open(path)
    items = plan.work_items
    assert plan.summary().problems == ["Dependency cycle: A -> B -> M -> A"]
    for key in ("A", "B", "M"):
        assert items.find(key).problem == "On a dependency cycle: A -> B -> M -> A"
    # Everything else is still scheduled, the cycle's own links set aside.
    assert items.find("C").problem == "" and items.find("C").start == dt.date(2026, 1, 6)
    assert items.find("A").start == dt.date(2026, 1, 5)
    # Removing the link that closes the loop repairs the plan.
    items.set_predecessors(items.find("A").id, "")
    assert plan.summary().problems == []
    assert items.find("A").problem == "" and items.find("M").finish == dt.date(2026, 1, 12)
    plan.close()


def test_before_the_first_schedule_rows_show_the_dates_the_file_holds(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    plan_for(make_plan(path)).close()  # scheduled once: the file holds the dates
    held: list[Callable[[], None]] = []

    class Later:
        """An executor that runs nothing until the test says so."""

        def submit(self, work, done):  # type: ignore[no-untyped-def]
            held.append(lambda: done(work()))

        def drain(self) -> None:
            return None

        def close(self) -> None:
            return None

    plan = Plan.open(path, executor=Later())
    b = plan.work_items.find("B")
    assert (b.start, b.finish) == (dt.date(2026, 1, 8), dt.date(2026, 1, 12))
    assert b.total_slack is None and plan.summary().scheduling
    held.pop()()
    assert plan.work_items.find("B").total_slack is not None
    assert not plan.summary().scheduling
    plan.close()


def test_a_background_schedule_leaves_the_edit_at_once_and_delivers_on_the_owner_thread(
    tmp_path: Path,
) -> None:
    path = tmp_path / "flat.gantry"
    make_flat_plan(path, 3000).close()
    posted: queue.Queue[Callable[[], None]] = queue.Queue()
    executor = ThreadExecutor(posted.put)
    plan = Plan.open(path, executor=executor)

    def run_posted() -> None:
        executor.drain()
        while not posted.empty():
            posted.get()()

    run_posted()
    notices: list[ChangeNotice] = []
    plan.uow.subscribe(notices.append)
    first = plan.work_items.find("B-1")
    plan.work_items.update(first.id, "duration", 4)
    # The edit is committed and announced; its new dates are still on their way.
    assert [n.derived for n in notices] == [False]
    assert plan.work_items.find("B-1").duration == 4
    assert plan.work_items.find("B-2").start == first.start + dt.timedelta(days=1)
    assert plan.summary().scheduling
    run_posted()
    assert [n.derived for n in notices] == [False, True]
    # B-1 and B-2 moved; every other item's slack grew with the longer release.
    assert notices[1].updated["work_items"] == set(plan.state.items)
    assert plan.work_items.find("B-2").start == dt.date(2026, 1, 9)
    plan.close()
    with PlanStore.open(path, read_only=True) as store, store.read() as session:
        assert session.scalar(
            select(WorkItem.scheduled_start).where(WorkItem.key == "B-2")
        ) == dt.date(2026, 1, 9)


def test_save_as_goes_on_working_on_the_copy(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    plan = plan_for(make_plan(path))
    copy = plan.save_as(tmp_path / "copy.gantry")
    assert plan.path == copy
    plan.work_items.update(plan.work_items.find("A").id, "name", "Design (copy)")
    plan.close()
    original = Plan.open(path, read_only=True)
    assert original.work_items.find("A").name == "Design"
    original.close()
    copied = Plan.open(copy, read_only=True)
    assert copied.work_items.find("A").name == "Design (copy)"
    assert copied.verify_audit().ok
    copied.close()


@pytest.mark.parametrize("target", ["copy.db", "p.gantry"])
def test_save_as_refuses_a_bad_target_and_keeps_the_plan(tmp_path: Path, target: str) -> None:
    path = tmp_path / "p.gantry"
    plan = plan_for(make_plan(path))
    with pytest.raises(Exception, match=r"ends in \.gantry|different file"):
        plan.save_as(tmp_path / target)
    assert plan.path == path and not plan.read_only
    plan.work_items.update(plan.work_items.find("A").id, "name", "Still here")
    plan.close()
