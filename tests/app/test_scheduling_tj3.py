"""Cross-checks the engine's dates against TaskJuggler (tj3) on small seeded networks."""

from __future__ import annotations

from datetime import date

import pytest

from app.scheduling import ScheduleItem, ScheduleLink
from tests.app.tj3_support import (
    Network,
    compare,
    our_dates,
    random_network,
    tj3_dates,
    tj3_path,
    to_tjp,
)

pytestmark = pytest.mark.skipif(
    tj3_path() is None, reason="tj3 (TaskJuggler, Debian package tj3) is not on PATH"
)


def jan(day: int) -> date:
    return date(2024, 1, day)  # 1 January 2024 is a Monday and the project start


def task(item_id: int, duration: int, **fields: object) -> ScheduleItem:
    return ScheduleItem(item_id, f"N-{item_id}", "task", duration, **fields)  # type: ignore[arg-type]


def milestone(item_id: int, **fields: object) -> ScheduleItem:
    return ScheduleItem(item_id, f"N-{item_id}", "milestone", 0, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("seed", "size"), [(1, 30), (2, 45), (3, 60)])
def test_random_fs_ss_network_matches_taskjuggler(seed: int, size: int) -> None:
    result = compare(random_network(seed, size))
    assert result.compared == size
    assert result.milestones > 0
    assert result.mismatches == ()


def test_generated_networks_exercise_lags_holidays_start_bounds_and_milestones() -> None:
    network = random_network(3, 60)
    source = to_tjp(network, network.holidays[-1])
    assert "onstart" in source and "gaplength" in source and "leaves holiday" in source
    assert any(item.not_before and item.not_before.weekday() >= 5 for item in network.items)
    milestones = {item.id for item in network.items if item.kind == "milestone"}
    weekend = [
        i
        for i in network.items
        if i.id in milestones and i.not_before and i.not_before.weekday() >= 5
    ]
    assert weekend
    into = [link for link in network.links if link.successor in milestones]
    assert {link.type for link in into} == {"FS", "SS"}
    assert any(link.predecessor in milestones for link in into)
    assert compare(network).gap_convention  # the documented difference occurs here too


def test_milestone_placements_match_taskjuggler() -> None:
    items = [
        milestone(1),  # kickoff: the start of the project's Monday
        task(2, 5),
        milestone(3),  # after task 2's finish: the end of Friday
        milestone(4),  # SS from task 2: the start of Monday
        milestone(5, not_before=jan(7)),  # not before a Sunday: the start of Monday
        milestone(6, not_before=jan(8)),  # a finish and a start at one index: the start
        milestone(7),  # two days after the end of Friday: the end of Tuesday
        task(8, 1),
        task(9, 1),
        milestone(10),  # SS from a task that follows a finish: the start of its day
    ]
    links = [
        ScheduleLink(2, 3),
        ScheduleLink(2, 4, "SS"),
        ScheduleLink(2, 6),
        ScheduleLink(3, 7, "FS", 2),
        ScheduleLink(5, 8),
        ScheduleLink(3, 9),
        ScheduleLink(9, 10, "SS"),
    ]
    network = Network(tuple(items), tuple(links), (jan(10),))
    ours = our_dates(network)
    shown = {i: ours[i][0] for i in (1, 3, 4, 5, 6, 7, 10)}
    assert shown == {
        1: jan(1),
        3: jan(5),
        4: jan(1),
        5: jan(8),
        6: jan(8),
        7: jan(9),
        10: jan(8),
    }
    assert ours[8] == ours[9] == (jan(8), jan(8))
    assert tj3_dates(network, jan(31)) == ours


def test_a_gap_from_the_start_of_a_day_is_where_taskjuggler_differs() -> None:
    # tj3 counts a gap as working time and places the milestone where it has elapsed, the
    # end of a day; ARCHITECTURE.md keeps the time of day, as MS Project does for lags. It is
    # one working-time instant either way, so the task after it starts on the same day.
    items = [milestone(1, not_before=jan(7)), milestone(2), task(3, 1), task(4, 3), milestone(5)]
    links = [ScheduleLink(1, 2, "FS", 2), ScheduleLink(2, 3), ScheduleLink(4, 5, "SS", 2)]
    network = Network(tuple(items), tuple(links), ())
    ours, theirs = our_dates(network), tj3_dates(network, jan(31))
    assert (ours[2], theirs[2]) == ((jan(10), jan(10)), (jan(9), jan(9)))
    assert (ours[5], theirs[5]) == ((jan(3), jan(3)), (jan(2), jan(2)))
    assert ours[3] == theirs[3] == (jan(10), jan(10))
    result = compare(network)
    assert result.mismatches == ()
    assert result.gap_convention == (
        "N-2: gantry 2024-01-10, tj3 2024-01-09",
        "N-5: gantry 2024-01-03, tj3 2024-01-02",
    )
