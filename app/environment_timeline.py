"""Which version was where and when: the environment timeline, computed without Qt.

One lane per environment in promotion order. Each deployment is a bar from its actual start
to its actual end (its planned window while it has no actuals). Under the bars runs the
version live on the environment, as bands:

- a success makes its release live from its end until the next success of another release
  replaces it (a new build of the live release continues its band);
- a failed deployment changes nothing: the version before it stays;
- a rolled-back one was live from its start to its end and then taken out again: a band of
  its own (drawn apart), after which the version before it is live again;
- a planned or running deployment is what will be live after it: a planned band (dashed)
  from its end, and bands after a planned one are planned too.

A band's end of None means "still there" (the painter runs it to the edge of the view).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from app.promotion import starts


class BandState(Enum):
    LIVE = "live"
    ROLLED_BACK = "rolled_back"  # went in and was taken out again
    PLANNED = "planned"  # will be live if the planned deployments go as booked


@dataclass(frozen=True, slots=True)
class Bar:
    """One deployment on its lane."""

    deployment_id: int
    release_id: int
    label: str  # the release's version (or name)
    start: dt.datetime
    end: dt.datetime
    outcome: str
    actual: bool  # drawn from its actual times, not the planned window
    incident: str  # the incident it caused, if any

    @property
    def planned(self) -> bool:
        return self.outcome in ("planned", "in_progress")


@dataclass(frozen=True, slots=True)
class Band:
    """A version live on one environment from `start` to `end` (None: still live)."""

    release_id: int
    label: str
    start: dt.datetime
    end: dt.datetime | None
    state: BandState
    deployment_id: int  # the deployment that put it there


@dataclass(frozen=True, slots=True)
class EnvironmentLane:
    environment_id: int
    name: str
    tier: str
    owner: str
    bars: tuple[Bar, ...]  # by start
    bands: tuple[Band, ...]
    longest: dt.timedelta = dt.timedelta(0)  # the longest bar, so a view finds what it meets

    def bars_meeting(self, first: dt.datetime, last: dt.datetime) -> Sequence[Bar]:
        """The bars that overlap first..last, found by bisection (a repaint of a lane with
        thousands of deployments costs what it shows)."""
        low = bisect_left(self.bars, first - self.longest, key=lambda b: b.start)
        high = bisect_right(self.bars, last, key=lambda b: b.start)
        return [b for b in self.bars[low:high] if b.end >= first]

    def bands_meeting(self, first: dt.datetime, last: dt.datetime) -> Sequence[Band]:
        """The bands that overlap first..last (bands follow each other in time)."""
        high = bisect_right(self.bands, last, key=lambda b: b.start)
        low = bisect_left(self.bands, first, key=lambda b: b.start)
        low = max(0, low - 1)  # the band running when the view begins
        return [b for b in self.bands[low:high] if b.end is None or b.end >= first]

    def live_at(self, moment: dt.datetime) -> Band | None:
        """The band of the version in (or planned to be) at `moment`."""
        for band in self.bands:
            if band.start <= moment and (band.end is None or moment < band.end):
                return band
        return None


@dataclass(frozen=True, slots=True)
class EnvironmentTimeline:
    lanes: tuple[EnvironmentLane, ...]

    def span(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day any bar covers."""
        moments = [m for lane in self.lanes for bar in lane.bars for m in (bar.start, bar.end)]
        if not moments:
            return None
        return min(moments).date(), max(moments).date()

    def lane_of(self, deployment_id: int) -> int | None:
        for index, lane in enumerate(self.lanes):
            if any(bar.deployment_id == deployment_id for bar in lane.bars):
                return index
        return None


def ends(deployment: Any) -> dt.datetime:
    """When a deployment ended (its actual end), else when its window ends."""
    actual: dt.datetime | None = deployment.actual_end
    if actual is not None:
        return actual
    planned: dt.datetime = deployment.window_end
    actual_start: dt.datetime | None = deployment.actual_start
    # Started but not yet ended: at least the start, so the bar never runs backwards.
    return max(planned, actual_start) if actual_start is not None else planned


def build_timeline(
    environments: Iterable[Any],
    deployments: Iterable[Any],
    release_labels: Mapping[int, str],
) -> EnvironmentTimeline:
    """The lanes of the plan's environments (in the order given: promotion order) with their
    bars and bands. Rows have the fields of app.environments (a Record or anything alike)."""
    by_environment: dict[int, list[Any]] = {}
    for deployment in deployments:
        by_environment.setdefault(deployment.environment_id, []).append(deployment)
    lanes = []
    for environment in environments:
        mine = sorted(by_environment.get(environment.id, []), key=lambda d: (starts(d), d.id))
        bars = tuple(
            Bar(
                d.id,
                d.release_id,
                release_labels.get(d.release_id, f"#{d.release_id}"),
                starts(d),
                ends(d),
                d.outcome,
                d.actual_start is not None,
                str(d.incident_ref),
            )
            for d in mine
        )
        lanes.append(
            EnvironmentLane(
                environment.id,
                str(environment.name),
                str(environment.tier),
                str(environment.owner),
                bars,
                _bands(bars),
                max((b.end - b.start for b in bars), default=dt.timedelta(0)),
            )
        )
    return EnvironmentTimeline(tuple(lanes))


def _bands(bars: Iterable[Bar]) -> tuple[Band, ...]:
    bands: list[Band] = []
    live: Bar | None = None  # the deployment whose version is live now
    since: dt.datetime | None = None
    planning = False  # past a planned deployment: what follows is planned too

    def close(at: dt.datetime) -> None:
        if live is None or since is None or at <= since:
            return
        state = BandState.PLANNED if planning else BandState.LIVE
        last = bands[-1] if bands else None
        if last is not None and (last.release_id, last.state, last.end) == (
            live.release_id,
            state,
            since,
        ):
            # A new build of the release that is live (a sprint drop, a hotfix): one band.
            bands[-1] = Band(last.release_id, last.label, last.start, at, state, last.deployment_id)
        else:
            bands.append(Band(live.release_id, live.label, since, at, state, live.deployment_id))

    for bar in bars:
        if bar.outcome == "failed":
            continue
        if bar.outcome == "rolled_back":
            close(bar.start)
            bands.append(
                Band(
                    bar.release_id,
                    bar.label,
                    bar.start,
                    bar.end,
                    BandState.ROLLED_BACK,
                    bar.deployment_id,
                )
            )
            since = bar.end  # the version before it is back
            continue
        close(bar.end)
        if bar.planned:
            planning = True
        live, since = bar, bar.end
    if live is not None and since is not None:
        close(dt.datetime.max)
        last = bands[-1]
        bands[-1] = Band(
            last.release_id, last.label, last.start, None, last.state, last.deployment_id
        )
    return tuple(bands)
