"""One printed page of the chart as a list of plain shapes (rectangles, lines, text) to draw.

The shapes come from the same geometry as the screen (`tier`, `frame`, `background`), moved
onto the page; the PDF, PNG and Qt print painters only draw them, so every output of a page
is the same picture. Coordinates are points, y growing down; colours are palette hex strings.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from app.timeline import palette
from app.timeline.background import (
    MARKER_LABELS,
    Band,
    BandKind,
    CalendarWindow,
    Marker,
    MarkerKind,
    ReleaseDates,
    background,
)
from app.timeline.layout import (
    Bar,
    BarKind,
    BaselineDates,
    ChartItem,
    ChartRows,
    Connector,
    RowMetrics,
    frame,
)
from app.timeline.pages import Box, Page, PageLayout
from app.timeline.scale import tier

# How wide a text is: (text, size in points, bold) -> points, from the embedded font.
Measure = Callable[[str, float, bool], float]
Point = tuple[float, float]

TITLE_SIZE = 11.0
TEXT_SIZE = 7.0
SMALL_SIZE = 6.0
INDENT = 8.0  # per outline level in the row labels
ARROW = 3.2  # length of a connector's arrow head


class LabelledItem(ChartItem, Protocol):
    @property
    def depth(self) -> int: ...


class PrintRows(ChartRows, Protocol):
    """Chart rows whose items know their outline depth (for the indented labels)."""

    def item(self, row: int) -> LabelledItem: ...


@dataclass(frozen=True, slots=True)
class ChartContent:
    """What a chart shows, apart from where it goes on the page."""

    rows: PrintRows
    title: str  # the plan's name
    subtitle: str  # the release
    printed: dt.date  # the day it is printed on (passed in, never read from the clock)
    workdays: frozenset[int]
    holidays: frozenset[dt.date]
    windows: Sequence[CalendarWindow]
    release: ReleaseDates | None
    today: dt.date | None
    baseline: BaselineDates | None = None  # the baseline drawn under the bars, if one is chosen


@dataclass(frozen=True, slots=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float
    fill: str | None
    stroke: str | None = None
    width: float = 0.5


@dataclass(frozen=True, slots=True)
class Line:
    points: tuple[Point, ...]
    color: str
    width: float = 0.5
    dash: tuple[float, float] | None = None  # on, off


@dataclass(frozen=True, slots=True)
class Polygon:
    points: tuple[Point, ...]
    fill: str


@dataclass(frozen=True, slots=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float
    color: str
    bold: bool = False
    align: Literal["left", "center", "right"] = "left"


@dataclass(frozen=True, slots=True)
class Clip:
    """Shapes up to the matching `Unclip` are cut off outside ``box``."""

    box: Box


@dataclass(frozen=True, slots=True)
class Unclip:
    pass


Shape = Rect | Line | Polygon | Text | Clip | Unclip


def fit_text(text: str, width: float, size: float, bold: bool, measure: Measure) -> str:
    """``text``, shortened with an ellipsis to fit ``width`` ("" when not even that fits)."""
    if measure(text, size, bold) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its ellipsis
        mid = (low + high + 1) // 2
        if measure(text[:mid].rstrip() + "…", size, bold) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…" if low else ""


def _short(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def range_text(first: dt.date, last: dt.date) -> str:
    return f"{_short(first)} – {_short(last)}"


def page_shapes(
    layout: PageLayout, page: Page, content: ChartContent, measure: Measure
) -> list[Shape]:
    """Everything on one page, in drawing order."""
    shapes: list[Shape] = [Rect(0, 0, layout.width, layout.height, palette.PAPER)]
    shapes += _header(layout, page, content, measure)
    shapes += _rows_and_labels(layout, page, content, measure)
    shapes += _timescale(layout, page, measure)
    shapes += _chart(layout, page, content, measure)
    shapes += _footer(layout, page, measure, content.baseline is not None)
    return shapes


def _header(layout: PageLayout, page: Page, content: ChartContent, measure: Measure) -> list[Shape]:
    box = layout.header
    right = f"Printed {_short(content.printed)}"
    right_width = measure(right, TEXT_SIZE, False) + 12
    title = fit_text(content.title, box.width - right_width, TITLE_SIZE, True, measure)
    shown = range_text(layout.first, layout.last)
    if page.columns > 1:
        shown += f"   ·   this page {range_text(page.first, page.last)}"
    subtitle = fit_text(
        f"{content.subtitle}   ·   {shown}", box.width - right_width, TEXT_SIZE, False, measure
    )
    return [
        Text(box.x0, box.y0 + 13, title, TITLE_SIZE, palette.HEADER_TEXT, bold=True),
        Text(box.x0, box.y0 + 26, subtitle, TEXT_SIZE, palette.MUTED_TEXT),
        Text(box.x1, box.y0 + 13, right, TEXT_SIZE, palette.MUTED_TEXT, align="right"),
        Line(((box.x0, box.y1), (box.x1, box.y1)), palette.FRAME, 0.6),
    ]


def _footer(layout: PageLayout, page: Page, measure: Measure, baseline: bool) -> list[Shape]:
    box = layout.footer
    y = box.y1 - 4
    shapes: list[Shape] = [
        Line(((box.x0, box.y0), (box.x1, box.y0)), palette.FRAME, 0.6),
        Text(box.x1, y, page.footer, TEXT_SIZE, palette.HEADER_TEXT, align="right"),
    ]
    where = ""
    if page.bands > 1 or page.columns > 1:
        first_row, last_row = page.rows.start + 1, max(page.rows.start + 1, page.rows.stop)
        where = f"Rows {first_row}–{last_row}"
        if page.columns > 1:
            where += f" · dates {page.column} of {page.columns}"
        shapes.append(Text(box.x0, y, where, SMALL_SIZE, palette.MUTED_TEXT))
    left = measure(where, SMALL_SIZE, False) + 24 if where else 0
    shapes += _legend(box, y, measure, left, baseline)
    return shapes


def _legend(box: Box, y: float, measure: Measure, left: float, baseline: bool) -> list[Shape]:
    """A small key to the colours, in the middle of the footer."""
    entries: list[tuple[str, str]] = [
        ("task", "Task"),
        ("critical", "Critical"),
        ("summary", "Phase"),
        ("milestone", "Milestone"),
        *([("baseline", "Baseline")] if baseline else []),
        ("today", "Today"),
        ("target", "Target"),
    ]
    gap, swatch = 12.0, 10.0
    width = sum(swatch + 3 + measure(label, SMALL_SIZE, False) + gap for _k, label in entries)
    x = max(box.x0 + left, (box.x0 + box.x1 - width) / 2)
    shapes: list[Shape] = []
    mid = y - 2.2
    for kind, label in entries:
        if kind == "milestone":
            c = x + swatch / 2
            shapes.append(Polygon(_diamond(c, mid, 3.2), palette.MILESTONE))
        elif kind in ("today", "target"):
            color = palette.TODAY if kind == "today" else palette.TARGET
            dash = (1.5, 1.2) if kind == "today" else None
            shapes.append(
                Line(((x + swatch / 2, mid - 4), (x + swatch / 2, mid + 4)), color, 1.0, dash)
            )
        elif kind == "baseline":
            shapes.append(
                Rect(x, mid - 1.5, x + swatch, mid + 1.5, palette.BASELINE, palette.BASELINE_EDGE)
            )
        else:
            color = {"task": palette.TASK, "critical": palette.CRITICAL}.get(kind, palette.SUMMARY)
            height = 2.0 if kind == "summary" else 3.0
            shapes.append(Rect(x, mid - height, x + swatch, mid + height, color))
        x += swatch + 3
        shapes.append(Text(x, y, label, SMALL_SIZE, palette.MUTED_TEXT))
        x += measure(label, SMALL_SIZE, False) + gap
    return shapes


def _rows_and_labels(
    layout: PageLayout, page: Page, content: ChartContent, measure: Measure
) -> list[Shape]:
    """Row stripes and rules across the page, and the key and indented name of each row."""
    labels, chart, metrics = layout.labels, layout.chart, layout.metrics
    right = layout.chart_right(page)
    _dx, dy = layout.offset(page)
    rows = content.rows
    items = [rows.item(row) for row in page.rows]
    key_width = max((measure(item.key, SMALL_SIZE, False) for item in items), default=0.0)
    key_width = min(key_width, labels.width * 0.35)
    shapes: list[Shape] = [
        Rect(labels.x0, layout.timescale.y0, labels.x1, layout.timescale.y1, palette.HEADER_FILL),
        Text(labels.x0 + 4, layout.timescale.y1 - 4, "Key", SMALL_SIZE, palette.MUTED_TEXT),
        Text(
            labels.x0 + key_width + 12,
            layout.timescale.y1 - 4,
            "Work item",
            SMALL_SIZE,
            palette.MUTED_TEXT,
        ),
    ]
    for row, item in zip(page.rows, items, strict=True):
        top = metrics.top(row) + dy
        bottom = top + metrics.height
        if row % 2:
            shapes.append(Rect(labels.x0, top, right, bottom, palette.ROW_STRIPE))
        shapes.append(Line(((labels.x0, bottom), (right, bottom)), palette.ROW_RULE, 0.3))
        baseline = top + metrics.height / 2 + TEXT_SIZE * 0.35
        key = fit_text(item.key, key_width, SMALL_SIZE, False, measure)
        shapes.append(Text(labels.x0 + 4, baseline, key, SMALL_SIZE, palette.MUTED_TEXT))
        phase = item.kind == "phase"
        x = labels.x0 + key_width + 12 + INDENT * item.depth
        name = fit_text(item.name, labels.x1 - 4 - x, TEXT_SIZE, phase, measure)
        color = palette.CRITICAL if item.critical and not phase else palette.HEADER_TEXT
        shapes.append(Text(x, baseline, name, TEXT_SIZE, color, bold=phase))
    bottom = metrics.top(page.rows.stop) + dy if len(page.rows) else chart.y0
    shapes.append(Line(((labels.x1, layout.timescale.y0), (labels.x1, bottom)), palette.FRAME, 0.6))
    return shapes


def _timescale(layout: PageLayout, page: Page, measure: Measure) -> list[Shape]:
    """The two header tiers for the page's dates, with the lower tier's grid lines."""
    box, scale = layout.timescale, layout.scale
    dx, _dy = layout.offset(page)
    right = layout.chart_right(page)
    x0, x1 = scale.x(page.first), scale.x_after(page.last)
    upper, lower = scale.units()
    shapes: list[Shape] = [Rect(box.x0, box.y0, right, box.y1, palette.HEADER_FILL), Clip(box)]
    for unit, top, size, bold in (
        (upper, box.y0, TEXT_SIZE, True),
        (lower, box.y0 + box.height / 2, SMALL_SIZE, False),
    ):

        def fits(text: str, width: float, size: float = size, bold: bool = bold) -> bool:
            return measure(text, size, bold) + 4 <= width

        bottom = top + box.height / 2
        for cell in tier(scale, unit, x0, x1, fits):
            left = max(cell.x0, x0) + dx
            shapes.append(Line(((cell.x0 + dx, top), (cell.x0 + dx, bottom)), palette.GRID_MAJOR))
            if cell.label:
                # A cell cut by the page's edge keeps its label in the part that shows.
                width = min(cell.x1, x1) + dx - left
                label = cell.label if fits(cell.label, width) else ""
                shapes.append(
                    Text(left + 2.5, bottom - 3.5, label, size, palette.HEADER_TEXT, bold)
                )
        shapes.append(Line(((box.x0, bottom), (right, bottom)), palette.GRID_MAJOR, 0.5))
    shapes.append(Unclip())
    return shapes


def _chart(layout: PageLayout, page: Page, content: ChartContent, measure: Measure) -> list[Shape]:
    scale, metrics, chart = layout.scale, layout.metrics, layout.chart
    dx, dy = layout.offset(page)
    right = layout.chart_right(page)
    x0, x1 = scale.x(page.first), scale.x_after(page.last)
    rows_bottom = metrics.top(page.rows.stop) + dy if len(page.rows) else chart.y0
    area = Box(chart.x0, layout.lane.y0, right, max(rows_bottom, chart.y0 + 3 * metrics.height))
    ground = background(
        scale,
        x0,
        x1 - 0.01,  # the last day's right edge belongs to the next day
        workdays=content.workdays,
        holidays=content.holidays,
        windows=content.windows,
        releases=[content.release] if content.release is not None else [],
        today=content.today,
    )
    shapes: list[Shape] = [Clip(area)]
    for band in ground.bands:
        shapes.append(Rect(band.x0 + dx, area.y0, band.x1 + dx, area.y1, _BAND_FILL[band.kind]))
    upper, lower = scale.units()
    for unit, color in ((lower, palette.GRID_MINOR), (upper, palette.GRID_MAJOR)):
        for cell in tier(scale, unit, x0, x1, lambda _t, _w: False):
            shapes.append(Line(((cell.x0 + dx, area.y0), (cell.x0 + dx, area.y1)), color, 0.4))
    # Row stripes were drawn under the bands; redraw the rules over them so rows stay legible.
    for row in page.rows:
        y = metrics.top(row + 1) + dy
        shapes.append(Line(((area.x0, y), (area.x1, y)), palette.ROW_RULE, 0.3))
    for band in ground.bands:
        shapes += _band_label(band, dx, area, measure)
    for marker in ground.markers:
        shapes += _marker(marker, dx, area, measure)
    geometry = frame(content.rows, page.rows, scale, metrics, content.baseline)
    for bar in geometry.bars:
        shapes += _baseline(bar, metrics, dx, dy)
    for connector in geometry.connectors:
        shapes += _connector(connector, dx, dy)
    for bar in geometry.bars:
        shapes += _bar(bar, dx, dy, content.rows)
    shapes.append(Unclip())
    shapes.append(Rect(area.x0, layout.timescale.y0, area.x1, area.y1, None, palette.FRAME, 0.6))
    return shapes


_BAND_FILL = {
    BandKind.NONWORKING: palette.NONWORKING,
    BandKind.HOLIDAY: palette.HOLIDAY,
    BandKind.FREEZE: palette.FREEZE,
    BandKind.BLACKOUT: palette.BLACKOUT,
    BandKind.CHANGE_WINDOW: palette.CHANGE_WINDOW,
}
_BAND_TEXT = {
    BandKind.FREEZE: palette.FREEZE_TEXT,
    BandKind.BLACKOUT: palette.BLACKOUT_TEXT,
    BandKind.CHANGE_WINDOW: palette.CHANGE_WINDOW_TEXT,
}


def _band_label(band: Band, dx: float, area: Box, measure: Measure) -> list[Shape]:
    """A window's name in the lane above the rows, when there is room for some of it."""
    if band.kind not in _BAND_TEXT:
        return []
    left = max(band.x0 + dx, area.x0)
    label = fit_text(band.label, band.x1 + dx - left - 4, SMALL_SIZE, False, measure)
    if len(label) < 4:
        return []
    return [Text(left + 2, area.y0 + 7.6, label, SMALL_SIZE, _BAND_TEXT[band.kind])]


