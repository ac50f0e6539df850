"""The release train's geometry: a lane per release, a track per environment, and what lies behind.

From the top: one thin track per environment that has windows of its own (its blackouts and
change windows), then one lane per release in plan order. A lane holds the release's span
(build to feature freeze, stabilising to code freeze, hardening to target, and the slip past
the target in its own colour), markers for its freezes, target and actual release, a tick per
deployment, and a glyph at each collision. Plan-wide freezes and blackouts stand behind every
lane. Built for the visible lanes and dates only, like app/timeline/layout.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from app.plan_data import ReleaseRow
from app.release_train import CollisionKind, Train, TrainDeployment, TrainWindow
from app.timeline.background import MARKER_LABELS, Background, MarkerKind, background
from app.timeline.scale import TimeScale


class Segment(Enum):
    BUILD = "build"  # start to feature freeze
    STABILISE = "stabilise"  # feature freeze to code freeze
    HARDEN = "harden"  # code freeze to target
    SLIP = "slip"  # target to the scheduled (or actual) finish


SEGMENT_LABELS = {
    Segment.BUILD: "Build",
    Segment.STABILISE: "Stabilise",
    Segment.HARDEN: "Hardening",
    Segment.SLIP: "Slip",
}

ALL_ENVIRONMENTS = "All environments"


@dataclass(frozen=True, slots=True)
class LaneMetrics:
    """Vertical geometry: environment tracks on top, release lanes below them."""

    track_height: float = 20.0
    lane_height: float = 50.0
    gap: float = 6.0  # between the last track and the first lane

    def lanes_top(self, tracks: int) -> float:
        return tracks * self.track_height + (self.gap if tracks else 0.0)

    def track_top(self, track: int) -> float:
        return track * self.track_height

    def lane_top(self, lane: int, tracks: int) -> float:
        return self.lanes_top(tracks) + lane * self.lane_height

    def height(self, tracks: int, lanes: int) -> float:
        return self.lanes_top(tracks) + lanes * self.lane_height

    def bar_span(self, top: float) -> tuple[float, float]:
        h = self.lane_height
        return top + h * 0.34, top + h * 0.60

    def tick_span(self, top: float, production: bool) -> tuple[float, float]:
        h = self.lane_height
        return top + h * 0.66, top + h * (0.92 if production else 0.82)

    def glyph_y(self, top: float) -> float:
        return top + self.lane_height * 0.15

    def lane_at(self, y: float, tracks: int, lanes: int) -> int | None:
        row = int((y - self.lanes_top(tracks)) // self.lane_height)
        return row if y >= self.lanes_top(tracks) and row < lanes else None

    def lanes_in(self, y0: float, y1: float, tracks: int, lanes: int) -> range:
        top = self.lanes_top(tracks)
        first = max(0, int((y0 - top) // self.lane_height))
        last = min(lanes, int((y1 - top) // self.lane_height) + 1)
        return range(first, max(first, last))


@dataclass(frozen=True, slots=True)
class Piece:
    """One segment of a release's span."""

    x0: float
    x1: float
    y0: float
    y1: float
    segment: Segment
    label: str  # "Atlas 3.5 hardening: 2026-12-12 to 2027-01-04"


@dataclass(frozen=True, slots=True)
class LaneMarker:
    x: float
    y: float  # the bar's middle
    kind: MarkerKind  # FEATURE_FREEZE, CODE_FREEZE, TARGET or ACTUAL
    day: dt.date
    label: str


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    y0: float
    y1: float
    deployment_id: int
    outcome: str
    label: str


@dataclass(frozen=True, slots=True)
class Glyph:
    """Collisions at one spot of a lane: a warning sign above it, the spot outlined."""

    x: float
    y: float  # the sign's middle
    y0: float  # the outline's top and bottom
    y1: float
    collisions: tuple[int, ...]  # indexes into Train.collisions
    label: str  # their messages, one a line


@dataclass(frozen=True, slots=True)
class Lane:
    release_id: int
    index: int
    y0: float
    y1: float
    pieces: tuple[Piece, ...]
    markers: tuple[LaneMarker, ...]
    ticks: tuple[Tick, ...]
    glyphs: tuple[Glyph, ...]
    late_label: str  # "late by 4 working days", or ""
    late_x: float  # where that label starts: the end of the slip


@dataclass(frozen=True, slots=True)
class TrackBand:
    x0: float
    x1: float
    y0: float
    y1: float
    window: TrainWindow


@dataclass(frozen=True, slots=True)
class Track:
    """An environment's own windows, in a thin row above the lanes."""

    name: str
    y0: float
    y1: float
    bands: tuple[TrackBand, ...]


@dataclass(frozen=True, slots=True)
class TrainFrame:
    background: Background  # days off, holidays, plan-wide freezes and blackouts, today
    tracks: tuple[Track, ...]
    lanes: tuple[Lane, ...]


