"""The printed chart's pages: paper, bands and columns, and which rows and dates each page shows.

Everything is in points (1/72 inch) with y growing down the page, on landscape paper. A page
has a header band, the two-tier timescale, a lane for flags, a row-label column repeated on
every page, the chart area and a footer band. ``Fit.WIDTH`` scales the date range to the page
width and lets rows flow down over as many pages as they need; ``Fit.TILES`` keeps a readable
day width and cuts the chart into a grid of pages (bands of rows × columns of dates). Pages
are numbered band by band, and left to right across the dates within a band.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import Enum

from app.timeline.layout import RowMetrics
from app.timeline.scale import TimeScale, fit_day_width

# Landscape width × height in points.
PAPERS: dict[str, tuple[float, float]] = {
    "a4": (841.89, 595.28),
    "a3": (1190.55, 841.89),
    "letter": (792.0, 612.0),
    "tabloid": (1224.0, 792.0),
}
MARGIN = 24.0
HEADER_HEIGHT = 34.0
FOOTER_HEIGHT = 18.0
TIER_HEIGHT = 13.0  # each of the timescale's two tiers
# A strip above the rows for marker flags and window names, so they never cover a bar.
LANE_HEIGHT = 11.0
LABEL_SHARE = 0.25  # of the body width, at most LABEL_MAX
LABEL_MAX = 230.0
# A row of 7 pt text; a day wide enough for tiles to
# name every day in the timescale (the screen's day zoom).
PRINT_METRICS = RowMetrics(height=14.0, milestone_size=8.0)
TILE_DAY_WIDTH = 14.0


class Fit(Enum):
    WIDTH = "width"
    TILES = "tiles"


@dataclass(frozen=True, slots=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # 1-based, in print order
    count: int
    rows: range  # chart rows on this page
    first: dt.date  # dates on this page, both included
    last: dt.date
    band: int  # 1-based position in the grid of pages
    bands: int
    column: int
    columns: int

    @property
    def footer(self) -> str:
        return f"Page {self.number} of {self.count}"

    @property
    def days(self) -> int:
        return self.last.toordinal() - self.first.toordinal() + 1


@dataclass(frozen=True, slots=True)
class PageLayout:
    """Where things sit on every page, and the pages themselves."""

    paper: str
    width: float
    height: float
    header: Box
    footer: Box
    labels: Box  # the row-label column, below the timescale
    timescale: Box  # the two tiers above the chart area (full width of the chart area)
    lane: Box  # between the timescale and the rows: flags and window names
    chart: Box  # where the rows are drawn; a page's dates may fill only its left part
    scale: TimeScale  # x = 0 at the first day of the range
    metrics: RowMetrics
    first: dt.date
    last: dt.date
    fit: Fit
    pages: tuple[Page, ...]

    def chart_right(self, page: Page) -> float:
        """The right edge of the page's dates (the last column of tiles may end early)."""
        return min(self.chart.x1, self.chart.x0 + page.days * self.scale.day_width)

    def offset(self, page: Page) -> tuple[float, float]:
        """What to add to chart geometry (scale x, row y) to place it on this page."""
        return (
            self.chart.x0 - self.scale.x(page.first),
            self.chart.y0 - self.metrics.top(page.rows.start),
        )


def paginate(
    row_count: int,
    first: dt.date,
    last: dt.date,
    *,
    paper: str = "a4",
    fit: Fit = Fit.WIDTH,
    day_width: float = TILE_DAY_WIDTH,
    metrics: RowMetrics = PRINT_METRICS,
) -> PageLayout:
    """Lay ``row_count`` rows over the days ``first``..``last`` out on pages of ``paper``.

    ``day_width`` (points a day) is used for tiles; fit to width works it out. A range too
    long for the narrowest zoom at fit to width spills into columns as tiles do.
    """
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}")
    if last < first:
        raise ValueError("the range ends before it starts")
    width, height = PAPERS[paper]
    body = Box(MARGIN, MARGIN, width - MARGIN, height - MARGIN)
    header = Box(body.x0, body.y0, body.x1, body.y0 + HEADER_HEIGHT)
    footer = Box(body.x0, body.y1 - FOOTER_HEIGHT, body.x1, body.y1)
    label_width = min(LABEL_MAX, body.width * LABEL_SHARE)
    top = header.y1 + 4
    scale_box = Box(body.x0 + label_width, top, body.x1, top + 2 * TIER_HEIGHT)
    lane = Box(scale_box.x0, scale_box.y1, body.x1, scale_box.y1 + LANE_HEIGHT)
    chart = Box(scale_box.x0, lane.y1, body.x1, footer.y0 - 4)
    labels = Box(body.x0, chart.y0, chart.x0, chart.y1)

    if fit is Fit.WIDTH:
        day_width = fit_day_width(first, last, chart.width)
    scale = TimeScale(first, day_width)
    total_days = last.toordinal() - first.toordinal() + 1
    per_column = max(1, math.floor(chart.width / day_width + 1e-9))
    if per_column < total_days and per_column >= 14:
        # Whole weeks per tile, so every column of pages starts on the same weekday.
        per_column -= per_column % 7
    columns = math.ceil(total_days / per_column)
    per_band = max(1, math.floor(chart.height / metrics.height + 1e-9))
    bands = max(1, math.ceil(row_count / per_band))

    count = bands * columns
    pages: list[Page] = []
    for band in range(bands):
        rows = range(band * per_band, min(row_count, (band + 1) * per_band))
        for column in range(columns):
            page_first = first + dt.timedelta(days=column * per_column)
            page_last = min(last, page_first + dt.timedelta(days=per_column - 1))
            pages.append(
                Page(
                    number=len(pages) + 1,
                    count=count,
                    rows=rows,
                    first=page_first,
                    last=page_last,
                    band=band + 1,
                    bands=bands,
                    column=column + 1,
                    columns=columns,
                )
            )
    return PageLayout(
        paper=paper,
        width=width,
        height=height,
        header=header,
        footer=footer,
        labels=labels,
        timescale=scale_box,
        lane=lane,
        chart=chart,
        scale=scale,
        metrics=metrics,
        first=first,
        last=last,
        fit=fit,
        pages=tuple(pages),
    )
