"""The release train's geometry: lanes, segments, markers, ticks, glyphs, tracks and bands."""

from __future__ import annotations

import datetime as dt

from app.plan_data import ReleaseRow
from app.release_train import (
    Collision,
    CollisionKind,
    Train,
    TrainDeployment,
    TrainEnvironment,
    TrainWindow,
)
from app.timeline.background import BandKind, MarkerKind
from app.timeline.lanes import (
    ALL_ENVIRONMENTS,
    LaneMetrics,
    Segment,
    frame,
    lane,
    locate,
    tip_at,
    track_names,
    train_span,
)
from app.timeline.scale import TimeScale

D = dt.date
MON = D(2026, 11, 30)
SCALE = TimeScale(MON, 10.0)
METRICS = LaneMetrics(track_height=20.0, lane_height=50.0, gap=6.0)
PROD = TrainEnvironment(4, "prod", "production")
DEV = TrainEnvironment(1, "dev", "development")


def release(
    release_id: int,
    start: dt.date,
    *,
    ff: dt.date | None = None,
    cf: dt.date | None = None,
    target: dt.date | None = None,
    finish: dt.date | None = None,
    actual: dt.date | None = None,
    late_by: int = 0,
) -> ReleaseRow:
    return ReleaseRow(
        id=release_id,
        name=f"R{release_id}",
        version=f"{release_id}.0",
        status="planned",
        owner="",
        start_date=start,
        feature_freeze=ff,
        code_freeze=cf,
        target_date=target,
        actual_date=actual,
        description="",
        item_count=0,
        finish=finish,
        late_by=late_by,
    )


def train(
    releases: list[ReleaseRow],
    windows: tuple[TrainWindow, ...] = (),
    deployments: tuple[TrainDeployment, ...] = (),
    collisions: tuple[Collision, ...] = (),
) -> Train:
    return Train(
        releases=tuple(releases),
        environments=(DEV, PROD),
        windows=windows,
        holidays=frozenset(),
        workdays=frozenset(range(5)),
        deployments=deployments,
        collisions=collisions,
    )


LATE = release(
    1,
    MON,
    ff=D(2026, 12, 4),
    cf=D(2026, 12, 9),
    target=D(2026, 12, 11),
    finish=D(2026, 12, 15),
    late_by=2,
)


def test_a_span_is_cut_at_its_freezes_and_target_and_slips_past_the_target() -> None:
    built = lane(train([LATE]), 0, SCALE, METRICS, tracks=0)
    assert [(p.segment, p.x0, p.x1) for p in built.pieces] == [
        (Segment.BUILD, 0, 50),  # Mon 30 Nov to the end of Fri 4 Dec
        (Segment.STABILISE, 50, 100),
        (Segment.HARDEN, 100, 120),
        (Segment.SLIP, 120, 160),  # to the end of the scheduled finish, Tue 15 Dec
    ]
    assert built.pieces[1].label == "R1 stabilise: 2026-12-05 to 2026-12-09"
    assert (built.pieces[0].y0, built.pieces[0].y1) == (17, 30)
    assert built.late_label == "late by 2 working days"
    assert built.late_x == 160


def test_markers_sit_at_the_ends_of_their_days_on_the_bar() -> None:
    built = lane(train([LATE]), 0, SCALE, METRICS, tracks=0)
    assert [(m.kind, m.x, m.y) for m in built.markers] == [
        (MarkerKind.FEATURE_FREEZE, 50, 23.5),
        (MarkerKind.CODE_FREEZE, 100, 23.5),
        (MarkerKind.TARGET, 120, 23.5),
    ]
    assert built.markers[2].label == "R1 target: 2026-12-11"


def test_an_early_release_ends_at_its_finish_and_a_shipped_one_at_its_actual_date() -> None:
    early = release(1, MON, target=D(2026, 12, 11), finish=D(2026, 12, 9))
    shipped = release(2, MON, target=D(2026, 12, 11), finish=D(2026, 12, 9), actual=D(2026, 12, 14))
    built = train([early, shipped])
    assert [(p.segment, p.x1) for p in lane(built, 0, SCALE, METRICS, 0).pieces] == [
        (Segment.BUILD, 100)
    ]
    second = lane(built, 1, SCALE, METRICS, 0)
    assert [(p.segment, p.x1) for p in second.pieces] == [
        (Segment.BUILD, 120),
        (Segment.SLIP, 150),
    ]
    assert second.y0 == 50
    assert second.late_label == ""  # history, not a forecast
    assert [m.kind for m in second.markers] == [MarkerKind.TARGET, MarkerKind.ACTUAL]


def test_a_release_without_dates_has_an_empty_lane() -> None:
    built = lane(train([release(1, MON)]), 0, SCALE, METRICS, 0)
    assert built.pieces == () and built.markers == ()


def test_deployments_are_ticks_at_their_time_of_day_taller_for_production() -> None:
    evening = dt.datetime(2026, 12, 2, 18)
    ticks = (
        TrainDeployment(7, 1, PROD, evening, evening, "planned", False),
        TrainDeployment(8, 1, DEV, evening, evening, "failed", True),
    )
    built = lane(train([LATE], deployments=ticks), 0, SCALE, METRICS, 0)
    assert [(t.deployment_id, t.x, t.y0, t.y1, t.outcome) for t in built.ticks] == [
        (7, 27.5, 33, 46, "planned"),
        (8, 27.5, 33, 41, "failed"),
    ]
    assert built.ticks[0].label == "Deployment to prod: 2026-12-02 18:00–18:00, planned"


