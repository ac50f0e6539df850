"""Chart geometry without a display: the time scale, header tiers, bars, connectors, backgrounds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.timeline.background import BandKind, MarkerKind, background, nonworking_spans
from app.timeline.layout import BarKind, RowMetrics, bar_for, frame, route
from app.timeline.plan_rows import PlanRows
from app.timeline.scale import (
    TimeScale,
    Unit,
    char_fits,
    fit_day_width,
    step_in,
    step_out,
    tier,
)
from app.timeline.snapping import duration_to, finish_of, moved_start, plan_calendar, shifted, snap
from tests.app.plan_factory import make_plan, plan_for

D = dt.date
MON = D(2026, 11, 30)  # a Monday
SCALE = TimeScale(MON, 10.0)
METRICS = RowMetrics(height=20.0, milestone_size=10.0)


@dataclass(frozen=True)
class Item:
    id: int
    start: dt.date | None
    finish: dt.date | None
    kind: str = "task"
    key: str = ""
    name: str = ""
    late_finish: dt.date | None = None
    total_slack: int | None = 0
    critical: bool = False
    percent_complete: int = 0


@dataclass(frozen=True)
class Link:
    id: int
    predecessor_id: int
    successor_id: int
    type: str = "FS"
    lag: int = 0


class Rows:
    """A chart's rows that counts the items a frame asks for."""

    def __init__(self, items: list[Item], links: list[Link]) -> None:
        self.items = items
        self.link_list = links
        self.asked: list[int] = []

    def __len__(self) -> int:
        return len(self.items)

    def item(self, row: int) -> Item:
        self.asked.append(row)
        return self.items[row]

    def row_of(self, item_id: int) -> int | None:
        return next((n for n, i in enumerate(self.items) if i.id == item_id), None)

    def links(self, item_id: int) -> Iterable[Link]:
        return [k for k in self.link_list if item_id in (k.predecessor_id, k.successor_id)]


# -- the time scale -----------------------------------------------------------------------------


def test_days_map_to_x_and_back() -> None:
    assert SCALE.x(MON) == 0
    assert SCALE.x_after(MON) == 10
    assert SCALE.x(D(2026, 12, 7)) == 70
    assert SCALE.date_at(69.9) == D(2026, 12, 6)
    assert SCALE.date_at(-0.1) == D(2026, 11, 29)
    assert SCALE.days_in(26) == 3


def test_zoom_keeps_the_moment_under_the_anchor() -> None:
    zoomed, x = SCALE.zoomed(20.0, anchor_x=35.0)
    assert zoomed.day_width == 20.0
    assert x == 70.0
    assert zoomed.date_at(x) == SCALE.date_at(35.0)


def test_zoom_steps_move_one_step_and_stop_at_the_ends() -> None:
    assert step_in(10.0) == 16.0
    assert step_out(10.0) == 6.0
    assert step_in(1000.0) == step_in(step_in(1000.0))
    assert step_out(0.01) == step_out(step_out(0.01))


def test_fit_shows_the_whole_span() -> None:
    width = fit_day_width(D(2026, 1, 1), D(2026, 12, 31), 1460.0)
    assert width == pytest.approx(4.0)


@pytest.mark.parametrize(
    ("day_width", "units"),
    [
        (30.0, (Unit.WEEK, Unit.DAY)),
        (8.0, (Unit.MONTH, Unit.WEEK)),
        (2.0, (Unit.QUARTER, Unit.MONTH)),
        (0.6, (Unit.YEAR, Unit.QUARTER)),
    ],
)
def test_header_tiers_follow_the_zoom(day_width: float, units: tuple[Unit, Unit]) -> None:
    assert TimeScale(MON, day_width).units() == units


def test_a_tier_covers_the_window_with_the_longest_label_that_fits() -> None:
    months = tier(SCALE, Unit.MONTH, 0, 400, char_fits(7.0))
    assert [c.first for c in months] == [D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)]
    assert months[1].x0 == SCALE.x(D(2026, 12, 1))
    assert months[1].label == "December 2026"
    weeks = tier(TimeScale(MON, 4.0), Unit.WEEK, 0, 100, char_fits(7.0))
    assert weeks[0].label in ("W49", "30", "")  # 28 units wide: only a short form fits
    assert all(c.x1 - c.x0 == 28 for c in weeks)


