"""The workbook's Timeline sheet: the Gantt drawn in cells from the chart's own geometry.

The chart's `TimeScale` maps days to x in units of `COLUMN` per sheet column (one column a
day, or a week when the span is long), `frame` gives the bars, `background` the days off,
holidays, windows and markers, and `tier` the two-tier header; this module only turns those
shapes into filled cells, so the sheet and the printed chart agree on every day.

What lies down a whole column (days off, holidays, windows, today) is the column's style;
the rows hold only the cells that carry something (a bar, a mark, a release's target edge),
and cells that look alike are one shared cell, so a 100,000-row Timeline costs about what
openpyxl takes to write its cells at all.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from app.chart_export import RowsSnapshot, default_range
from app.plan_data import ItemRow, ReleaseRow
from app.spreadsheet.columns import TIMELINE_TITLE
from app.spreadsheet.workbook_style import (
    HEADER_BORDER,
    HEADER_FILL,
    HEADER_FONT,
    parts,
    styled_text,
    text_cell,
)
from app.timeline import palette
from app.timeline.background import Band, BandKind, CalendarWindow, MarkerKind, background
from app.timeline.layout import Bar, BarKind, RowMetrics, frame
from app.timeline.scale import TimeScale, Unit, tier

# Units of x per sheet column; above the background's threshold, so a day column shades.
COLUMN = 4.0
# Up to this many days one column is a day; longer spans get one column per week.
DAY_COLUMNS_UP_TO = 126
DAY_CHARS, WEEK_CHARS = 3.6, 6.5  # column widths, in characters
MILESTONE_MARK = "◆"
LABELS = ("Key", "Name", "Start", "Finish")
LABEL_WIDTHS = (11.0, 36.0, 10.5, 10.5)
HEADER_ROWS = 3  # upper tier, lower tier, the windows' names
RELEASE_MARKS = {
    MarkerKind.RELEASE_START: "S",
    MarkerKind.FEATURE_FREEZE: "FF",
    MarkerKind.CODE_FREEZE: "CF",
    MarkerKind.TARGET: "T",
    MarkerKind.ACTUAL: "R",
}
Progress = Callable[[int, int], None]


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour.lstrip("#"))


_BAND_FILLS = {
    BandKind.NONWORKING: _fill(palette.NONWORKING),
    BandKind.HOLIDAY: _fill(palette.HOLIDAY),
    BandKind.FREEZE: _fill(palette.FREEZE),
    BandKind.BLACKOUT: _fill(palette.BLACKOUT),
    BandKind.CHANGE_WINDOW: _fill(palette.CHANGE_WINDOW),
}
_BAND_FONTS = {
    BandKind.FREEZE: Font(size=8, color=palette.FREEZE_TEXT.lstrip("#")),
    BandKind.BLACKOUT: Font(size=8, color=palette.BLACKOUT_TEXT.lstrip("#")),
    BandKind.CHANGE_WINDOW: Font(size=8, color=palette.CHANGE_WINDOW_TEXT.lstrip("#")),
    BandKind.HOLIDAY: Font(size=8, color=palette.MUTED_TEXT.lstrip("#")),
}
_BAR_FILLS = {
    (BarKind.TASK, False, False): _fill(palette.TASK),
    (BarKind.TASK, False, True): _fill(palette.TASK_PROGRESS),
    (BarKind.TASK, True, False): _fill(palette.CRITICAL),
    (BarKind.TASK, True, True): _fill(palette.CRITICAL_PROGRESS),
    (BarKind.SUMMARY, False, False): _fill(palette.SUMMARY),
    (BarKind.SUMMARY, True, False): _fill(palette.SUMMARY_CRITICAL),
}
_MILESTONE_FONTS = {
    False: Font(bold=True, color=palette.MILESTONE.lstrip("#")),
    True: Font(bold=True, color=palette.CRITICAL.lstrip("#")),
}
_CENTRE = Alignment(horizontal="center")
_TODAY = Side(style="medium", color=palette.TODAY.lstrip("#"))
_TARGET = Side(style="medium", color=palette.TARGET.lstrip("#"))
_TIER_EDGE = Side(style="thin", color=palette.GRID_MAJOR.lstrip("#"))
_RELEASE_FONT = Font(bold=True, color=palette.HEADER_TEXT.lstrip("#"))
_RELEASE_FILL = _fill(palette.ROW_STRIPE)
_MARK_FONT = Font(bold=True, size=8, color=palette.FREEZE_MARKER.lstrip("#"))


@dataclass(frozen=True, slots=True)
class TimelineData:
    """What the Timeline draws, copied out of the plan: releases in order with their items."""

    releases: list[ReleaseRow]
    items: list[list[ItemRow]]  # each release's outline, in the order of `releases`
    windows: list[CalendarWindow]  # holidays (plan-wide), freezes, blackouts, change windows
    workdays: frozenset[int]
    holidays: frozenset[dt.date]
    today: dt.date
    first: dt.date | None  # the first and last day shown; None when nothing has dates
    last: dt.date | None

    @property
    def rows(self) -> int:
        return len(self.releases) + sum(len(items) for items in self.items)


def timeline_data(
    releases: Sequence[ReleaseRow],
    items: Sequence[Sequence[ItemRow]],
    *,
    windows: Iterable[CalendarWindow],
    workdays: frozenset[int],
    holidays: frozenset[dt.date],
    today: dt.date,
) -> TimelineData:
    """The Timeline of these releases over the span of all of them, as the chart takes it."""
    spans = []
    for release, outline in zip(releases, items, strict=True):
        has_dates = release.start_date or any(i.start for i in outline)
        if has_dates and (release.target_date or release.finish or any(i.finish for i in outline)):
            spans.append(default_range(release, outline))
    first = min((s[0] for s in spans), default=None)
    last = max((s[1] for s in spans), default=None)
    return TimelineData(
        list(releases),
        [list(outline) for outline in items],
        list(windows),
        workdays,
        holidays,
        today,
        first,
        last,
    )


@dataclass(frozen=True, slots=True)
class _Grid:
    """The sheet's time axis: the chart's scale, in columns after the label columns."""

    scale: TimeScale
    columns: int
    by_week: bool

    @classmethod
    def over(cls, first: dt.date, last: dt.date) -> _Grid:
        days = last.toordinal() - first.toordinal() + 1
        if days <= DAY_COLUMNS_UP_TO:
            return cls(TimeScale(first, COLUMN), days, False)
        monday = first - dt.timedelta(days=first.weekday())
        weeks = math.ceil((last.toordinal() - monday.toordinal() + 1) / 7)
        return cls(TimeScale(monday, COLUMN / 7), weeks, True)

    @property
    def width(self) -> float:
        return self.columns * COLUMN

    def first_column(self, x: float) -> int:
        return max(0, math.floor(x / COLUMN + 1e-9))

    def end_column(self, x: float) -> int:
        """The column after the last one that ``x`` (a right edge) reaches into."""
        return min(self.columns, math.ceil(x / COLUMN - 1e-9))

    def fits(self, text: str, width: float) -> bool:
        # Half a character of room, so a week reads "Aug 17" (or "Sep 7") throughout.
        chars = WEEK_CHARS if self.by_week else DAY_CHARS
        return len(text) + 0.5 <= width / COLUMN * chars

    def tiers(self) -> tuple[Unit, Unit]:
        return (Unit.MONTH, Unit.WEEK) if self.by_week else (Unit.MONTH, Unit.DAY)


def write_timeline(book: Workbook, data: TimelineData, progress: Progress | None = None) -> None:
    """Add the Timeline sheet to a write-only workbook."""
    sheet = book.create_sheet(TIMELINE_TITLE)
    _page_setup(sheet)
    labels = len(LABELS)
    if data.first is None or data.last is None:
        _label_widths(sheet)
        sheet.append([_header(sheet, text) for text in LABELS])
        sheet.append(["Nothing in this export has dates to draw yet."])
        return
    grid = _Grid.over(data.first, data.last)
    _label_widths(sheet)
    sheet.freeze_panes = f"{get_column_letter(labels + 1)}{HEADER_ROWS + 1}"
    plan_wide = background(
        grid.scale,
        0.0,
        grid.width,
        workdays=data.workdays,
        holidays=data.holidays,
        windows=data.windows,
        today=data.today,
    )
    shading = _shading(grid, plan_wide.bands)
    today = next(
        (
            grid.first_column(m.x)
            for m in plan_wide.markers
            if m.kind is MarkerKind.TODAY and 0 <= m.x < grid.width
        ),
        None,
    )
    columns = _Columns(sheet, grid, shading, today)
    # Column styles reach below the last row; the printout ends with the plan.
    sheet.print_area = f"A1:{get_column_letter(labels + grid.columns)}{HEADER_ROWS + data.rows}"
    for row in _header_rows(sheet, grid, plan_wide.bands, today):
        sheet.append(row)
    done = 0
    for release, outline in zip(data.releases, data.items, strict=True):
        marks = background(
            grid.scale,
            0.0,
            grid.width,
            workdays=data.workdays,
            holidays=frozenset(),
            releases=[release],
        ).markers
        target = next(
            (grid.end_column(m.x) - 1 for m in marks if m.kind is MarkerKind.TARGET), None
        )
        edges = columns.edges(target)
        sheet.append(_release_row(sheet, grid, release, marks, columns, edges))
        rows = RowsSnapshot(outline, ())
        bars = {
            bar.row: bar for bar in frame(rows, range(len(rows)), grid.scale, RowMetrics()).bars
        }
        for index, item in enumerate(outline):
            sheet.append(_item_row(sheet, grid, item, bars.get(index), columns, edges))
        done += 1 + len(outline)
        if progress is not None:
            progress(done, data.rows)


def _page_setup(sheet: WriteOnlyWorksheet) -> None:
    """Landscape, one page wide, the header rows and key/name columns on every page."""
    setup = parts(sheet)
    setup.page_setup.orientation = "landscape"
    setup.page_setup.paperSize = int(Worksheet.PAPERSIZE_A4)
    setup.page_setup.fitToWidth = 1
    setup.page_setup.fitToHeight = 0
    if setup.sheet_properties.pageSetUpPr is None:
        setup.sheet_properties.pageSetUpPr = PageSetupProperties()
    setup.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"1:{HEADER_ROWS}"
    sheet.print_title_cols = "A:B"
    setup.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def _label_widths(sheet: WriteOnlyWorksheet) -> None:
    for index, width in enumerate(LABEL_WIDTHS, 1):
        parts(sheet).column_dimensions[get_column_letter(index)].width = width


def _header(sheet: WriteOnlyWorksheet, value: Any, border: Border = HEADER_BORDER) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.border = border
    return cell


def _shading(grid: _Grid, bands: Sequence[Band]) -> list[Band | None]:
    """The band that shades each column (a window over a holiday over a day off), if any.

    A single day off or holiday does not shade a whole week column; windows do, since a
    deployment that week may meet them.
    """
    shade: list[Band | None] = [None] * grid.columns
    for band in bands:
        if grid.by_week and band.kind in (BandKind.NONWORKING, BandKind.HOLIDAY):
            continue
        for column in range(grid.first_column(band.x0), grid.end_column(band.x1)):
            shade[column] = band
    return shade


def _header_rows(
    sheet: WriteOnlyWorksheet, grid: _Grid, bands: Sequence[Band], today: int | None
) -> list[list[Any]]:
    upper_unit, lower_unit = grid.tiers()
    labels = len(LABELS)
    rows: list[list[Any]] = [
        [_header(sheet, None) for _ in range(labels + grid.columns)] for _ in range(HEADER_ROWS)
    ]
    for name_column, text in enumerate(LABELS):
        rows[1][name_column] = _header(sheet, text)
    edge = Border(left=_TIER_EDGE, bottom=_TIER_EDGE)
    for tier_row, unit in ((0, upper_unit), (1, lower_unit)):
        for span in tier(grid.scale, unit, 0.0, grid.width, grid.fits):
            column = grid.first_column(span.x0)
            if column < grid.columns:
                rows[tier_row][labels + column] = _header(sheet, span.label or None, edge)
                if tier_row == 1:
                    rows[tier_row][labels + column].alignment = _CENTRE
    if today is not None:
        marked = _header(sheet, "Today", Border(left=_TODAY, right=_TODAY, bottom=_TODAY))
        marked.font = Font(bold=True, size=8, color=palette.TODAY.lstrip("#"))
        rows[2][labels + today] = marked
    for band in bands:
        font = _BAND_FONTS.get(band.kind)
        column = grid.first_column(band.x0)
        if font is None or not band.label or column >= grid.columns or column == today:
            continue
        if grid.by_week and band.kind is BandKind.HOLIDAY:
            continue  # not shaded in a week column, so not named either
        cell = styled_text(sheet, band.label)
        cell.font = font
        cell.fill = _BAND_FILLS[band.kind]
        cell.border = HEADER_BORDER
        rows[2][labels + column] = cell
    return rows


@dataclass(frozen=True, slots=True)
class _Edges:
    """Columns marked down the body: today (both sides) and the release's target (its end)."""

    today: int | None
    target: int | None

    def border(self, column: int) -> _BorderKey | None:
        if column == self.today:
            return "today"
        if column == self.target:
            return "target"
        return None