def track_names(train: Train) -> list[str]:
    """The tracks from the top: each environment with windows of its own, in the plan's order,
    then plan-wide change windows (plan-wide freezes and blackouts stand behind the lanes)."""
    scoped = {w.environment.id for w in train.windows if w.environment is not None}
    names = [e.name for e in train.environments if e.id in scoped]
    if any(w.environment is None and not w.restricted for w in train.windows):
        names.append(ALL_ENVIRONMENTS)
    return names


def _track_of(window: TrainWindow) -> str:
    return window.environment.name if window.environment is not None else ALL_ENVIRONMENTS


def span_end(release: ReleaseRow) -> dt.date | None:
    """The last day of a release's span: its actual release, else its scheduled finish, else
    its target."""
    if release.actual_date is not None:
        return release.actual_date
    return release.finish or release.target_date


def train_span(train: Train) -> tuple[dt.date, dt.date] | None:
    """The first and last day of every release's span and deployment (for "zoom to fit")."""
    days: list[dt.date] = []
    for release in train.releases:
        days.extend(
            d for d in (release.start_date, release.target_date, span_end(release)) if d is not None
        )
    days.extend(d.day for d in train.deployments)
    return (min(days), max(days)) if days else None


def _pieces(
    release: ReleaseRow, scale: TimeScale, y0: float, y1: float
) -> tuple[list[Piece], float]:
    """The span's segments, and the x where it ends (where a late label goes)."""
    start, end = release.start_date, span_end(release)
    if start is None or end is None or end < start:
        return [], 0.0
    cuts: list[tuple[dt.date, Segment]] = []
    for day, next_segment in (
        (release.feature_freeze, Segment.STABILISE),
        (release.code_freeze, Segment.HARDEN),
        (release.target_date, Segment.SLIP),
    ):
        if day is not None and start <= day < end:
            cuts.append((day, next_segment))
    cuts.sort(key=lambda cut: cut[0])
    pieces: list[Piece] = []
    left, first, segment = scale.x(start), start, Segment.BUILD
    for day, following in [*cuts, (end, Segment.SLIP)]:
        right = scale.x_after(day)
        if right > left:
            what = SEGMENT_LABELS[segment].lower()
            label = f"{release.name} {what}: {first.isoformat()} to {day.isoformat()}"
            pieces.append(Piece(left, right, y0, y1, segment, label))
        left, first, segment = right, day + dt.timedelta(days=1), following
    return pieces, scale.x_after(end)


def _markers(release: ReleaseRow, scale: TimeScale, y: float) -> list[LaneMarker]:
    markers = []
    for kind, day in (
        (MarkerKind.FEATURE_FREEZE, release.feature_freeze),
        (MarkerKind.CODE_FREEZE, release.code_freeze),
        (MarkerKind.TARGET, release.target_date),
        (MarkerKind.ACTUAL, release.actual_date),
    ):
        if day is not None:
            label = f"{release.name} {MARKER_LABELS[kind].lower()}: {day.isoformat()}"
            markers.append(LaneMarker(scale.x_after(day), y, kind, day, label))
    return markers


def deployment_x(scale: TimeScale, deployment: TrainDeployment) -> float:
    """Where in its day a deployment starts."""
    start = deployment.start
    return scale.x(start.date()) + scale.day_width * (start.hour * 60 + start.minute) / 1440


def _tick(deployment: TrainDeployment, scale: TimeScale, metrics: LaneMetrics, top: float) -> Tick:
    y0, y1 = metrics.tick_span(top, deployment.environment.production)
    outcome = deployment.outcome.replace("_", " ")
    label = (
        f"Deployment to {deployment.environment.name}: "
        f"{deployment.start:%Y-%m-%d %H:%M}–{deployment.end:%H:%M}, {outcome}"
    )
    return Tick(deployment_x(scale, deployment), y0, y1, deployment.id, deployment.outcome, label)


def spot_x(scale: TimeScale, kind: CollisionKind, day: dt.date) -> float:
    """Where a collision shows in a lane: on the marker it concerns (freezes, targets and
    finishes are ends of days), or mid-day for a deployment."""
    return scale.x_mid(day) if kind is CollisionKind.DEPLOYMENT_IN_WINDOW else scale.x_after(day)


def _glyphs(
    release_id: int,
    train: Train,
    scale: TimeScale,
    metrics: LaneMetrics,
    top: float,
) -> list[Glyph]:
    collisions = train.collisions
    spots: dict[float, list[int]] = {}
    for n in train.collisions_of(release_id):
        collision = collisions[n]
        for release, day in collision.spots:
            if release == release_id:
                found = spots.setdefault(spot_x(scale, collision.kind, day), [])
                if n not in found:
                    found.append(n)
    y0, y1 = metrics.bar_span(top)
    return [
        Glyph(
            x,
            metrics.glyph_y(top),
            y0 - 3,
            y1 + 3,
            tuple(found),
            "\n".join(collisions[n].message for n in found),
        )
        for x, found in sorted(spots.items())
    ]


