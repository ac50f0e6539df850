"""Chart geometry as plain data: bars, milestones, connectors, bands and markers.

Built for the visible rows and dates only, so the cost of a frame follows the size of the
window, not of the plan. The screen view, the printed chart and the spreadsheet timeline all
paint these same shapes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from app.timeline.scale import TimeScale


class BarKind(Enum):
    TASK = "task"
    SUMMARY = "phase"
    MILESTONE = "milestone"


class ChartItem(Protocol):
    """What a bar is drawn from (app.plan_data.ItemRow has it all)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def start(self) -> dt.date | None: ...
    @property
    def finish(self) -> dt.date | None: ...
    @property
    def late_finish(self) -> dt.date | None: ...
    @property
    def total_slack(self) -> int | None: ...
    @property
    def critical(self) -> bool: ...
    @property
    def percent_complete(self) -> int: ...


class ChartLink(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def predecessor_id(self) -> int: ...
    @property
    def successor_id(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def lag(self) -> int: ...


class ChartRows(Protocol):
    """The chart's rows in display order (a release's outline with collapsed phases left out)."""

    def __len__(self) -> int: ...
    def item(self, row: int) -> ChartItem: ...
    def row_of(self, item_id: int) -> int | None: ...
    def links(self, item_id: int) -> Iterable[ChartLink]:
        """The links into and out of an item."""
        ...


@dataclass(frozen=True, slots=True)
class RowMetrics:
    """Vertical geometry: the height of a row and where bars sit inside it."""

    height: float = 26.0
    milestone_size: float = 13.0  # the diamond's width and height

    def top(self, row: int) -> float:
        return row * self.height

    def middle(self, row: int) -> float:
        return (row + 0.5) * self.height

    def bar_span(self, row: int, kind: BarKind, baseline: bool) -> tuple[float, float]:
        """Top and bottom of a bar; it moves up to leave room for a baseline under it."""
        top = self.top(row)
        h = self.height
        if kind is BarKind.SUMMARY:
            return top + h * (0.28 if baseline else 0.34), top + h * (0.50 if baseline else 0.56)
        if kind is BarKind.MILESTONE:
            mid = top + h * (0.42 if baseline else 0.5)
            return mid - self.milestone_size / 2, mid + self.milestone_size / 2
        return top + h * (0.18 if baseline else 0.22), top + h * (0.64 if baseline else 0.78)

    def baseline_span(self, row: int) -> tuple[float, float]:
        top = self.top(row)
        return top + self.height * 0.72, top + self.height * 0.86

    def slack_y(self, row: int, kind: BarKind, baseline: bool) -> float:
        """Where a slack tail runs: under the bar, or under its baseline bar."""
        if baseline:
            return self.top(row) + self.height * 0.93
        return self.bar_span(row, kind, baseline)[1] + self.height * 0.1

    def rows_in(self, y0: float, y1: float, count: int) -> range:
        """The rows that meet [y0, y1)."""
        first = max(0, int(y0 // self.height))
        last = min(count, int(y1 // self.height) + 1)
        return range(first, max(first, last))


@dataclass(frozen=True, slots=True)
class Bar:
    item_id: int
    row: int
    kind: BarKind
    x0: float  # a milestone: its centre, as x1
    x1: float
    y0: float
    y1: float
    progress_x: float  # where the percent-complete fill ends (x0 when nothing is done)
    slack_x: float  # where the slack tail ends (x1 when there is no slack)
    slack_y: float  # the tail runs under the bar, clear of its label and of a baseline bar
    critical: bool
    late_by: int  # working days late (negative total slack), 0 when not late
    label: str
    baseline: tuple[float, float] | None  # x0, x1 of the chosen baseline's bar

    @property
    def left(self) -> float:
        """Where a connector leaves or enters the bar's start."""
        return self.x0 - (self.y1 - self.y0) / 2 if self.kind is BarKind.MILESTONE else self.x0

    @property
    def right(self) -> float:
        return self.x1 + (self.y1 - self.y0) / 2 if self.kind is BarKind.MILESTONE else self.x1

    @property
    def middle(self) -> float:
        return (self.y0 + self.y1) / 2


Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Connector:
    link_id: int
    type: str  # FS | SS | FF | SF
    points: tuple[Point, ...]  # a polyline; the arrow head is at the last point
    critical: bool


# A baseline's dates for an item, or None when the item is not in it.
BaselineDates = Callable[[int], tuple[dt.date, dt.date] | None]


def bar_for(
    item: ChartItem,
    row: int,
    scale: TimeScale,
    metrics: RowMetrics,
    baseline: BaselineDates | None = None,
) -> Bar | None:
    """The bar of one item, or None before it has dates."""
    if item.start is None or item.finish is None:
        return None
    kind = BarKind(item.kind) if item.kind in ("task", "phase", "milestone") else BarKind.TASK
    planned = baseline(item.id) if baseline is not None else None
    y0, y1 = metrics.bar_span(row, kind, planned is not None)
    if kind is BarKind.MILESTONE:
        x0 = x1 = scale.x_mid(item.finish)
        progress = x0
    else:
        x0, x1 = scale.x(item.start), scale.x_after(item.finish)
        progress = x0 + (x1 - x0) * max(0, min(100, item.percent_complete)) / 100
    slack = item.total_slack or 0
    slack_x = x1
    if slack > 0 and item.late_finish is not None and item.late_finish > item.finish:
        slack_x = (
            scale.x_after(item.late_finish)
            if kind is not BarKind.MILESTONE
            else (scale.x_mid(item.late_finish))
        )
    shown: tuple[float, float] | None = None
    if planned is not None:
        first, last = planned
        shown = (
            (scale.x_mid(last), scale.x_mid(last))
            if kind is BarKind.MILESTONE
            else (scale.x(first), scale.x_after(last))
        )
    return Bar(
        item_id=item.id,
        row=row,
        kind=kind,
        x0=x0,
        x1=x1,
        y0=y0,
        y1=y1,
        progress_x=progress,
        slack_x=slack_x,
        slack_y=metrics.slack_y(row, kind, planned is not None),
        critical=item.critical,
        late_by=-slack if slack < 0 else 0,
        label=item.name,
        baseline=shown,
    )


# How far a connector runs straight out of a bar before it turns.
STUB = 8.0


def route(link_id: int, link_type: str, pred: Bar, succ: Bar, metrics: RowMetrics) -> Connector:
    """An orthogonal path from the predecessor's side to the successor's, arrow at the end.

    The link type says which sides meet: FS end to start, SS start to start, FF end to end, SF
    start to end. The path leaves the predecessor outwards, enters the successor from outside,
    and when it has to turn back it runs along the row boundary next to the successor, never
    through a bar.
    """
    from_end = link_type in ("FS", "FF")
    to_start = link_type in ("FS", "SS")
    px = pred.right if from_end else pred.left
    out = 1.0 if from_end else -1.0
    tx = succ.left if to_start else succ.right
    into = 1.0 if to_start else -1.0  # the direction the arrow points
    py, ty = pred.middle, succ.middle
    exit_x = px + out * STUB
    entry_x = tx - into * STUB
    if ty == py:
        return Connector(link_id, link_type, ((px, py), (tx, ty)), False)
    # One vertical run when a column exists outside both sides: always when the link leaves
    # and enters on opposite sides (SS, FF), and for FS and SF when the successor's edge lies
    # far enough beyond the predecessor's (as MS Project draws a finish-to-start link).
    corner: float | None = None
    if out != into:
        corner = min(exit_x, entry_x) if into > 0 else max(exit_x, entry_x)
    elif (into > 0 and exit_x <= tx - STUB / 2) or (into < 0 and exit_x >= tx + STUB / 2):
        corner = exit_x
    if corner is not None:
        return Connector(
            link_id, link_type, ((px, py), (corner, py), (corner, ty), (tx, ty)), False
        )
    # Otherwise turn back along the row boundary next to the successor.
    lane = metrics.top(succ.row) if ty > py else metrics.top(succ.row + 1)
    points = ((px, py), (exit_x, py), (exit_x, lane), (entry_x, lane), (entry_x, ty), (tx, ty))
    return Connector(link_id, link_type, points, False)


@dataclass(frozen=True, slots=True)
class Frame:
    """The geometry of one window onto the chart."""

    rows: range
    bars: tuple[Bar, ...]
    connectors: tuple[Connector, ...]


def frame(
    rows: ChartRows,
    visible: range,
    scale: TimeScale,
    metrics: RowMetrics,
    baseline: BaselineDates | None = None,
) -> Frame:
    """Bars for the visible rows and every connector that touches one of them.

    A connector to a row outside the window is routed to that row's bar (one extra lookup),
    so arrows enter and leave the window where they should; links between two rows both
    outside it are left out, which keeps a frame's cost bound to the window.
    """
    bars: dict[int, Bar] = {}
    for row in visible:
        bar = bar_for(rows.item(row), row, scale, metrics, baseline)
        if bar is not None:
            bars[bar.item_id] = bar
    extra: dict[int, Bar | None] = {}

    def bar_of(item_id: int) -> Bar | None:
        if item_id in bars:
            return bars[item_id]
        if item_id not in extra:
            row = rows.row_of(item_id)
            extra[item_id] = (
                None if row is None else bar_for(rows.item(row), row, scale, metrics, baseline)
            )
        return extra[item_id]

    connectors: dict[int, Connector] = {}
    for item_id in list(bars):
        for link in rows.links(item_id):
            if link.id in connectors:
                continue
            pred, succ = bar_of(link.predecessor_id), bar_of(link.successor_id)
            if pred is None or succ is None:
                continue
            path = route(link.id, link.type, pred, succ, metrics)
            if pred.critical and succ.critical:
                path = Connector(path.link_id, path.type, path.points, True)
            connectors[link.id] = path
    return Frame(visible, tuple(bars.values()), tuple(connectors.values()))