_MARKER_STYLE: dict[MarkerKind, tuple[str, float, tuple[float, float] | None]] = {
    MarkerKind.TODAY: (palette.TODAY, 1.0, (2.5, 1.5)),
    MarkerKind.RELEASE_START: (palette.RELEASE_START, 0.6, (2.0, 2.0)),
    MarkerKind.FEATURE_FREEZE: (palette.FREEZE_MARKER, 0.7, (3.0, 2.0)),
    MarkerKind.CODE_FREEZE: (palette.FREEZE_MARKER, 0.7, (3.0, 2.0)),
    MarkerKind.TARGET: (palette.TARGET, 1.2, None),
    MarkerKind.ACTUAL: (palette.RELEASED, 1.2, None),
}


def _marker(marker: Marker, dx: float, area: Box, measure: Measure) -> list[Shape]:
    """A vertical line through the rows; the target gets a flag with its name at the top."""
    color, width, dash = _MARKER_STYLE[marker.kind]
    x = marker.x + dx
    shapes: list[Shape] = [Line(((x, area.y0), (x, area.y1)), color, width, dash)]
    if marker.kind in (MarkerKind.TARGET, MarkerKind.ACTUAL, MarkerKind.TODAY):
        label = "Today" if marker.kind is MarkerKind.TODAY else marker.label
        text_width = measure(label, SMALL_SIZE, True)
        # The flag points into the chart: right of the line unless that runs off the area.
        if x + text_width + 8 <= area.x1:
            flag = Rect(x, area.y0 + 1.5, x + text_width + 5, area.y0 + 9.5, color)
            text = Text(x + 2.5, area.y0 + 7.6, label, SMALL_SIZE, palette.PAPER, bold=True)
        else:
            flag = Rect(x - text_width - 5, area.y0 + 1.5, x, area.y0 + 9.5, color)
            text = Text(x - 2.5, area.y0 + 7.6, label, SMALL_SIZE, palette.PAPER, True, "right")
        shapes += [flag, text]
    else:
        # Start and freezes: their name beside the line, quieter than a flag.
        label = MARKER_LABELS[marker.kind]
        if x + measure(label, SMALL_SIZE, False) + 4 <= area.x1:
            shapes.append(Text(x + 2, area.y0 + 7.6, label, SMALL_SIZE, color))
    return shapes


