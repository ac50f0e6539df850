"""Tests for the critical-path engine, named after graph shapes and link types."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Sequence
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


def zero_task(item_id: int, **fields: object) -> ScheduleItem:
    return task(item_id, 0, **fields)


PointFactory = Callable[..., ScheduleItem]


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


def test_milestone_with_nothing_before_it_shows_on_the_plan_start() -> None:
    # The plan start is a start, so the kickoff sits at the beginning of Monday, not at the
    # end of the Friday before the plan begins.
    assert span(run([milestone(1)]), 1) == (mar(4), mar(4))


@pytest.mark.parametrize("point", [milestone, zero_task])
def test_kickoff_milestone_at_a_monday_release_start_shows_monday(point: PointFactory) -> None:
    releases = [ReleaseBounds(1, start=mar(11))]
    # Task 3 of an earlier release finishes on Friday: the end of Friday and the start of
    # Monday are the same working-day index, and the start is the later time.
    items = [point(1, release=1), task(2, 2, release=1), task(3, 5)]
    result = run(items, [link(3, 1), link(1, 2)], releases=releases)
    assert span(result, 3) == (mar(4), mar(8))
    assert span(result, 1) == (mar(11), mar(11))
    assert span(result, 2) == (mar(11), mar(12))


def test_kickoff_at_a_plan_start_after_a_new_year_holiday_shows_on_the_plan_start() -> None:
    calendar = WorkCalendar(holidays=[date(2027, 1, 1)])
    monday = date(2027, 1, 4)
    chain = [milestone(1), task(2, 1)]
    result = run(chain, [link(1, 2)], calendar=calendar, plan_start=monday)
    assert span(result, 1) == (monday, monday)
    assert span(result, 2) == (monday, monday)
    on_the_holiday = run([milestone(1)], calendar=calendar, plan_start=date(2027, 1, 1))
    assert span(on_the_holiday, 1) == (monday, monday)
    released = [ReleaseBounds(7, start=date(2027, 1, 1))]
    result = run([milestone(1, release=7)], calendar=calendar, releases=released, plan_start=None)
    assert span(result, 1) == (monday, monday)


def test_milestone_with_a_duration_is_still_a_point() -> None:
    point = ScheduleItem(2, "A-2", "milestone", 5)
    result = run([task(1, 2), point, task(3, 1)], [link(1, 2), link(2, 3)])
    assert span(result, 2) == (mar(5), mar(5))
    assert span(result, 3) == (mar(6), mar(6))


def test_zero_length_task_behaves_like_a_milestone() -> None:
    result = run([task(1, 2), task(2, 0), task(3, 1)], [link(1, 2), link(2, 3)])
    assert span(result, 2) == (mar(5), mar(5))
    assert span(result, 3) == (mar(6), mar(6))


def test_chain_ss_from_a_task_places_a_milestone_on_the_task_start_day() -> None:
    items = [task(1, 3, not_before=mar(6)), milestone(2), milestone(3), task(4, 1)]
    links = [link(1, 2, "SS"), link(1, 3, "SS", 2), link(3, 4)]
    result = run(items, links)
    assert span(result, 1) == (mar(6), mar(8))
    assert span(result, 2) == (mar(6), mar(6))
    # Two working days after the start of Wednesday is the start of Friday, and a task
    # after a milestone at the start of a day starts that day.
    assert span(result, 3) == (mar(8), mar(8))
    assert span(result, 4) == (mar(8), mar(8))


def test_fork_ff_and_sf_from_a_task_place_milestones_at_its_finish_and_its_start() -> None:
    items = [task(1, 3), milestone(2), task(3, 1), milestone(4), task(5, 1)]
    items += [milestone(6), milestone(7)]
    links = [link(1, 2, "FF"), link(2, 3), link(1, 4, "SF"), link(4, 5)]
    links += [link(1, 6, "FF", 2), link(1, 7, "SF", 1)]
    result = run(items, links)
    assert span(result, 1) == (mar(4), mar(6))
    assert span(result, 2) == (mar(6), mar(6))  # the end of Wednesday
    assert span(result, 3) == (mar(7), mar(7))
    assert span(result, 4) == (mar(4), mar(4))  # the start of Monday
    assert span(result, 5) == (mar(4), mar(4))
    assert span(result, 6) == (mar(8), mar(8))
    assert span(result, 7) == (mar(5), mar(5))


def test_chain_of_milestones_keeps_the_time_of_day_through_lags() -> None:
    # From a finish: the end of Friday, + 1 is the end of Monday, + 2 the end of Wednesday,
    # - 3 the end of Friday again.
    after_finish = [task(1, 5), milestone(2), milestone(3), milestone(4), milestone(5)]
    links = [link(1, 2), link(2, 3, "FS", 1), link(3, 4, "SS", 2), link(4, 5, "FS", -3)]
    # From a start: the start of Monday, + 1 the start of Tuesday, - 1 the start of Monday.
    after_start = [milestone(6, not_before=mar(10)), milestone(7), milestone(8), task(9, 1)]
    links += [link(6, 7, "FS", 1), link(7, 8, "FF", -1), link(7, 9)]
    result = run(after_finish + after_start, links)
    shows = {i: result.items[i].start for i in (2, 3, 4, 5, 6, 7, 8)}
    assert shows == {
        2: mar(8),
        3: mar(11),
        4: mar(13),
        5: mar(8),
        6: mar(11),
        7: mar(12),
        8: mar(11),
    }
    assert span(result, 9) == (mar(12), mar(12))


def test_join_of_a_finish_and_a_start_at_one_index_takes_the_start() -> None:
    # Task 1 ends on Friday; milestone 2 and task 4 begin on Monday: the same index.
    items = [
        task(1, 5),
        milestone(2, not_before=mar(11)),
        milestone(3),
        task(4, 2, not_before=mar(11)),
    ]
    items += [milestone(5), milestone(6)]
    for links in (
        [link(1, 3), link(2, 3), link(1, 5), link(4, 5, "SS"), link(1, 6)],
        [link(2, 3), link(1, 3), link(4, 5, "SS"), link(1, 5), link(1, 6)],
    ):
        result = run(items, links)
        assert span(result, 3) == (mar(11), mar(11))
        assert span(result, 5) == (mar(11), mar(11))
        assert span(result, 6) == (mar(8), mar(8))  # the finish alone: Friday


def test_join_where_a_finish_outruns_a_start_lets_the_start_slip_only_while_no_day_moves() -> None:
    # Task 2 finishes at the end of Tuesday; task 1's SS + 1 asks only for the start of
    # Tuesday. Slipping task 1 a day would move milestone 3 to Wednesday on the chart.
    items = [task(1, 1), task(2, 2), milestone(3), task(4, 1)]
    links = [link(1, 3, "SS", 1), link(2, 3), link(3, 4)]
    result = run(items, links)
    assert span(result, 3) == (mar(5), mar(5))
    assert span(result, 4) == (mar(6), mar(6))
    # With task 4 after it the milestone may move to the start of Wednesday and nothing
    # later moves, so task 1 has a day of total slack but none free.
    first = result.items[1]
    assert (first.total_slack, first.free_slack, first.critical) == (1, 0, False)
    assert result.items[3].critical and result.items[2].critical
    slipped = run([task(1, 1, not_before=mar(5)), *items[1:]], links)
    assert span(slipped, 3) == (mar(6), mar(6))
    assert span(slipped, 4) == (mar(6), mar(6))
    # When the milestone ends the plan, its day is the plan's last day: no slack at all.
    alone = run(items[:3], links[:2])
    assert (alone.items[1].total_slack, alone.items[1].critical) == (0, True)


def test_rhombus_from_a_kickoff_to_a_join_milestone() -> None:
    items = [milestone(1), task(2, 3), task(3, 1), milestone(4), task(5, 1)]
    links = [link(1, 2), link(1, 3, "SS", 1), link(2, 4), link(3, 4), link(4, 5)]
    result = run(items, links)
    assert span(result, 1) == (mar(4), mar(4))
    assert span(result, 2) == (mar(4), mar(6))
    assert span(result, 3) == (mar(5), mar(5))
    assert span(result, 4) == (mar(6), mar(6))
    assert span(result, 5) == (mar(7), mar(7))
    assert (result.items[3].total_slack, result.items[3].free_slack) == (1, 1)
    assert result.critical_path == [1, 2, 4, 5]


def test_chain_of_critical_milestones_shows_each_on_one_day_early_and_late() -> None:
    # 2 follows a finish, 4 a not-before date at the same index as a finish, 6 a start.
    items = [task(1, 2), milestone(2), task(3, 2), milestone(4, not_before=mar(8))]
    items += [task(5, 1), milestone(6), milestone(7)]
    links = [link(1, 2), link(2, 3), link(3, 4), link(4, 5), link(5, 6, "SS"), link(1, 7)]
    result = run(items, links)
    assert [result.items[i].start for i in (2, 4, 6, 7)] == [mar(5), mar(8), mar(8), mar(5)]
    for i in (2, 4, 6):
        dates = result.items[i]
        assert dates.late_start == dates.late_finish == dates.start == dates.finish
        assert (dates.total_slack, dates.critical) == (0, True)
    assert result.critical_path == [1, 2, 3, 4, 5, 6]
    # A milestone with slack keeps its time of day late too: late - early is its slack.
    loose = result.items[7]
    assert (loose.total_slack, loose.late_start, loose.late_finish) == (3, mar(8), mar(8))


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


def test_milestone_not_before_a_date_sits_at_the_start_of_that_day() -> None:
    items = [milestone(1, not_before=mar(6)), task(2, 1), milestone(3, not_before=mar(9))]
    result = run(items, [link(1, 2)])
    assert span(result, 1) == (mar(6), mar(6))
    assert span(result, 2) == (mar(6), mar(6))  # it starts as the milestone's day begins
    assert span(result, 3) == (mar(11), mar(11))  # never before its own date


@pytest.mark.parametrize("point", [milestone, zero_task])
def test_milestone_not_before_a_sunday_shows_on_the_monday_after(point: PointFactory) -> None:
    result = run([point(1, not_before=mar(10)), task(2, 1)], [link(1, 2)])
    assert span(result, 1) == (mar(11), mar(11))
    assert span(result, 2) == (mar(11), mar(11))


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


def test_milestone_on_the_monday_after_a_friday_target_makes_the_release_a_day_late() -> None:
    releases = [ReleaseBounds(1, target=mar(8))]
    work = [task(1, 5, release=1), milestone(2, release=1)]
    on_time = run(work, [link(1, 2)], releases=releases)
    assert span(on_time, 2) == (mar(8), mar(8))
    outcome = on_time.releases[1]
    assert (outcome.finish, outcome.slack, outcome.late_by) == (mar(8), 0, 0)
    late = run(
        [*work, milestone(3, release=1, not_before=mar(10))], [link(1, 2)], releases=releases
    )
    assert span(late, 3) == (mar(11), mar(11))
    outcome = late.releases[1]
    assert (outcome.finish, outcome.slack, outcome.late_by) == (mar(11), -1, 1)
    # Its latest day is the target, the day before it shows.
    dates = late.items[3]
    assert (dates.late_start, dates.late_finish, dates.total_slack) == (mar(8), mar(8), -1)
    assert dates.critical
    assert late.critical_path == [1, 2, 3]  # 2 at the end of Friday, 3 at the start of Monday


def test_fork_from_a_kickoff_to_a_task_and_a_late_milestone_puts_the_kickoff_on_the_late_path() -> (
    None
):
    # Milestone 3 keeps the kickoff's start of day: five days on is the start of Monday 11,
    # a day past the Friday target. Task 2 alone would let the kickoff stay at the start of
    # Monday 4; milestone 3 needs it at the end of Friday 1, the same index but earlier.
    releases = [ReleaseBounds(1, target=mar(8))]
    items = [milestone(1, release=1), task(2, 5, release=1), milestone(3, release=1)]
    result = run(items, [link(1, 2), link(1, 3, "FS", 5)], releases=releases)
    assert [result.items[i].start for i in (1, 2, 3)] == [mar(4), mar(4), mar(11)]
    assert result.releases[1].late_by == 1
    kickoff = result.items[1]
    assert (kickoff.total_slack, kickoff.late_start, kickoff.critical) == (-1, mar(1), True)
    assert result.items[2].total_slack == 0


def test_release_without_target_ends_on_the_day_its_last_milestone_shows() -> None:
    items = [task(1, 5, release=1), milestone(2, release=1, not_before=mar(11))]
    result = run(items, releases=[ReleaseBounds(1)])
    assert result.releases[1].finish == mar(11)
    # The task may finish on Monday without moving the release.
    assert (result.items[1].total_slack, result.items[1].late_finish) == (1, mar(11))
    assert (result.items[2].total_slack, result.items[2].late_start) == (0, mar(11))


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


def test_phases_roll_up_the_day_their_milestones_show() -> None:
    items = [phase(10), milestone(1, parent=10), milestone(2, parent=10, not_before=mar(10))]
    items += [phase(11), milestone(3, parent=11), task(4, 2, parent=11)]
    result = run(items, [link(3, 4)])
    assert span(result, 10) == (mar(4), mar(11))
    assert span(result, 11) == (mar(4), mar(5))
    # Nothing follows the kickoff, so it could happen as late as the plan's last day.
    assert (result.items[1].total_slack, result.items[1].late_start) == (5, mar(11))
    assert (result.items[10].late_start, result.items[10].late_finish) == (mar(11), mar(11))


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


def test_milestone_actual_start_alone_pins_it_to_the_start_of_that_day() -> None:
    items = [task(1, 5), milestone(2, actual_start=mar(6)), task(3, 1)]
    result = run(items, [link(1, 2), link(2, 3)])
    assert span(result, 2) == (mar(6), mar(6))
    assert span(result, 3) == (mar(6), mar(6))
    sunday = run([milestone(1, actual_start=mar(10))])
    assert span(sunday, 1) == (mar(11), mar(11))


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


def test_cycle_through_milestones_names_them() -> None:
    items = [task(1, 1), milestone(2), milestone(3), task(4, 1)]
    links = [link(1, 2), link(2, 3, "SS"), link(3, 1, "FF"), link(3, 4)]
    with pytest.raises(CycleError) as caught:
        run(items, links)
    assert caught.value.cycles == [["A-1", "A-2", "A-3"]]


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
            items.append(task(i, draw(st.integers(0, 6)), not_before=not_before))
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


Moment = tuple[int, int]  # working-day index; 0 for the end of the day before, 1 its start


def _is_point(item: ScheduleItem) -> bool:
    return item.kind == "milestone" or item.duration == 0


def _moments(
    items: Sequence[ScheduleItem],
    links: Sequence[ScheduleLink],
    calendar: WorkCalendar,
    floor: dict[int, Moment] | None = None,
) -> dict[int, Moment]:
    """Early moments read off ARCHITECTURE.md literally, relaxing links until nothing moves.

    A task's moment is its start, always at the start of a day. ``floor`` adds lower bounds,
    to see what slipping an item would do.
    """
    base = calendar.index_on_or_after(MON)
    by_id = {item.id: item for item in items}
    at: dict[int, Moment] = {}
    for item in items:
        lower = base
        if item.not_before is not None:
            lower = max(lower, calendar.index_on_or_after(item.not_before))
        at[item.id] = max((lower, 1), (floor or {}).get(item.id, (lower, 1)))
    moved = True
    while moved:
        moved = False
        for lk in sorted(links, key=lambda lk: lk.successor):
            pred, succ = by_id[lk.predecessor], by_id[lk.successor]
            index, when = at[pred.id]
            if not _is_point(pred) and lk.type in ("FS", "FF"):
                index, when = index + pred.duration, 0
            index += lk.lag
            if not _is_point(succ):
                when = 1
                if lk.type in ("FF", "SF"):
                    index -= succ.duration
            if (index, when) > at[succ.id]:
                at[succ.id] = (index, when)
                moved = True
    return at


def _shown(calendar: WorkCalendar, item: ScheduleItem, moment: Moment) -> tuple[date, date]:
    index, when = moment
    if _is_point(item):
        day = calendar.date_of(index - 1 + when)
        return day, day
    return calendar.date_of(index), calendar.date_of(index + item.duration - 1)


def _plan_end(items: Sequence[ScheduleItem], at: dict[int, Moment]) -> int:
    """One past the last working day anything shows on."""
    return max(at[i.id][0] + (at[i.id][1] if _is_point(i) else i.duration) for i in items)


@settings(max_examples=150, deadline=None)
@given(dags())
def test_random_dags_follow_the_rule_and_slack_is_how_far_an_item_can_slip(
    network: tuple[list[ScheduleItem], list[ScheduleLink], WorkCalendar],
) -> None:
    items, links, calendar = network
    result = schedule(items, links, calendar, plan_start=MON)
    early = _moments(items, links, calendar)
    for item in items:
        dates = result.items[item.id]
        assert (dates.start, dates.finish) == _shown(calendar, item, early[item.id])
    end = _plan_end(items, early)
    successors: dict[int, list[int]] = {item.id: [] for item in items}
    for lk in links:
        successors[lk.predecessor].append(lk.successor)

    for item in items:
        dates = result.items[item.id]
        total, free = dates.total_slack, dates.free_slack
        assert dates.critical == (total == 0)
        assert 0 <= free <= total
        # Late dates keep the time of day: they lie ``total`` working days after the early.
        late = [calendar.index_on_or_after(day) + total for day in (dates.start, dates.finish)]
        assert [dates.late_start, dates.late_finish] == list(map(calendar.date_of, late))
        index, when = early[item.id]

        def slip(
            days: int, item_id: int = item.id, index: int = index, when: int = when
        ) -> dict[int, Moment]:
            return _moments(items, links, calendar, {item_id: (index + days, when)})

        # Slipping an item by its total slack leaves the plan's last day where it was; one
        # day more moves it.
        assert _plan_end(items, slip(total)) == end
        assert _plan_end(items, slip(total + 1)) > end
        # Slipping it by its free slack moves no successor; one day more moves one, unless
        # that already moves the plan's end.
        after = slip(free)
        assert all(after[v] == early[v] for v in successors[item.id])
        if free < total:
            after = slip(free + 1)
            assert any(after[v] != early[v] for v in successors[item.id])

    critical = [item.id for item in items if result.items[item.id].critical]
    assert sorted(result.critical_path) == sorted(critical)
    starts = [result.items[i].start for i in result.critical_path]
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
    assert outcome.slack is not None and outcome.finish is not None
    assert outcome.late_by == max(0, -outcome.slack)
    assert outcome.finish == max(dates.finish for dates in result.items.values())
    # Late by the working days the last day shown lies past the target.
    shown_past = calendar.index_on_or_after(outcome.finish) - calendar.index_on_or_before(target)
    assert outcome.late_by == max(0, shown_past)


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