# -- bars ---------------------------------------------------------------------------------------


def test_a_task_spans_its_days_with_progress_and_a_slack_tail() -> None:
    item = Item(1, MON, D(2026, 12, 2), percent_complete=50, late_finish=D(2026, 12, 4),
                total_slack=2, name="Build")  # fmt: skip
    bar = bar_for(item, 3, SCALE, METRICS)
    assert bar is not None
    assert (bar.x0, bar.x1) == (0, 30)
    assert bar.progress_x == 15
    assert bar.slack_x == 50
    assert METRICS.top(3) < bar.y0 < bar.y1 < METRICS.top(4)
    assert bar.late_by == 0 and bar.label == "Build"


def test_a_late_item_says_by_how_many_days() -> None:
    bar = bar_for(Item(1, MON, MON, total_slack=-3, critical=True), 0, SCALE, METRICS)
    assert bar is not None and bar.late_by == 3 and bar.critical
    assert bar.slack_x == bar.x1


def test_a_milestone_is_a_diamond_in_the_middle_of_its_day() -> None:
    bar = bar_for(Item(1, MON, MON, kind="milestone"), 0, SCALE, METRICS)
    assert bar is not None and bar.kind is BarKind.MILESTONE
    assert bar.x0 == bar.x1 == 5
    assert bar.y1 - bar.y0 == METRICS.milestone_size
    assert (bar.left, bar.right) == (0, 10)


def test_a_baseline_moves_the_bar_up_and_sits_under_it() -> None:
    item = Item(1, D(2026, 12, 2), D(2026, 12, 3))
    plain = bar_for(item, 0, SCALE, METRICS)
    shown = bar_for(item, 0, SCALE, METRICS, lambda _id: (MON, D(2026, 12, 1)))
    assert plain is not None and shown is not None
    assert shown.baseline == (0, 20)
    assert shown.y0 < plain.y0
    assert shown.y1 <= METRICS.baseline_span(0)[0]


def test_an_item_without_dates_has_no_bar() -> None:
    assert bar_for(Item(1, None, None), 0, SCALE, METRICS) is None


# -- connectors, named after the link types -----------------------------------------------------


def _bars(pred: Item, succ: Item, pred_row: int = 0, succ_row: int = 2):  # type: ignore[no-untyped-def]
    a = bar_for(pred, pred_row, SCALE, METRICS)
    b = bar_for(succ, succ_row, SCALE, METRICS)
    assert a is not None and b is not None
    return a, b


def _orthogonal(points: tuple[tuple[float, float], ...]) -> bool:
    return all(p[0] == q[0] or p[1] == q[1] for p, q in zip(points, points[1:], strict=False))


def test_fs_chain_runs_from_the_end_down_into_the_start() -> None:
    a, b = _bars(Item(1, MON, D(2026, 12, 1)), Item(2, D(2026, 12, 4), D(2026, 12, 4)))
    path = route(9, "FS", a, b, METRICS).points
    assert path[0] == (a.right, a.middle)
    assert path[-1] == (b.left, b.middle)
    assert len(path) == 4 and _orthogonal(path)
    assert path[-2][0] < path[-1][0]  # the arrow points right, into the start


def test_fs_overlap_turns_back_along_the_row_boundary() -> None:
    a, b = _bars(Item(1, MON, D(2026, 12, 4)), Item(2, MON, D(2026, 12, 1)))
    path = route(9, "FS", a, b, METRICS).points
    assert len(path) == 6 and _orthogonal(path)
    assert path[2][1] == METRICS.top(b.row)  # the lane between the rows
    assert path[-1] == (b.left, b.middle)


def test_ss_leaves_the_start_and_enters_the_start() -> None:
    a, b = _bars(Item(1, D(2026, 12, 2), D(2026, 12, 4)), Item(2, MON, D(2026, 12, 1)))
    path = route(9, "SS", a, b, METRICS).points
    assert path[0] == (a.left, a.middle) and path[-1] == (b.left, b.middle)
    assert path[1][0] < min(a.left, b.left)  # the vertical run lies left of both starts
    assert len(path) == 4