_FillKey = BandKind | tuple[BarKind, bool, bool]
_FontKey = Literal["milestone", "critical", "mark"]
_BorderKey = Literal["today", "target"]
_FILLS: dict[_FillKey, PatternFill] = dict([*_BAND_FILLS.items(), *_BAR_FILLS.items()])
_FONTS: dict[_FontKey, Font] = {
    "milestone": _MILESTONE_FONTS[False],
    "critical": _MILESTONE_FONTS[True],
    "mark": _MARK_FONT,
}
_BORDERS: dict[_BorderKey, Border] = {
    "today": Border(left=_TODAY, right=_TODAY),
    "target": Border(right=_TARGET),
}


@dataclass(frozen=True, slots=True)
class _Look:
    """What one chart cell shows: its text, fill, font and edge (None: the column's own)."""

    value: str | None
    fill: _FillKey | None
    font: _FontKey | None
    border: _BorderKey | None


class _Columns:
    """The chart columns of a sheet: their shading and today edges, and the cells drawn on them.

    Shading and the today edges are column styles, so the rows hold only the cells that carry
    a bar, a mark or a release's target edge. A cell written in a styled column hides the
    column's style, so each drawn cell repeats it (a bar over a freeze keeps the bar's fill,
    a milestone in it keeps the freeze's). Drawn cells look alike row after row, so there is
    one cell per look: a write-only sheet writes each appended row out before `append`
    returns, so the same cell can stand in many places without openpyxl building a style for
    every one of them.
    """

    def __init__(
        self,
        sheet: WriteOnlyWorksheet,
        grid: _Grid,
        shading: Sequence[Band | None],
        today: int | None,
    ) -> None:
        self._sheet = sheet
        self._shade: list[_FillKey | None] = [None if b is None else b.kind for b in shading]
        self._today = today
        self._cells: dict[_Look, Cell] = {}
        dimensions = parts(sheet).column_dimensions
        chars = WEEK_CHARS if grid.by_week else DAY_CHARS
        for column in range(grid.columns):
            dimension = dimensions[get_column_letter(len(LABELS) + column + 1)]
            dimension.width = chars
            shade = self._shade[column]
            if shade is not None:
                dimension.fill = _FILLS[shade]
            if column == today:
                dimension.border = _BORDERS["today"]

    def edges(self, target: int | None) -> _Edges:
        return _Edges(self._today, target)

    def row(
        self,
        edges: _Edges,
        fills: dict[int, _FillKey],
        texts: dict[int, tuple[str, _FontKey]],
    ) -> list[Any]:
        """A row's chart columns: the cells drawn on it, None where the column shows through."""
        drawn = fills.keys() | texts.keys()
        if edges.target is not None and edges.target != edges.today:
            drawn.add(edges.target)  # the target's edge is not a column style: it is per release
        cells: list[Any] = [None] * (max(drawn) + 1 if drawn else 0)
        for column in drawn:
            value, font = texts.get(column, (None, None))
            fill = fills.get(column, self._shade[column])
            cells[column] = self._cell(_Look(value, fill, font, edges.border(column)))
        return cells

    def _cell(self, look: _Look) -> Cell:
        cell = self._cells.get(look)
        if cell is None:
            cell = WriteOnlyCell(self._sheet, value=look.value)
            if look.fill is not None:
                cell.fill = _FILLS[look.fill]
            if look.font is not None:
                cell.font = _FONTS[look.font]
                cell.alignment = _CENTRE
            if look.border is not None:
                cell.border = _BORDERS[look.border]
            self._cells[look] = cell
        return cell


