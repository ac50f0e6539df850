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
from app.schedule_runs import InlineScheduler, InputDelta, ProcessScheduler
from app.scheduling import ScheduleLink
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

    class Later(InlineScheduler):
        """Schedules only when the test says so."""

        held: list[Callable[[], None]] = []

        def request(self, done):  # type: ignore[no-untyped-def]
            self.held.append(lambda: InlineScheduler.request(self, done))

    later = Later()
    plan = Plan.open(path, scheduler=later)
    b = plan.work_items.find("B")
    assert (b.start, b.finish) == (dt.date(2026, 1, 8), dt.date(2026, 1, 12))
    assert b.total_slack is None and plan.summary().scheduling
    later.held.pop()()
    assert plan.work_items.find("B").total_slack is not None
    assert not plan.summary().scheduling
    plan.close()


def test_the_schedule_process_follows_each_edit_and_delivers_on_the_owner_thread(
    tmp_path: Path,
) -> None:
    """The window's way: edits commit at once; a child process sends the new dates later."""
    path = tmp_path / "flat.gantry"
    make_flat_plan(path, 3000).close()
    posted: queue.Queue[Callable[[], None]] = queue.Queue()
    scheduler = ProcessScheduler(posted.put)
    plan = Plan.open(path, scheduler=scheduler)
    notices: list[ChangeNotice] = []
    plan.uow.subscribe(notices.append)

    def next_schedule() -> None:
        posted.get(timeout=60)()  # run on this thread, as the window's event loop would

    next_schedule()
    assert [n.derived for n in notices] == [True] and not plan.summary().scheduling
    first = plan.work_items.find("B-1")
    assert plan.work_items.find("B-2").start == dt.date(2026, 1, 6)
    plan.work_items.update(first.id, "duration", 4)
    # The edit is committed and announced; its new dates are still on their way.
    assert [n.derived for n in notices] == [True, False]
    assert plan.work_items.find("B-1").duration == 4
    assert plan.work_items.find("B-2").start == dt.date(2026, 1, 6)
    assert plan.summary().scheduling
    next_schedule()
    assert [n.derived for n in notices] == [True, False, True]
    # B-1 and B-2 moved; every other item's slack grew with the longer release.
    assert notices[2].updated["work_items"] == set(plan.state.items)
    assert plan.work_items.find("B-2").start == dt.date(2026, 1, 9)
    # Structure and links reach the process too: a new predecessor for B-4 moves it.
    plan.work_items.set_predecessors(plan.work_items.find("B-4").id, "B-2")
    next_schedule()
    assert plan.work_items.find("B-4").start == dt.date(2026, 1, 12)
    assert notices[-1].updated["work_items"] >= {plan.work_items.find("B-4").id}
    plan.close()
    # It wrote the derived dates for other readers of the file before it stopped.
    with PlanStore.open(path, read_only=True) as store, store.read() as session:
        assert session.scalar(
            select(WorkItem.scheduled_start).where(WorkItem.key == "B-2")
        ) == dt.date(2026, 1, 9)


def test_inputs_the_process_cannot_schedule_are_a_plan_problem_and_work_goes_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "flat.gantry"
    make_flat_plan(path, 10).close()
    posted: queue.Queue[Callable[[], None]] = queue.Queue()
    plan = Plan.open(path, scheduler=ProcessScheduler(posted.put))
    posted.get(timeout=60)()
    # Inputs the process keeps get a link to an item it never heard of.
    plan.state.scheduler.update(InputDelta(links=((999, ScheduleLink(1, 424242, "FS", 0)),)))
    plan.work_items.update(plan.work_items.find("B-1").id, "duration", 2)
    posted.get(timeout=60)()
    assert plan.summary().problems == ["Link 1 -> 424242 refers to unknown item id 424242"]
    plan.state.scheduler.update(InputDelta(links_gone=(999,)))
    plan.work_items.update(plan.work_items.find("B-1").id, "duration", 3)
    posted.get(timeout=60)()
    assert plan.summary().problems == []
    assert plan.work_items.find("B-2").start == dt.date(2026, 1, 8)
    plan.close()


def test_a_schedule_process_that_dies_is_said_and_never_waited_for(tmp_path: Path) -> None:
    path = tmp_path / "flat.gantry"
    make_flat_plan(path, 10).close()
    posted: queue.Queue[Callable[[], None]] = queue.Queue()
    scheduler = ProcessScheduler(posted.put)
    plan = Plan.open(path, scheduler=scheduler)
    posted.get(timeout=60)()
    scheduler._process.kill()  # type: ignore[union-attr]  # as the OOM killer would
    plan.work_items.update(plan.work_items.find("B-1").id, "duration", 2)
    posted.get(timeout=60)()
    assert plan.summary().problems[0].startswith("Scheduling failed: the schedule process ended")
    # The edit itself is safe on file, and a later one is answered at once.
    plan.work_items.update(plan.work_items.find("B-1").id, "duration", 3)
    posted.get(timeout=5)()
    assert plan.work_items.find("B-1").duration == 3
    plan.close()


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