def test_collisions_show_on_every_lane_they_concern_stacked_at_one_spot() -> None:
    other = release(2, MON, target=D(2026, 12, 11))
    found = (
        Collision(
            CollisionKind.GO_LIVES_CLOSE, "close", ((1, D(2026, 12, 11)), (2, D(2026, 12, 11)))
        ),
        Collision(CollisionKind.GO_LIVE_IN_WINDOW, "frozen", ((1, D(2026, 12, 11)),)),
        Collision(CollisionKind.DEPLOYMENT_IN_WINDOW, "deploy", ((1, D(2026, 12, 2)),)),
    )
    built = train([LATE, other], collisions=found)
    first = lane(built, 0, SCALE, METRICS, 0)
    assert [(g.x, g.collisions, g.label) for g in first.glyphs] == [
        (25, (2,), "deploy"),  # mid-day: a deployment is a moment in its day
        (120, (0, 1), "close\nfrozen"),  # on the target marker
    ]
    assert (first.glyphs[0].y, first.glyphs[0].y0, first.glyphs[0].y1) == (7.5, 14, 33)
    assert [g.collisions for g in lane(built, 1, SCALE, METRICS, 0).glyphs] == [(0,)]
    assert locate(built, 1, SCALE, METRICS) == (120, 23.5)


FREEZE = TrainWindow(1, "freeze", "Year-end", D(2026, 12, 18), D(2027, 1, 3), None)
BLACKOUT = TrainWindow(2, "blackout", "Close", D(2026, 12, 7), D(2026, 12, 8), PROD)
CHANGE = TrainWindow(3, "change_window", "Patch night", D(2026, 12, 3), D(2026, 12, 3), None)


def test_environment_windows_get_a_track_and_plan_wide_freezes_stand_behind_the_lanes() -> None:
    built = train([LATE, release(2, MON)], windows=(FREEZE, BLACKOUT, CHANGE))
    assert track_names(built) == ["prod", ALL_ENVIRONMENTS]
    chart = frame(built, SCALE, METRICS, 0, 400, 0, 500, today=D(2026, 12, 2))
    assert [
        (t.name, t.y0, [(b.x0, b.x1, b.window.name) for b in t.bands]) for t in chart.tracks
    ] == [
        ("prod", 0, [(70, 90, "Close")]),
        (ALL_ENVIRONMENTS, 20, [(30, 40, "Patch night")]),
    ]
    freezes = [b for b in chart.background.bands if b.kind is BandKind.FREEZE]
    assert [(b.x0, b.x1, b.label) for b in freezes] == [(180, 350, "Year-end")]
    assert [m.kind for m in chart.background.markers] == [MarkerKind.TODAY]
    # Lanes start below the tracks and a gap.
    assert [(lane.index, lane.y0) for lane in chart.lanes] == [(0, 46), (1, 96)]


def test_a_frame_builds_only_the_lanes_and_shapes_it_shows() -> None:
    releases = [release(n, MON, target=D(2026, 12, 11)) for n in range(1, 101)]
    chart = frame(train(releases), SCALE, METRICS, 0, 100, 1000, 1120)
    assert [lane.index for lane in chart.lanes] == [20, 21, 22]
    assert all(not lane.markers for lane in chart.lanes)  # the target is right of x = 100


def test_tooltips_name_what_is_under_the_pointer() -> None:
    found = (Collision(CollisionKind.LATE, "R1 is late.", ((1, D(2026, 12, 15)),)),)
    built = train([LATE], windows=(FREEZE, BLACKOUT), collisions=found)
    chart = frame(built, SCALE, METRICS, 0, 400, 0, 300)
    top = chart.lanes[0].y0
    assert tip_at(chart, 160, top + 8) == "R1 is late."
    assert tip_at(chart, 101, top + 23) == "R1 code freeze: 2026-12-09"
    assert tip_at(chart, 30, top + 23) == "R1 build: 2026-11-30 to 2026-12-04"
    assert tip_at(chart, 75, 10) == "Close on prod (2026-12-07 to 2026-12-08)"
    assert tip_at(chart, 250, top + 45) == "Year-end"
    assert tip_at(chart, 380, top + 45) == ""


def test_the_span_of_a_train_covers_every_release_and_deployment() -> None:
    late_deploy = dt.datetime(2027, 1, 20, 19)
    built = train(
        [LATE, release(2, D(2026, 11, 2), target=D(2026, 11, 20))],
        deployments=(TrainDeployment(1, 1, PROD, late_deploy, late_deploy, "planned", False),),
    )
    assert train_span(built) == (D(2026, 11, 2), D(2027, 1, 20))
    assert train_span(train([])) is None


def test_lanes_are_found_by_height() -> None:
    assert METRICS.lane_at(45, tracks=2, lanes=3) is None  # the gap below the tracks
    assert METRICS.lane_at(46, tracks=2, lanes=3) == 0
    assert METRICS.lane_at(195, tracks=2, lanes=3) == 2
    assert METRICS.lane_at(196, tracks=2, lanes=3) is None