def lane(train: Train, index: int, scale: TimeScale, metrics: LaneMetrics, tracks: int) -> Lane:
    """The lane of the release at `index` in plan order."""
    release = train.releases[index]
    top = metrics.lane_top(index, tracks)
    y0, y1 = metrics.bar_span(top)
    pieces, end_x = _pieces(release, scale, y0, y1)
    late = ""
    if release.late_by > 0 and release.actual_date is None:
        days = "working day" if release.late_by == 1 else "working days"
        late = f"late by {release.late_by} {days}"
    return Lane(
        release.id,
        index,
        top,
        top + metrics.lane_height,
        tuple(pieces),
        tuple(_markers(release, scale, (y0 + y1) / 2)),
        tuple(_tick(d, scale, metrics, top) for d in train.deployments_of(release.id)),
        tuple(_glyphs(release.id, train, scale, metrics, top)),
        late,
        end_x,
    )


def _visible(x0: float, x1: float, left: float, right: float) -> bool:
    return right >= x0 and left <= x1


def frame(
    train: Train,
    scale: TimeScale,
    metrics: LaneMetrics,
    x0: float,
    x1: float,
    y0: float,
    y1: float,
    today: dt.date | None = None,
) -> TrainFrame:
    """What meets [x0, x1) x [y0, y1): bands and markers behind, tracks, and lanes."""
    names = track_names(train)
    plan_wide = [w for w in train.windows if w.environment is None and w.restricted]
    behind = background(
        scale,
        x0,
        x1,
        workdays=train.workdays,
        holidays=train.holidays,
        windows=plan_wide,
        today=today,
    )
    tracks = []
    for n, name in enumerate(names):
        top = metrics.track_top(n)
        if top > y1 or top + metrics.track_height < y0:
            continue
        bands = tuple(
            TrackBand(
                scale.x(w.start_date),
                scale.x_after(w.end_date),
                top + 2,
                top + metrics.track_height - 2,
                w,
            )
            for w in train.windows
            if _track_of(w) == name
            and not (w.environment is None and w.restricted)
            and _visible(x0, x1, scale.x(w.start_date), scale.x_after(w.end_date))
        )
        tracks.append(Track(name, top, top + metrics.track_height, bands))
    lanes = []
    for index in metrics.lanes_in(y0, y1, len(names), len(train.releases)):
        built = lane(train, index, scale, metrics, len(names))
        lanes.append(_clipped(built, x0, x1))
    return TrainFrame(behind, tuple(tracks), tuple(lanes))


def _clipped(built: Lane, x0: float, x1: float) -> Lane:
    """The lane with only what meets [x0, x1) (a glyph or marker is a few units wide)."""
    pad = 16.0
    return Lane(
        built.release_id,
        built.index,
        built.y0,
        built.y1,
        tuple(p for p in built.pieces if _visible(x0, x1, p.x0, p.x1)),
        tuple(m for m in built.markers if _visible(x0 - pad, x1 + pad, m.x, m.x)),
        tuple(t for t in built.ticks if _visible(x0 - pad, x1 + pad, t.x, t.x)),
        tuple(g for g in built.glyphs if _visible(x0 - pad, x1 + pad, g.x, g.x)),
        built.late_label,
        built.late_x,
    )


def locate(
    train: Train, collision: int, scale: TimeScale, metrics: LaneMetrics
) -> tuple[float, float]:
    """The point a collision shows at (its first spot), to scroll the chart to."""
    found = train.collisions[collision]
    release_id, day = found.spots[0]
    top = metrics.lane_top(train.index_of(release_id), len(track_names(train)))
    y0, y1 = metrics.bar_span(top)
    return spot_x(scale, found.kind, day), (y0 + y1) / 2


def tip_at(chart: TrainFrame, x: float, y: float, reach: float = 6.0) -> str:
    """What a tooltip at (x, y) says: a collision first, then a marker, a deployment, a span
    segment, a window on a track; '' when there is nothing there."""
    for built in chart.lanes:
        if not built.y0 <= y < built.y1:
            continue
        for glyph in built.glyphs:
            if abs(glyph.x - x) <= reach + 2 and glyph.y - 8 <= y <= glyph.y1:
                return glyph.label
        for marker in built.markers:
            if abs(marker.x - x) <= reach and abs(marker.y - y) <= reach + 2:
                return marker.label
        for tick in built.ticks:
            if abs(tick.x - x) <= reach / 2 + 1 and tick.y0 - 2 <= y <= tick.y1 + 2:
                return tick.label
        for piece in built.pieces:
            if piece.x0 <= x < piece.x1 and piece.y0 <= y <= piece.y1:
                return piece.label
        break  # an empty part of a lane: the band behind it, if any
    for track in chart.tracks:
        if track.y0 <= y < track.y1:
            for scoped in track.bands:
                if scoped.x0 <= x < scoped.x1:
                    return scoped.window.span
    for band in chart.background.bands:
        if band.x0 <= x < band.x1 and band.label:
            return band.label
    return ""