def _connector(connector: Connector, dx: float, dy: float) -> list[Shape]:
    color = palette.LINK_CRITICAL if connector.critical else palette.LINK
    points = tuple((x + dx, y + dy) for x, y in connector.points)
    (ax, ay), (bx, by) = points[-2], points[-1]
    length = math.hypot(bx - ax, by - ay) or 1.0
    ux, uy = (bx - ax) / length, (by - ay) / length
    base = (bx - ux * ARROW, by - uy * ARROW)
    head = (
        (bx, by),
        (base[0] - uy * ARROW * 0.6, base[1] + ux * ARROW * 0.6),
        (base[0] + uy * ARROW * 0.6, base[1] - ux * ARROW * 0.6),
    )
    # The line stops at the arrow's base so its end does not poke through the point.
    return [Line((*points[:-1], base), color, 0.5), Polygon(head, color)]


def _diamond(cx: float, cy: float, half: float) -> tuple[Point, ...]:
    return ((cx, cy - half), (cx + half, cy), (cx, cy + half), (cx - half, cy))


def _baseline(bar: Bar, metrics: RowMetrics, dx: float, dy: float) -> list[Shape]:
    """The chosen baseline's bar under the live one (a small diamond for a milestone)."""
    if bar.baseline is None:
        return []
    top, bottom = metrics.baseline_span(bar.row)
    x0, x1 = bar.baseline[0] + dx, bar.baseline[1] + dx
    if bar.kind is BarKind.MILESTONE:
        half = (bottom - top) / 2 + 0.5
        return [Polygon(_diamond(x0, (top + bottom) / 2 + dy, half), palette.BASELINE_EDGE)]
    right = max(x1, x0 + 0.5)
    return [Rect(x0, top + dy, right, bottom + dy, palette.BASELINE, palette.BASELINE_EDGE, 0.3)]


