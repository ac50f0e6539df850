"""Which version was where and when: bands from deployments, on plain rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.environment_timeline import BandState, build_timeline


@dataclass(frozen=True)
class Env:
    id: int
    name: str
    tier: str = "production"
    owner: str = ""


@dataclass(frozen=True)
class Dep:
    id: int
    release_id: int
    day: int
    outcome: str
    environment_id: int = 1
    actual_minutes: int | None = None
    incident_ref: str = ""

    @property
    def window_start(self) -> dt.datetime:
        return dt.datetime(2027, 3, self.day, 19)

    @property
    def window_end(self) -> dt.datetime:
        return dt.datetime(2027, 3, self.day, 21)

    @property
    def actual_start(self) -> dt.datetime | None:
        return None if self.actual_minutes is None else dt.datetime(2027, 3, self.day, 19, 5)

    @property
    def actual_end(self) -> dt.datetime | None:
        if self.actual_start is None or self.actual_minutes is None:
            return None
        return self.actual_start + dt.timedelta(minutes=self.actual_minutes)


LABELS = {1: "3.4", 2: "3.5", 3: "3.6"}


def bands(*deployments: Dep) -> list[tuple[str, int, int | None, str]]:
    """(version, first day, last day or None, state) of the one lane's bands."""
    (lane,) = build_timeline([Env(1, "prod")], deployments, LABELS).lanes
    return [
        (b.label, b.start.day, None if b.end is None else b.end.day, b.state.value)
        for b in lane.bands
    ]


def test_a_success_is_live_until_the_next_success_replaces_it() -> None:
    assert bands(Dep(1, 1, 2, "succeeded"), Dep(2, 2, 9, "succeeded")) == [
        ("3.4", 2, 9, "live"),
        ("3.5", 9, None, "live"),
    ]


def test_a_new_build_of_the_live_release_continues_its_band() -> None:
    assert bands(
        Dep(1, 1, 2, "succeeded"), Dep(2, 1, 5, "succeeded"), Dep(3, 2, 9, "succeeded")
    ) == [("3.4", 2, 9, "live"), ("3.5", 9, None, "live")]


def test_a_failed_deployment_leaves_the_version_before_it() -> None:
    assert bands(Dep(1, 1, 2, "succeeded"), Dep(2, 2, 9, "failed")) == [("3.4", 2, None, "live")]


def test_after_a_rollback_the_band_returns_to_the_previous_version() -> None:
    found = bands(
        Dep(1, 1, 2, "succeeded"),
        Dep(2, 2, 9, "rolled_back", actual_minutes=3 * 60),
        Dep(3, 2, 12, "succeeded"),
    )
    assert found == [
        ("3.4", 2, 9, "live"),
        ("3.5", 9, 9, "rolled_back"),
        ("3.4", 9, 12, "live"),
        ("3.5", 12, None, "live"),
    ]
    (lane,) = build_timeline(
        [Env(1, "prod")],
        [Dep(1, 1, 2, "succeeded"), Dep(2, 2, 9, "rolled_back", actual_minutes=180)],
        LABELS,
    ).lanes
    rolled = lane.bands[1]
    assert (rolled.start, rolled.end) == (
        dt.datetime(2027, 3, 9, 19, 5),
        dt.datetime(2027, 3, 9, 22, 5),
    )
    during, after = (lane.live_at(dt.datetime(2027, 3, 9, h, 30)) for h in (20, 22))
    assert during is not None and during.label == "3.5" and during.state is BandState.ROLLED_BACK
    assert after is not None and after.label == "3.4" and after.state is BandState.LIVE
    assert lane.bars[1].actual and not lane.bars[0].actual


def test_planned_deployments_show_what_will_be_live_as_planned() -> None:
    assert bands(
        Dep(1, 1, 2, "succeeded"), Dep(2, 2, 9, "planned"), Dep(3, 3, 20, "succeeded")
    ) == [
        ("3.4", 2, 9, "live"),
        ("3.5", 9, 20, "planned"),
        ("3.6", 20, None, "planned"),
    ]
    (lane,) = build_timeline([Env(1, "prod")], [Dep(2, 2, 9, "planned")], LABELS).lanes
    assert lane.bars[0].planned and lane.bands[0].state is BandState.PLANNED


def test_lanes_follow_the_order_given_and_the_span_covers_every_bar() -> None:
    timeline = build_timeline(
        [Env(2, "staging", "staging"), Env(1, "prod")],
        [Dep(1, 1, 4, "succeeded"), Dep(2, 1, 2, "succeeded", environment_id=2)],
        LABELS,
    )
    assert [lane.name for lane in timeline.lanes] == ["staging", "prod"]
    assert timeline.span() == (dt.date(2027, 3, 2), dt.date(2027, 3, 4))
    assert timeline.lane_of(1) == 1 and timeline.lane_of(2) == 0 and timeline.lane_of(9) is None
    assert build_timeline([Env(1, "prod")], [], LABELS).span() is None


def test_a_view_finds_the_bars_and_bands_it_meets_by_bisection() -> None:
    long_one = Dep(2, 2, 9, "rolled_back", actual_minutes=5 * 24 * 60)  # in for five days
    deployments = [Dep(1, 1, 2, "succeeded"), long_one, Dep(3, 3, 20, "succeeded")]
    (lane,) = build_timeline([Env(1, "prod")], deployments, LABELS).lanes
    first, last = dt.datetime(2027, 3, 12), dt.datetime(2027, 3, 13)
    # The rolled-back bar started three days before the view and still meets it.
    assert [b.deployment_id for b in lane.bars_meeting(first, last)] == [2]
    assert [(b.label, b.state.value) for b in lane.bands_meeting(first, last)] == [
        ("3.5", "rolled_back")
    ]
    later = lane.bands_meeting(dt.datetime(2027, 3, 25), dt.datetime(2027, 3, 26))
    assert [(b.label, b.end) for b in later] == [("3.6", None)]
    assert lane.bars_meeting(dt.datetime(2027, 3, 3), dt.datetime(2027, 3, 8)) == []
