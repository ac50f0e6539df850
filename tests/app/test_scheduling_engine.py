"""Tests for the critical-path engine, named after graph shapes and link types."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Sequence
from datetime import date, timedelta

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.scheduling import (
    CycleError,
    ItemDates,
    LinkType,
    ReleaseBounds,
    ScheduleInputError,
    ScheduleItem,
    ScheduleLink,
    ScheduleResult,
    WorkCalendar,
    schedule,
)

CAL = WorkCalendar()
MON = date(2024, 3, 4)
LINK_TYPES: tuple[LinkType, ...] = ("FS", "SS", "FF", "SF")


def mar(day: int) -> date:
    return date(2024, 3, day)


def task(item_id: int, duration: int, **fields: object) -> ScheduleItem:
    return ScheduleItem(item_id, f"A-{item_id}", "task", duration, **fields)  # type: ignore[arg-type]


def milestone(item_id: int, **fields: object) -> ScheduleItem:
    return ScheduleItem(item_id, f"A-{item_id}", "milestone", 0, **fields)  # type: ignore[arg-type]


def phase(item_id: int, **fields: object) -> ScheduleItem:
    return ScheduleItem(item_id, f"P-{item_id}", "phase", 0, **fields)  # type: ignore[arg-type]


def link(pred: int, succ: int, link_type: LinkType = "FS", lag: int = 0) -> ScheduleLink:
    return ScheduleLink(pred, succ, link_type, lag)


def run(
    items: Sequence[ScheduleItem],
    links: Sequence[ScheduleLink] = (),
    calendar: WorkCalendar = CAL,
    releases: Sequence[ReleaseBounds] = (),
    plan_start: date | None = MON,
) -> ScheduleResult:
    return schedule(items, links, calendar, releases, plan_start)


def span(result: ScheduleResult, item_id: int) -> tuple[date, date]:
    dates = result.items[item_id]
    return dates.start, dates.finish


# Graph shapes -------------------------------------------------------------------------------


def test_chain_fs_runs_back_to_back_and_is_all_critical() -> None:
    result = run([task(1, 3), task(2, 2), task(3, 1)], [link(1, 2), link(2, 3)])
    assert span(result, 1) == (mar(4), mar(6))
    assert span(result, 2) == (mar(7), mar(8))
    assert span(result, 3) == (mar(11), mar(11))
    assert all(dates.total_slack == 0 and dates.critical for dates in result.items.values())
    assert result.critical_path == [1, 2, 3]


def test_chain_skips_the_weekend() -> None:
    result = run([task(1, 4), task(2, 3)], [link(1, 2)])
    assert span(result, 1) == (mar(4), mar(7))
    assert span(result, 2) == (mar(8), mar(12))


def test_fork_gives_the_short_branch_slack() -> None:
    result = run([task(1, 2), task(2, 1), task(3, 4)], [link(1, 2), link(1, 3)])
    assert span(result, 2) == (mar(6), mar(6))
    assert span(result, 3) == (mar(6), mar(11))
    short = result.items[2]
    assert (short.total_slack, short.free_slack, short.critical) == (3, 3, False)
    assert (short.late_start, short.late_finish) == (mar(11), mar(11))
    assert result.critical_path == [1, 3]


def test_join_waits_for_the_longest_predecessor() -> None:
    result = run([task(1, 2), task(2, 4), task(3, 1)], [link(1, 3), link(2, 3)])
    assert span(result, 3) == (mar(8), mar(8))
    assert (result.items[1].total_slack, result.items[1].free_slack) == (2, 2)
    assert result.critical_path == [2, 3]


def test_rhombus_critical_path_takes_the_long_side() -> None:
    items = [task(4, 1), task(3, 3), task(2, 1), task(1, 1)]  # deliberately not in start order
    links = [link(1, 2), link(1, 3), link(2, 4), link(3, 4)]
    result = run(items, links)
    assert span(result, 4) == (mar(8), mar(8))
    assert (result.items[2].total_slack, result.items[2].free_slack) == (2, 2)
    assert result.critical_path == [1, 3, 4]


def test_critical_path_lists_tasks_and_milestones_in_start_order() -> None:
    items = [milestone(9), task(3, 1), task(1, 2), task(2, 2)]
    links = [link(1, 2), link(2, 3), link(3, 9)]
    assert run(items, links).critical_path == [1, 2, 3, 9]


# Link types and lags ------------------------------------------------------------------------


def test_fs_positive_lag_waits_working_days() -> None:
    result = run([task(1, 2), task(2, 1), task(3, 3), task(4, 1)], [link(1, 2, "FS", 2)])
    assert span(result, 2) == (mar(8), mar(8))
    over_weekend = run([task(1, 3), task(2, 1)], [link(1, 2, "FS", 3)])
    assert span(over_weekend, 2) == (mar(12), mar(12))


def test_fs_negative_lag_overlaps() -> None:
    result = run([task(1, 3), task(2, 2)], [link(1, 2, "FS", -1)])
    assert span(result, 2) == (mar(6), mar(7))


def test_ss_with_lag_starts_after_the_predecessor_starts() -> None:
    result = run([task(1, 5), task(2, 1)], [link(1, 2, "SS", 2)])
    assert span(result, 2) == (mar(6), mar(6))
    assert result.items[1].total_slack == 0
    assert result.items[2].total_slack == 2


def test_ff_finishes_together_or_after_a_lag() -> None:
    together = run([task(1, 5), task(2, 2)], [link(1, 2, "FF")])
    assert span(together, 2) == (mar(7), mar(8))
    lagged = run([task(1, 5), task(2, 2)], [link(1, 2, "FF", 1)])
    assert span(lagged, 2) == (mar(8), mar(11))


def test_sf_finishes_once_the_predecessor_has_started() -> None:
    late_start = task(1, 3, not_before=mar(6))
    just_in_time = run([late_start, task(2, 2)], [link(1, 2, "SF")])
    assert span(just_in_time, 1) == (mar(6), mar(8))
    assert span(just_in_time, 2) == (mar(4), mar(5))
    lagged = run([late_start, task(2, 2)], [link(1, 2, "SF", 2)])
    assert span(lagged, 2) == (mar(6), mar(7))


def test_unknown_link_type_is_rejected() -> None:
    with pytest.raises(ScheduleInputError, match="XX"):
        run([task(1, 1), task(2, 1)], [ScheduleLink(1, 2, "XX", 0)])  # type: ignore[arg-type]


# Milestones ---------------------------------------------------------------------------------


def test_milestone_after_a_task_finishing_monday_shows_monday_and_releases_tuesday() -> None:
    result = run([task(1, 6), milestone(2), task(3, 1)], [link(1, 2), link(2, 3)])
    assert span(result, 1) == (mar(4), mar(11))
    assert span(result, 2) == (mar(11), mar(11))
    assert span(result, 3) == (mar(12), mar(12))
    assert result.critical_path == [1, 2, 3]


def test_milestone_with_nothing_before_it_sits_at_the_end_of_the_previous_working_day() -> None:
    assert span(run([milestone(1)]), 1) == (mar(1), mar(1))


def test_milestone_with_a_duration_is_still_a_point() -> None:
    point = ScheduleItem(2, "A-2", "milestone", 5)
    result = run([task(1, 2), point, task(3, 1)], [link(1, 2), link(2, 3)])
    assert span(result, 2) == (mar(5), mar(5))
    assert span(result, 3) == (mar(6), mar(6))


def test_zero_length_task_behaves_like_a_milestone() -> None:
    result = run([task(1, 2), task(2, 0), task(3, 1)], [link(1, 2), link(2, 3)])
    assert span(result, 2) == (mar(5), mar(5))
    assert span(result, 3) == (mar(6), mar(6))


# Calendar effects and constraints -----------------------------------------------------------


def test_holidays_are_skipped() -> None:
    calendar = WorkCalendar(holidays=[mar(6)])
    result = run([task(1, 3), task(2, 1)], [link(1, 2)], calendar=calendar)
    assert span(result, 1) == (mar(4), mar(7))
    assert span(result, 2) == (mar(8), mar(8))


def test_not_before_on_a_saturday_starts_monday() -> None:
    result = run([task(1, 1), task(2, 2, not_before=mar(9))], [link(1, 2)])
    assert span(result, 2) == (mar(11), mar(12))


def test_not_before_loses_to_a_later_predecessor() -> None:
    result = run([task(1, 4), task(2, 1, not_before=mar(5))], [link(1, 2)])
    assert span(result, 2) == (mar(8), mar(8))


def test_milestone_not_before_a_date_sits_at_the_end_of_that_date() -> None:
    items = [milestone(1, not_before=mar(6)), task(2, 1), milestone(3, not_before=mar(9))]
    result = run(items, [link(1, 2)])
    assert span(result, 1) == (mar(6), mar(6))
    assert span(result, 2) == (mar(7), mar(7))
    assert span(result, 3) == (mar(8), mar(8))  # the end of Saturday is the end of Friday


def test_release_start_bounds_its_items_only() -> None:
    releases = [ReleaseBounds(1, start=mar(6))]
    result = run([task(1, 1, release=1), task(2, 1)], releases=releases)
    assert span(result, 1) == (mar(6), mar(6))
    assert span(result, 2) == (mar(4), mar(4))


def test_without_plan_start_the_earliest_release_start_is_the_floor() -> None:
    releases = [ReleaseBounds(1, start=mar(11)), ReleaseBounds(2, start=mar(6))]
    result = run([task(1, 1, release=1), task(2, 1)], releases=releases, plan_start=None)
    assert span(result, 1) == (mar(11), mar(11))
    assert span(result, 2) == (mar(6), mar(6))


def test_without_any_start_the_calendar_origin_is_the_floor() -> None:
    result = schedule([task(1, 1)], [], CAL)
    assert span(result, 1) == (CAL.origin, CAL.origin)


# Targets, slack and releases ----------------------------------------------------------------


def test_target_before_the_finish_gives_negative_slack_and_late_by() -> None:
    releases = [ReleaseBounds(1, target=mar(7))]
    result = run([task(1, 3, release=1), task(2, 3, release=1)], [link(1, 2)], releases=releases)
    assert span(result, 2) == (mar(7), mar(11))
    first, second = result.items[1], result.items[2]
    assert (first.total_slack, second.total_slack) == (-2, -2)
    assert first.critical and second.critical
    assert (first.late_start, first.late_finish) == (date(2024, 2, 29), mar(4))
    assert (second.late_start, second.late_finish) == (mar(5), mar(7))
    assert result.releases[1] == dataclasses.replace(
        result.releases[1], finish=mar(11), target=mar(7), slack=-2, late_by=2
    )
    assert result.critical_path == [1, 2]


def test_target_after_the_finish_leaves_slack_and_no_critical_path() -> None:
    releases = [ReleaseBounds(1, target=mar(15))]
    result = run([task(1, 3, release=1), task(2, 3, release=1)], [link(1, 2)], releases=releases)
    outcome = result.releases[1]
    assert (outcome.finish, outcome.slack, outcome.late_by) == (mar(11), 4, 0)
    assert not any(dates.critical for dates in result.items.values())
    assert result.critical_path == []


def test_release_without_target_is_bounded_by_its_own_latest_finish() -> None:
    items = [task(1, 2, release=1), task(2, 5, release=1), task(3, 9)]
    result = run(items, releases=[ReleaseBounds(1)])
    assert result.items[1].total_slack == 3
    assert result.items[2].total_slack == 0
    assert result.releases[1].late_by == 0
    assert result.releases[1].target is None


def test_release_outcomes_cover_referenced_and_empty_releases() -> None:
    result = run([task(1, 1, release=7)], releases=[ReleaseBounds(3, target=mar(8))])
    assert result.releases[3].finish is None and result.releases[3].slack is None
    assert result.releases[7].finish == mar(4)


def test_free_slack_is_how_far_an_item_can_slip_without_moving_a_successor() -> None:
    items = [task(1, 1), task(2, 1), task(3, 1), task(4, 5)]
    result = run(items, [link(1, 2), link(2, 3), link(4, 3)])
    assert (result.items[1].total_slack, result.items[1].free_slack) == (3, 0)
    assert (result.items[2].total_slack, result.items[2].free_slack) == (3, 3)


def test_cross_release_dependency_drives_the_later_release() -> None:
    releases = [ReleaseBounds(1, target=mar(8)), ReleaseBounds(2, target=mar(11))]
    items = [task(1, 3, release=1), task(2, 4, release=2)]
    result = run(items, [link(1, 2)], releases=releases)
    assert span(result, 2) == (mar(7), mar(12))
    first, second = result.releases[1], result.releases[2]
    assert (second.finish, second.slack, second.late_by) == (mar(12), -1, 1)
    # Release 1 finishes on time, yet its task is what makes release 2 late.
    assert (first.finish, first.slack, first.late_by) == (mar(6), -1, 0)
    assert result.items[1].critical


# Phases -------------------------------------------------------------------------------------


def test_nested_phases_roll_up_dates_slack_and_criticality() -> None:
    items = [
        phase(10),
        phase(11, parent=10),
        phase(12, parent=10),
        task(1, 2, parent=11),
        task(2, 3, parent=11),
        task(3, 1, parent=12),
        task(4, 1),
    ]
    result = run(items, [link(1, 2), link(2, 4)])
    inner, side, outer = result.items[11], result.items[12], result.items[10]
    assert (inner.start, inner.finish, inner.total_slack, inner.critical) == (
        mar(4),
        mar(8),
        0,
        True,
    )
    assert (side.start, side.finish, side.total_slack, side.critical) == (mar(4), mar(4), 5, False)
    assert (side.late_start, side.late_finish) == (mar(11), mar(11))
    assert (outer.start, outer.finish, outer.total_slack, outer.critical) == (
        mar(4),
        mar(8),
        0,
        True,
    )
    assert 10 not in result.critical_path and 11 not in result.critical_path


def test_phase_order_in_the_input_does_not_matter() -> None:
    items = [task(1, 2, parent=11), phase(11, parent=10), task(2, 1, parent=10), phase(10)]
    result = run(items, [link(1, 2)])
    assert span(result, 10) == (mar(4), mar(6))
    assert span(result, 11) == (mar(4), mar(5))


def test_empty_phase_shows_on_its_first_possible_day() -> None:
    result = run([phase(1), phase(2, not_before=mar(9))])
    assert span(result, 1) == (mar(4), mar(4))
    assert span(result, 2) == (mar(11), mar(11))


def test_link_touching_a_phase_is_rejected_by_key() -> None:
    items = [phase(10), task(1, 1, parent=10), task(2, 1)]
    with pytest.raises(ScheduleInputError, match="P-10"):
        run(items, [link(10, 2)])
    with pytest.raises(ScheduleInputError, match="P-10"):
        run(items, [link(2, 10)])


def test_parent_must_be_a_known_phase() -> None:
    with pytest.raises(ScheduleInputError, match="A-2"):
        run([task(1, 1, parent=2), task(2, 1)])
    with pytest.raises(ScheduleInputError, match="unknown phase"):
        run([task(1, 1, parent=99)])


def test_phases_nested_in_a_loop_are_rejected() -> None:
    items = [phase(1, parent=2), phase(2, parent=1), task(3, 1, parent=1)]
    with pytest.raises(ScheduleInputError, match="P-1"):
        run(items)


# Actuals ------------------------------------------------------------------------------------


def test_actual_start_pins_the_start_despite_predecessors() -> None:
    items = [task(1, 3), task(2, 2, actual_start=mar(5))]
    result = run(items, [link(1, 2)])
    assert span(result, 2) == (mar(5), mar(6))


def test_actual_start_and_finish_set_the_duration_and_feed_successors() -> None:
    items = [task(1, 2, actual_start=mar(4), actual_finish=mar(11)), task(2, 1)]
    result = run(items, [link(1, 2)])
    assert span(result, 1) == (mar(4), mar(11))
    assert span(result, 2) == (mar(12), mar(12))


def test_actual_finish_alone_keeps_the_planned_duration() -> None:
    result = run([task(1, 3, actual_finish=mar(6)), task(2, 1)], [link(1, 2)])
    assert span(result, 1) == (mar(4), mar(6))
    assert span(result, 2) == (mar(7), mar(7))


def test_milestone_actual_pins_it_to_the_end_of_that_day() -> None:
    items = [task(1, 5), milestone(2, actual_finish=mar(6)), task(3, 1)]
    result = run(items, [link(1, 2), link(2, 3)])
    assert span(result, 2) == (mar(6), mar(6))
    assert span(result, 3) == (mar(7), mar(7))


def test_actual_finish_before_actual_start_is_rejected() -> None:
    with pytest.raises(ScheduleInputError, match="A-1"):
        run([task(1, 1, actual_start=mar(6), actual_finish=mar(5))])


# Cycles and bad input -----------------------------------------------------------------------


def test_cycle_error_names_every_key_on_the_cycle() -> None:
    items = [task(1, 1), task(2, 1), task(3, 1), task(4, 1)]
    links = [link(1, 2), link(2, 3), link(3, 1), link(3, 4)]
    with pytest.raises(CycleError) as caught:
        run(items, links)
    assert caught.value.cycles == [["A-1", "A-2", "A-3"]]
    assert str(caught.value) == "Dependency cycle: A-1 -> A-2 -> A-3 -> A-1"
    assert isinstance(caught.value, ValueError)


def test_cycle_error_reports_separate_cycles_and_self_loops() -> None:
    items = [task(i, 1) for i in range(1, 7)]
    links = [link(1, 2), link(2, 1), link(3, 3), link(4, 5), link(5, 6), link(6, 4)]
    with pytest.raises(CycleError) as caught:
        run(items, links)
    assert caught.value.cycles == [["A-1", "A-2"], ["A-3"], ["A-4", "A-5", "A-6"]]
    assert "A-3 -> A-3" in str(caught.value)


def test_cycle_error_covers_a_figure_eight() -> None:
    items = [task(1, 1), task(2, 1), task(3, 1)]
    links = [link(1, 2), link(2, 1), link(2, 3), link(3, 2)]
    with pytest.raises(CycleError) as caught:
        run(items, links)
    assert {key for cycle in caught.value.cycles for key in cycle} == {"A-1", "A-2", "A-3"}


def test_link_to_an_unknown_item_is_rejected() -> None:
    with pytest.raises(ScheduleInputError, match="42"):
        run([task(1, 1)], [link(1, 42)])


def test_negative_duration_is_rejected() -> None:
    with pytest.raises(ScheduleInputError, match="A-1"):
        run([task(1, -2)])


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ScheduleInputError, match="Duplicate"):
        run([task(1, 1), task(1, 2)])


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ScheduleInputError, match="epic"):
        run([ScheduleItem(1, "A-1", "epic", 1)])  # type: ignore[arg-type]


# Result objects -----------------------------------------------------------------------------


def test_empty_plan_schedules_to_nothing() -> None:
    result = run([])
    assert (result.items, result.releases, result.critical_path) == ({}, {}, [])


def test_results_are_ordinary_frozen_item_dates() -> None:
    dates = run([task(1, 2)]).items[1]
    assert type(dates) is ItemDates
    assert dates == ItemDates(mar(4), mar(5), mar(4), mar(5), 0, 0, True)
    assert hash(dates) == hash(ItemDates(mar(4), mar(5), mar(4), mar(5), 0, 0, True))
    with pytest.raises(dataclasses.FrozenInstanceError):
        dates.total_slack = 3  # type: ignore[misc]


@pytest.mark.parametrize("enabled", [True, False])
def test_garbage_collector_state_is_restored(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        run([task(1, 1)])
        assert gc.isenabled() is enabled
        with pytest.raises(CycleError):
            run([task(1, 1)], [link(1, 1)])
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


# Properties ---------------------------------------------------------------------------------


@st.composite
def dags(draw: st.DrawFn) -> tuple[list[ScheduleItem], list[ScheduleLink], WorkCalendar]:
    """Random acyclic networks of every link type, with lags, holidays and start bounds."""
    size = draw(st.integers(1, 20))
    items = []
    for i in range(1, size + 1):
        is_milestone = draw(st.integers(0, 4)) == 0
        not_before = draw(st.none() | st.dates(MON, MON + timedelta(days=30)))
        if is_milestone:
            items.append(milestone(i, not_before=not_before))
        else:
            items.append(task(i, draw(st.integers(1, 6)), not_before=not_before))
    links = [
        link(min(a, b), max(a, b), link_type, lag)
        for a, b, link_type, lag in draw(
            st.lists(
                st.tuples(
                    st.integers(1, size),
                    st.integers(1, size),
                    st.sampled_from(LINK_TYPES),
                    st.integers(-3, 5),
                ),
                max_size=3 * size,
            )
        )
        if a != b
    ]
    holidays = draw(st.sets(st.dates(MON, MON + timedelta(days=60)), max_size=6))
    return items, links, WorkCalendar(holidays=holidays)


def _bounds(
    calendar: WorkCalendar, item: ScheduleItem, dates: ItemDates
) -> tuple[int, int, int, int]:
    """(early start, early end, late start, late end) as working-day boundary indices."""
    if item.kind == "milestone":
        early = calendar.index_on_or_before(dates.start) + 1
        late = calendar.index_on_or_before(dates.late_start) + 1
        return early, early, late, late
    return (
        calendar.index_on_or_after(dates.start),
        calendar.index_on_or_before(dates.finish) + 1,
        calendar.index_on_or_after(dates.late_start),
        calendar.index_on_or_before(dates.late_finish) + 1,
    )


def _margin(kind: str, lag: int, pred: tuple[int, int], succ: tuple[int, int]) -> int:
    """How far a link constraint is from binding, given (start, end) of both sides."""
    pred_side = pred[1] if kind in ("FS", "FF") else pred[0]
    succ_side = succ[1] if kind in ("FF", "SF") else succ[0]
    return succ_side - pred_side - lag


@settings(max_examples=150, deadline=None)
@given(dags())
def test_random_dags_satisfy_every_constraint_and_critical_chains_are_contiguous(
    network: tuple[list[ScheduleItem], list[ScheduleLink], WorkCalendar],
) -> None:
    items, links, calendar = network
    result = schedule(items, links, calendar, plan_start=MON)
    base = calendar.index_on_or_after(MON)
    at = {item.id: _bounds(calendar, item, result.items[item.id]) for item in items}
    end = max(b[1] for b in at.values())

    for item in items:
        s, e, ls, le = at[item.id]
        dates = result.items[item.id]
        assert e - s == le - ls == item.duration
        assert dates.total_slack == ls - s >= 0
        assert 0 <= dates.free_slack <= dates.total_slack
        assert dates.critical == (dates.total_slack == 0)
        assert le <= end
    for lk in links:
        p, q = at[lk.predecessor], at[lk.successor]
        assert _margin(lk.type, lk.lag, p[:2], q[:2]) >= 0
        assert _margin(lk.type, lk.lag, p[2:], q[2:]) >= 0
        # Slipping the predecessor by its free slack leaves the successor where it is.
        slip = result.items[lk.predecessor].free_slack
        assert _margin(lk.type, lk.lag, (p[0] + slip, p[1] + slip), q[:2]) >= 0

    incoming: dict[int, list[ScheduleLink]] = {item.id: [] for item in items}
    outgoing: dict[int, list[ScheduleLink]] = {item.id: [] for item in items}
    for lk in links:
        incoming[lk.successor].append(lk)
        outgoing[lk.predecessor].append(lk)
    for item in items:
        s, e, ls, le = at[item.id]
        lower = base
        if item.not_before is not None:
            lower = max(
                lower,
                calendar.index_on_or_before(item.not_before) + 1
                if item.kind == "milestone"
                else calendar.index_on_or_after(item.not_before),
            )
        # Early dates are as early as possible: held by the bound or a binding link.
        assert s == lower or any(
            _margin(lk.type, lk.lag, at[lk.predecessor][:2], (s, e)) == 0
            for lk in incoming[item.id]
        )
        if not result.items[item.id].critical:
            continue
        # A critical item is reached by a binding link from a critical item, or starts the
        # plan, and hands on to a critical item, or ends the plan.
        assert s == lower or any(
            _margin(lk.type, lk.lag, at[lk.predecessor][:2], (s, e)) == 0
            and result.items[lk.predecessor].critical
            for lk in incoming[item.id]
        )
        assert e == end or any(
            _margin(lk.type, lk.lag, (s, e), at[lk.successor][:2]) == 0
            and result.items[lk.successor].critical
            for lk in outgoing[item.id]
        )

    critical = [item.id for item in items if result.items[item.id].critical]
    assert sorted(result.critical_path) == sorted(critical)
    starts = [at[i][0] for i in result.critical_path]
    assert starts == sorted(starts)


@settings(max_examples=100, deadline=None)
@given(dags(), st.dates(MON, MON + timedelta(days=40)))
def test_single_release_late_by_is_the_negative_slack(
    network: tuple[list[ScheduleItem], list[ScheduleLink], WorkCalendar], target: date
) -> None:
    items, links, calendar = network
    items = [item._replace(release=1) for item in items]
    result = schedule(items, links, calendar, [ReleaseBounds(1, target=target)], MON)
    outcome = result.releases[1]
    assert outcome.slack is not None
    assert outcome.late_by == max(0, -outcome.slack)
    assert outcome.finish == max(dates.finish for dates in result.items.values())


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(1, n), st.integers(1, n)), max_size=3 * n),
        )
    )
)
def test_random_graphs_either_schedule_or_name_real_cycles(
    graph: tuple[int, list[tuple[int, int]]],
) -> None:
    size, edges = graph
    items = [task(i, 1) for i in range(1, size + 1)]
    links = [link(a, b) for a, b in edges]
    reference: nx.DiGraph[int] = nx.DiGraph(edges)
    reference.add_nodes_from(range(1, size + 1))
    on_cycles = {
        node
        for component in nx.strongly_connected_components(reference)
        for node in component
        if len(component) > 1 or reference.has_edge(node, node)
    }
    try:
        run(items, links)
    except CycleError as error:
        named: set[int] = set()
        for cycle in error.cycles:
            ids = [int(key.removeprefix("A-")) for key in cycle]
            assert all(
                reference.has_edge(a, b) for a, b in zip(ids, ids[1:] + ids[:1], strict=True)
            )
            named.update(ids)
        assert named == on_cycles
    else:
        assert not on_cycles
