"""What-if analysis: hand-computed slips on small graphs, refusals, and the engine's word.

Every plan starts on Monday 2026-01-05 with a Mon-Fri week, so working days read as dates:
5-9 January is the first week, 12-16 the second.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from app.errors import ValidationError
from app.impact import ImpactReport, answer, ask, impact
from app.plan import Plan
from app.store import PlanStore
from models import Dependency, Release, WorkItem
from tests.app.plan_factory import START, make_plan, plan_for

Item = tuple[str, int] | tuple[str, int, str]  # key, duration[, kind]
Link = tuple[str, str] | tuple[str, str, str, int]  # predecessor, successor[, type, lag]


def day(n: int) -> dt.date:
    return dt.date(2026, 1, n)


def build(
    path: Path,
    items: Sequence[Item],
    links: Sequence[Link],
    target: dt.date | None = None,
) -> Plan:
    """One release R1 from START holding `items` at the top level, linked by `links`."""
    store = PlanStore.open(path, create=True)
    with store.transaction(reason="impact test plan") as session:
        release = Release(name="R1", version="1.0", start_date=START, target_date=target)
        session.add(release)
        session.flush()
        made = {}
        for position, spec in enumerate(items):
            key, duration = spec[0], spec[1]
            kind = spec[2] if len(spec) == 3 else "task"
            made[key] = WorkItem(
                release_id=release.id,
                key=key,
                name=f"Item {key}",
                kind=kind,
                duration=duration,
                position=position,
            )
        session.add_all(made.values())
        session.flush()
        for link in links:
            link_type, lag = (link[2], link[3]) if len(link) == 4 else ("FS", 0)
            session.add(
                Dependency(
                    predecessor_id=made[link[0]].id,
                    successor_id=made[link[1]].id,
                    type=link_type,
                    lag=lag,
                )
            )
    return plan_for(store)


@pytest.fixture
def plans(tmp_path: Path) -> Iterator[list[Plan]]:
    opened: list[Plan] = []
    yield opened
    for plan in opened:
        plan.close()


def open_plan(
    plans: list[Plan],
    tmp_path: Path,
    items: Sequence[Item],
    links: Sequence[Link],
    target: dt.date | None = None,
) -> Plan:
    plan = build(tmp_path / f"p{len(plans)}.gantry", items, links, target)
    plans.append(plan)
    return plan


def moves(report: ImpactReport) -> dict[str, tuple[dt.date, dt.date, int]]:
    """Key -> (new start, new finish, finish delta)."""
    return {i.key: (i.new_start, i.new_finish, i.finish_delta) for i in report.items}


# -- hand-computed graphs ------------------------------------------------------------------


def test_chain_moves_every_successor_by_the_slip(plans: list[Plan], tmp_path: Path) -> None:
    # A 5-7, B 8-9, C 12; A two days longer: A 5-9, B 12-13, C 14.
    plan = open_plan(
        plans, tmp_path, [("A", 3), ("B", 2), ("C", 1)], [("A", "B"), ("B", "C")], day(12)
    )
    report = impact(plan, "A", slip=2)
    assert moves(report) == {
        "A": (day(5), day(9), 2),
        "B": (day(12), day(13), 2),
        "C": (day(14), day(14), 2),
    }
    a = report.items[0]
    assert (a.release, a.name, a.kind) == ("R1", "Item A", "task")
    assert (a.start, a.finish) == (day(5), day(7))
    assert report.change.field == "duration" and (report.change.old, report.change.new) == (3, 5)
    (release,) = report.releases
    assert (release.finish, release.new_finish, release.finish_delta) == (day(12), day(14), 2)
    assert (release.late_by, release.new_late_by, release.misses_target) == (0, 2, True)
    assert report.summary() == (
        "A finishes 2 working days later: its duration grows from 3 to 5: 3 items move; "
        "R1 misses its target."
    )


def test_chain_is_listed_in_outline_order_and_the_plan_is_untouched(
    plans: list[Plan], tmp_path: Path
) -> None:
    plan = open_plan(plans, tmp_path, [("C", 1), ("A", 3), ("B", 2)], [("A", "B"), ("B", "C")])
    before = plan.state.result
    report = impact(plan, "A", slip=1)
    assert [i.key for i in report.items] == ["C", "A", "B"]
    assert plan.state.result is before and plan.work_items.find("A").duration == 3
    assert report.releases[0].misses_target is False  # no target: never late


def test_fork_moves_both_branches(plans: list[Plan], tmp_path: Path) -> None:
    # A 5-6, B 7-9, C 7; A one day longer: A 5-7, B 8-12, C 8.
    plan = open_plan(plans, tmp_path, [("A", 2), ("B", 3), ("C", 1)], [("A", "B"), ("A", "C")])
    assert moves(impact(plan, "A", slip=1)) == {
        "A": (day(5), day(7), 1),
        "B": (day(8), day(12), 1),
        "C": (day(8), day(8), 1),
    }


def test_join_absorbs_a_slip_within_its_slack(plans: list[Plan], tmp_path: Path) -> None:
    # A 5-9 and B 5-6 join at C 12: B has three days of slack before C moves.
    plan = open_plan(plans, tmp_path, [("A", 5), ("B", 2), ("C", 1)], [("A", "C"), ("B", "C")])
    assert moves(impact(plan, "B", slip=3)) == {"B": (day(5), day(9), 3)}
    assert moves(impact(plan, "B", slip=4)) == {
        "B": (day(5), day(12), 4),
        "C": (day(13), day(13), 1),
    }
    assert impact(plan, "B", slip=3).releases == ()  # the release ends when it did


def test_a_duration_shortens_and_pulls_successors_in(plans: list[Plan], tmp_path: Path) -> None:
    plan = open_plan(plans, tmp_path, [("A", 3), ("B", 2)], [("A", "B")])
    report = impact(plan, "A", duration=1)
    assert moves(report) == {"A": (day(5), day(5), -2), "B": (day(6), day(7), -2)}
    assert report.change.text == "A takes 1 working day instead of 3"
    assert moves(impact(plan, "A", slip=-2)) == moves(report)


def test_start_to_start_successors_do_not_follow_a_longer_task(
    plans: list[Plan], tmp_path: Path
) -> None:
    # C waits one day after A starts, and FF-linked D finishes one day after A finishes.
    plan = open_plan(
        plans,
        tmp_path,
        [("A", 3), ("C", 1), ("D", 1)],
        [("A", "C", "SS", 1), ("A", "D", "FF", 1)],
    )
    assert moves(impact(plan, "A", slip=2)) == {
        "A": (day(5), day(9), 2),
        "D": (day(12), day(12), 2),
    }


def test_a_phase_rolls_up_what_moves(plans: list[Plan], tmp_path: Path) -> None:
    store = make_plan(tmp_path / "phase.gantry")  # phase R1-P holds A -> B; C SS A+1
    plan = plan_for(store)
    plans.append(plan)
    report = impact(plan, "A", slip=1)
    # A 5-7 becomes 5-8; 9 January is a holiday, so B 8,12 becomes 12-13 and M follows.
    assert [i.key for i in report.items] == ["R1-P", "A", "B", "M"]
    assert moves(report)["R1-P"] == (day(5), day(13), 1)
    assert moves(report)["M"] == (day(13), day(13), 1)


def test_a_milestone_slips_by_a_not_before_date(plans: list[Plan], tmp_path: Path) -> None:
    # A 5-7, M shows on 7 (the end of A), B starts 8. Pushed two working days, M is not
    # before the 9th and shows there, at the start of that day: B starts on the 9th.
    plan = open_plan(
        plans, tmp_path, [("A", 3), ("M", 0, "milestone"), ("B", 1)], [("A", "M"), ("M", "B")]
    )
    report = impact(plan, "M", slip=2)
    assert moves(report) == {"M": (day(9), day(9), 2), "B": (day(9), day(9), 1)}
    change = report.change
    assert (change.field, change.old, change.new) == ("not_before", None, day(9))
    assert "has no duration" in change.text and "not-before date to 2026-01-09" in change.text


def test_nothing_moves_without_a_slip(plans: list[Plan], tmp_path: Path) -> None:
    plan = open_plan(plans, tmp_path, [("A", 3), ("M", 0, "milestone")], [("A", "M")])
    for report in (
        impact(plan, "A", slip=0),
        impact(plan, "A", duration=3),
        impact(plan, "M", slip=0),
    ):
        assert report.change.empty and report.items == () and report.releases == ()
        assert report.summary().endswith(": nothing moves.")


def test_mid_reschedule_the_shown_schedule_is_computed_first(
    plans: list[Plan], tmp_path: Path
) -> None:
    # While a reschedule is under way the state's schedule may be an edit old: `ask` then
    # leaves it out and the answer schedules the plan as it stands before the change.
    plan = open_plan(
        plans, tmp_path, [("A", 3), ("M", 0, "milestone"), ("B", 1)], [("A", "M"), ("M", "B")]
    )
    for key in ("A", "M"):
        question = ask(plan, key, slip=2)
        assert question.shown is plan.state.result
        assert answer(dataclasses.replace(question, shown=None)) == answer(question)


# -- refusals ------------------------------------------------------------------------------


def test_an_unknown_key_names_the_nearest(plans: list[Plan], tmp_path: Path) -> None:
    plan = open_plan(plans, tmp_path, [("BUILD-1", 1), ("BUILD-2", 1), ("TEST-1", 1)], [])
    with pytest.raises(ValidationError, match="did you mean 'BUILD-1'\\?"):
        ask(plan, "build-1", slip=1)
    with pytest.raises(ValidationError) as refused:
        ask(plan, "BUILD-3", slip=1)
    assert str(refused.value).startswith("No work item with key 'BUILD-3'; did you mean ")
    assert "'BUILD-1'" in str(refused.value) and "'BUILD-2'" in str(refused.value)
    with pytest.raises(ValidationError, match="^No work item with key 'zzz'$"):
        ask(plan, "zzz", slip=1)


@pytest.mark.parametrize(
    ("key", "slip", "duration", "message"),
    [
        ("P", 1, None, "P is a phase: its dates come from its items; slip one of them instead"),
        ("M", None, 2, "M is a milestone: it has no duration; slip it instead"),
        ("M", -1, None, "M is a milestone: a slip pushes its not-before date later, never"),
        ("A", -4, None, "A takes 3 working days: it cannot finish 4 working days earlier"),
        ("A", None, 10000, "A: duration"),
        ("A", None, None, "Say either how many working days"),
        ("A", 1, 4, "Say either how many working days"),
    ],
)
def test_what_cannot_slip_is_refused(
    plans: list[Plan],
    tmp_path: Path,
    key: str,
    slip: int | None,
    duration: int | None,
    message: str,
) -> None:
    plan = open_plan(plans, tmp_path, [("A", 3), ("M", 0, "milestone"), ("P", 0, "phase")], [])
    with pytest.raises(ValidationError, match=f"^{message}"):
        ask(plan, key, slip=slip, duration=duration)


def test_a_finished_item_cannot_slip(plans: list[Plan], tmp_path: Path) -> None:
    plan = open_plan(plans, tmp_path, [("A", 3)], [])
    plan.work_items.update(plan.work_items.find("A").id, "actual_finish", day(7))
    with pytest.raises(ValidationError, match="A finished on 2026-01-07 \\(its actual finish\\)"):
        ask(plan, "A", slip=1)


# -- against the scheduling engine ---------------------------------------------------------


def rescheduled(
    path: Path, copy: Path, key: str, field: str, value: object
) -> dict[str, tuple[dt.date | None, dt.date | None]]:
    """Every item's (start, finish) after really editing a scratch copy of the plan."""
    shutil.copyfile(path, copy)
    plan = Plan.open(copy)
    try:
        item = plan.work_items.find(key)
        plan.work_items.update(item.id, field, value)
        return {row.key: (row.start, row.finish) for row in plan.work_items.rows()}
    finally:
        plan.close()