def _bar(bar: Bar, dx: float, dy: float, rows: PrintRows) -> list[Shape]:
    x0, x1, y0, y1 = bar.x0 + dx, bar.x1 + dx, bar.y0 + dy, bar.y1 + dy
    mid = (y0 + y1) / 2
    # Slack tails stay on screen, where hovering explains them; on paper they ran into the
    # labels and read as connectors.
    shapes: list[Shape] = []
    if bar.kind is BarKind.MILESTONE:
        half = (y1 - y0) / 2
        color = palette.CRITICAL if bar.critical else palette.MILESTONE
        shapes.append(Polygon(_diamond(x0, mid, half), color))
    elif bar.kind is BarKind.SUMMARY:
        color = palette.SUMMARY_CRITICAL if bar.critical else palette.SUMMARY
        cap = min(3.5, (x1 - x0) / 2)
        drop = (y1 - y0) * 0.9
        shapes.append(
            Polygon(
                (
                    (x0, y0),
                    (x1, y0),
                    (x1, y1 + drop),
                    (x1 - cap, y1),
                    (x0 + cap, y1),
                    (x0, y1 + drop),
                ),
                color,
            )
        )
    else:
        fill, done = (
            (palette.CRITICAL, palette.CRITICAL_PROGRESS)
            if bar.critical
            else (palette.TASK, palette.TASK_PROGRESS)
        )
        shapes.append(Rect(x0, y0, x1, y1, fill))
        if bar.progress_x > bar.x0:
            inset = (y1 - y0) * 0.3
            shapes.append(Rect(x0, y0 + inset, bar.progress_x + dx, y1 - inset, done))
    label = bar.label
    if bar.kind is BarKind.MILESTONE:
        finish = rows.item(bar.row).finish
        if finish is not None:
            label = f"{label}  {finish.day} {finish:%b}"
    color = palette.BAR_LABEL
    if bar.late_by:
        label += f"  (late {bar.late_by} d)"
        color = palette.LATE_LABEL
    x = bar.right + dx + 3
    shapes.append(Text(x, mid + SMALL_SIZE * 0.35, label, SMALL_SIZE, color))
    return shapes