def test_ff_leaves_the_end_and_enters_the_end_from_the_right() -> None:
    a, b = _bars(Item(1, MON, D(2026, 12, 1)), Item(2, MON, D(2026, 12, 3)))
    path = route(9, "FF", a, b, METRICS).points
    assert path[0] == (a.right, a.middle) and path[-1] == (b.right, b.middle)
    assert path[-2][0] > path[-1][0]  # the arrow points left, into the end
    assert len(path) == 4


def test_sf_goes_round_when_the_end_lies_right_of_the_start() -> None:
    a, b = _bars(Item(1, MON, D(2026, 12, 1)), Item(2, MON, D(2026, 12, 3)))
    path = route(9, "SF", a, b, METRICS).points
    assert path[0] == (a.left, a.middle) and path[-1] == (b.right, b.middle)
    assert len(path) == 6 and _orthogonal(path)


def test_a_link_upwards_runs_along_the_boundary_below_the_successor() -> None:
    a, b = _bars(Item(1, MON, D(2026, 12, 4)), Item(2, MON, MON), pred_row=4, succ_row=1)
    path = route(9, "FS", a, b, METRICS).points
    assert path[2][1] == METRICS.top(2)


# -- frames -------------------------------------------------------------------------------------


def test_a_frame_reads_only_the_visible_rows_and_the_ends_of_their_links() -> None:
    items = [Item(n, MON + dt.timedelta(days=n), MON + dt.timedelta(days=n)) for n in range(1000)]
    links = [Link(n, n, n + 1) for n in range(999)]
    rows = Rows(items, links)
    shown = frame(rows, range(500, 520), SCALE, METRICS)
    assert [b.row for b in shown.bars] == list(range(500, 520))
    assert len(shown.connectors) == 21  # 19 inside, one in from row 499, one out to row 520
    assert set(rows.asked) == set(range(499, 521))


def test_a_frame_marks_links_between_critical_items() -> None:
    items = [Item(1, MON, MON, critical=True), Item(2, D(2026, 12, 2), D(2026, 12, 2),
             critical=True), Item(3, D(2026, 12, 2), D(2026, 12, 2))]  # fmt: skip
    shown = frame(Rows(items, [Link(1, 1, 2), Link(2, 1, 3)]), range(3), SCALE, METRICS)
    assert {c.link_id: c.critical for c in shown.connectors} == {1: True, 2: False}


# -- backgrounds --------------------------------------------------------------------------------


def test_weekends_follow_the_plan_work_week() -> None:
    sun_to_thu = frozenset({6, 0, 1, 2, 3})
    spans = nonworking_spans(SCALE, 0, 140, sun_to_thu, frozenset())
    assert [(b.first, b.last) for b in spans] == [
        (D(2026, 12, 4), D(2026, 12, 5)),
        (D(2026, 12, 11), D(2026, 12, 12)),
    ]


def test_holidays_windows_and_markers_land_on_their_days() -> None:
    @dataclass(frozen=True)
    class Window:
        kind: str
        name: str
        start_date: dt.date
        end_date: dt.date

    @dataclass(frozen=True)
    class Release:
        name: str
        start_date: dt.date | None = None
        feature_freeze: dt.date | None = None
        code_freeze: dt.date | None = None
        target_date: dt.date | None = None
        actual_date: dt.date | None = None

    shown = background(
        SCALE,
        0,
        400,
        workdays=frozenset(range(5)),
        holidays=frozenset({D(2026, 12, 3)}),
        windows=[
            Window("holiday", "Founders day", D(2026, 12, 3), D(2026, 12, 3)),
            Window("freeze", "Year-end freeze", D(2026, 12, 14), D(2027, 1, 4)),
            Window("change_window", "Far away", D(2027, 6, 1), D(2027, 6, 1)),
        ],
        releases=[Release("Atlas 3.6", target_date=D(2026, 12, 11))],
        today=D(2026, 12, 1),
    )
    kinds = [b.kind for b in shown.bands]
    assert BandKind.FREEZE in kinds and BandKind.CHANGE_WINDOW not in kinds
    holiday = next(b for b in shown.bands if b.kind is BandKind.HOLIDAY)
    assert (holiday.x0, holiday.x1, holiday.label) == (30, 40, "Founders day")
    assert kinds.index(BandKind.FREEZE) > kinds.index(BandKind.HOLIDAY)
    markers = {m.kind: m for m in shown.markers}
    assert markers[MarkerKind.TARGET].x == SCALE.x_after(D(2026, 12, 11))
    assert markers[MarkerKind.TODAY].x == 15