@pytest.mark.parametrize(("key", "slip"), [("ATL-49", 3), ("ATL-61", 2), ("ATL-87", 5)])
def test_new_dates_equal_a_real_reschedule_of_the_edited_plan(
    tmp_path: Path, key: str, slip: int
) -> None:
    from app.demo import build_demo

    path = tmp_path / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, dt.date(2026, 1, 5))
    plan = Plan.open(path, read_only=True)
    try:
        was = {row.key: (row.start, row.finish) for row in plan.work_items.rows()}
        report = impact(plan, key, slip=slip)
        release_rows = {r.name: r for r in plan.releases.rows()}
    finally:
        plan.close()
    change = report.change
    now = rescheduled(path, tmp_path / "copy.gantry", key, change.field, change.new)
    assert report.items, "the example must move something"
    assert {i.key: (i.new_start, i.new_finish) for i in report.items} == {
        k: dates for k, dates in now.items() if dates != was[k]
    }
    for moved in report.items:
        assert (moved.start, moved.finish) == was[moved.key]
    copy = Plan.open(tmp_path / "copy.gantry", read_only=True)
    try:
        for release in report.releases:
            row = copy.releases.find(release.name)
            assert (release.new_finish, release.new_late_by) == (row.finish, row.late_by)
            before = release_rows[release.name]
            assert (release.finish, release.late_by) == (before.finish, before.late_by)
    finally:
        copy.close()