def _release_row(
    sheet: WriteOnlyWorksheet,
    grid: _Grid,
    release: ReleaseRow,
    marks: Iterable[Any],
    columns: _Columns,
    edges: _Edges,
) -> list[Any]:
    version = f" ({release.version})" if release.version else ""
    labels: list[Any] = [
        WriteOnlyCell(sheet),
        styled_text(sheet, f"{release.name}{version}"),
        WriteOnlyCell(sheet),
        WriteOnlyCell(sheet),
    ]
    labels[2].value, labels[3].value = release.start_date, release.target_date
    for cell in labels:
        cell.font = _RELEASE_FONT
        cell.fill = _RELEASE_FILL
    texts: dict[int, tuple[str, _FontKey]] = {}
    for mark in marks:
        text = RELEASE_MARKS.get(mark.kind)
        # A release starts at the left edge of its day; the other dates end at the right.
        if mark.kind is MarkerKind.RELEASE_START:
            column = grid.first_column(mark.x)
        else:
            column = grid.end_column(mark.x) - 1
        if text is None or not 0 <= column < grid.columns:
            continue
        before = texts.get(column)
        texts[column] = (text if before is None else f"{before[0]}/{text}", "mark")
    return labels + columns.row(edges, {}, texts)


_INDENTS: dict[int, Alignment] = {}