def test_days_are_not_shaded_when_too_thin_to_see() -> None:
    thin = TimeScale(MON, 1.0)
    assert nonworking_spans(thin, 0, 400, frozenset(range(5)), frozenset()) == []


# -- snapping drags to working days -------------------------------------------------------------

FRI = D(2026, 12, 4)
CALENDAR = plan_calendar(range(5), [D(2026, 12, 8)])  # Mon-Fri; Tuesday 8 Dec is a holiday


def test_a_start_snaps_forward_to_a_working_day() -> None:
    assert snap(CALENDAR, D(2026, 12, 5)) == D(2026, 12, 7)  # Saturday -> Monday
    assert snap(CALENDAR, D(2026, 12, 8)) == D(2026, 12, 9)  # the holiday -> Wednesday
    assert snap(CALENDAR, FRI) == FRI


def test_a_moved_start_skips_the_weekend_and_counts_working_days() -> None:
    assert moved_start(CALENDAR, FRI, 1) == (D(2026, 12, 7), 1)  # onto Saturday: Monday
    assert moved_start(CALENDAR, FRI, 4) == (D(2026, 12, 9), 2)  # over the holiday
    assert moved_start(CALENDAR, FRI, -4) == (MON, -4)
    assert moved_start(CALENDAR, FRI, 0) == (FRI, 0)
    assert shifted(CALENDAR, FRI, 2) == D(2026, 12, 9)
    assert shifted(CALENDAR, D(2026, 12, 9), -2) == FRI


def test_a_duration_counts_working_days_and_keeps_at_least_one() -> None:
    assert duration_to(CALENDAR, FRI, D(2026, 12, 9)) == 3  # Fri, Mon, (holiday), Wed
    assert duration_to(CALENDAR, FRI, D(2026, 12, 6)) == 1  # a weekend adds nothing
    assert duration_to(CALENDAR, FRI, MON) == 1  # before the start: still one day
    assert finish_of(CALENDAR, FRI, 3) == D(2026, 12, 9)
    assert finish_of(CALENDAR, FRI, 0) == FRI


# -- plan rows ------------------------------------------------------------------------------------


def test_plan_rows_fold_phases_and_notice_a_changed_outline(tmp_path: Path) -> None:
    plan = plan_for(make_plan(tmp_path / "p.gantry"))
    try:
        release = plan.releases.find("R1").id
        rows = PlanRows(plan.state, release)
        assert [rows.item(r).key for r in range(len(rows))] == ["R1-P", "A", "B", "C", "M"]
        assert rows.depth(1) == 1 and rows.row_of(plan.work_items.find("M").id) == 4
        phase = plan.work_items.find("R1-P").id
        assert rows.toggle(phase) and [rows.item(r).key for r in range(len(rows))] == ["R1-P", "M"]
        assert not rows.toggle(plan.work_items.find("M").id)  # nothing under a milestone
        plan.work_items.update(plan.work_items.find("A").id, "duration", 4)
        assert not rows.outline_changed()  # dates moved, the outline did not
        plan.work_items.create(release, "task", "Extra")
        assert rows.outline_changed()
        rows.rebuild()
        assert not rows.outline_changed() and len(rows) == 3
    finally:
        plan.close()


def test_a_slack_tail_runs_under_the_bar_or_under_its_baseline() -> None:
    item = Item(1, MON, MON, late_finish=D(2026, 12, 3), total_slack=3)
    plain = bar_for(item, 2, SCALE, METRICS)
    shown = bar_for(item, 2, SCALE, METRICS, lambda _id: (MON, MON))
    assert plain is not None and shown is not None
    assert plain.y1 < plain.slack_y < METRICS.top(3)
    assert METRICS.baseline_span(2)[1] < shown.slack_y < METRICS.top(3)