def _indent(depth: int) -> Alignment:
    if depth not in _INDENTS:
        _INDENTS[depth] = Alignment(indent=depth)
    return _INDENTS[depth]


def _item_row(
    sheet: WriteOnlyWorksheet,
    grid: _Grid,
    item: ItemRow,
    bar: Bar | None,
    columns: _Columns,
    edges: _Edges,
) -> list[Any]:
    name: Any = text_cell(sheet, item.name)
    if item.depth or item.kind == "phase":
        name = styled_text(sheet, item.name)
        if item.depth:
            name.alignment = _indent(item.depth)
        if item.kind == "phase":
            name.font = _RELEASE_FONT
    fills: dict[int, _FillKey] = {}
    texts: dict[int, tuple[str, _FontKey]] = {}
    if bar is not None:
        _draw_bar(grid, bar, fills, texts)
    chart = columns.row(edges, fills, texts)
    return [text_cell(sheet, item.key), name, item.start, item.finish, *chart]


def _draw_bar(
    grid: _Grid,
    bar: Bar,
    fills: dict[int, _FillKey],
    texts: dict[int, tuple[str, _FontKey]],
) -> None:
    if bar.kind is BarKind.MILESTONE:
        # The diamond sits in the middle of the day it shows on.
        column = grid.first_column(bar.x0)
        if 0 <= column < grid.columns:
            texts[column] = (MILESTONE_MARK, "critical" if bar.critical else "milestone")
        return
    for column in range(grid.first_column(bar.x0), grid.end_column(bar.x1)):
        done = bar.kind is BarKind.TASK and (column + 0.5) * COLUMN <= bar.progress_x
        fills[column] = (bar.kind, bar.critical, done)
