"""Print and export of the chart: a release's rows and dates taken from an open plan, paged.

`chart_document` reads what the chart needs from the plan once (on the thread that owns the
plan state) into plain rows, so the pages can be drawn anywhere afterwards: on a worker
thread of the window, into a PDF, PNG images or the platform's printer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.errors import ValidationError
from app.plan import Plan
from app.plan_data import ItemRow, ReleaseRow
from app.plan_state import LinkRecord
from app.timeline.background import CalendarWindow
from app.timeline.pages import PAPERS, TILE_DAY_WIDTH, Fit, PageLayout, paginate
from app.timeline.pdf import write_pdf
from app.timeline.plan_rows import PlanRows
from app.timeline.png import write_png
from app.timeline.sheet import ChartContent, range_text

FORMATS = ("pdf", "png")
# Days shown before the first and after the last date of a release when no range is given.
MARGIN_DAYS = 2
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ChartRequest:
    """What to print: a release (name or version; None for the current one), dates, paper."""

    release: str | None = None
    first: dt.date | None = None
    last: dt.date | None = None
    paper: str = "a4"
    fit: Fit = Fit.WIDTH
    day_width: float = TILE_DAY_WIDTH
    baseline: str | None = None  # the name of one of the release's baselines, drawn under the bars


@dataclass(frozen=True, slots=True)
class ChartDocument:
    release: ReleaseRow
    layout: PageLayout
    content: ChartContent


class RowsSnapshot:
    """A release's chart rows copied out of the plan state (safe to read on any thread)."""

    def __init__(self, items: Sequence[ItemRow], links: Iterable[LinkRecord]) -> None:
        self._items = list(items)
        self._row_of = {item.id: row for row, item in enumerate(self._items)}
        self._links: dict[int, list[LinkRecord]] = {}
        for link in links:
            self._links.setdefault(link.predecessor_id, []).append(link)
            if link.successor_id != link.predecessor_id:
                self._links.setdefault(link.successor_id, []).append(link)

    def __len__(self) -> int:
        return len(self._items)

    def item(self, row: int) -> ItemRow:
        return self._items[row]

    def row_of(self, item_id: int) -> int | None:
        return self._row_of.get(item_id)

    def links(self, item_id: int) -> list[LinkRecord]:
        return self._links.get(item_id, [])


def current_release(plan: Plan) -> ReleaseRow:
    """The release a chart shows when none is named: the first in progress, else the first
    planned, else the last one (all shipped)."""
    rows = plan.releases.rows()
    if not rows:
        raise ValidationError(f"{plan.path.name} has no releases to chart.")
    for status in ("in_progress", "planned"):
        for row in rows:
            if row.status == status:
                return row
    return rows[-1]


def default_range(release: ReleaseRow, items: Sequence[ItemRow]) -> tuple[dt.date, dt.date]:
    """The release's span in whole weeks (Monday to Sunday) with a couple of days around it:
    from its start (or earliest item) through its target or latest finish, whichever is later."""
    starts = [d for d in [release.start_date, *(i.start for i in items)] if d is not None]
    ends = [
        d
        for d in [release.target_date, release.finish, *(i.finish for i in items)]
        if d is not None
    ]
    if not starts or not ends:
        raise ValidationError(
            f"Release {release.name} has no dates to chart yet; "
            "give the dates with --from and --to."
        )
    first = min(starts) - dt.timedelta(days=MARGIN_DAYS)
    last = max(ends) + dt.timedelta(days=MARGIN_DAYS)
    first -= dt.timedelta(days=first.weekday())
    last += dt.timedelta(days=6 - last.weekday())
    return first, last


def release_range(plan: Plan, release: ReleaseRow) -> tuple[dt.date, dt.date]:
    """The dates a release's chart shows when none are given (see `default_range`)."""
    outline = PlanRows(plan.state, release.id)
    return default_range(release, [outline.item(row) for row in range(len(outline))])


def chart_document(plan: Plan, request: ChartRequest, today: dt.date) -> ChartDocument:
    """The pages of a release's chart; ``today`` is the printed date and the today line."""
    if request.paper not in PAPERS:
        raise ValidationError(f"Paper '{request.paper}' is not one of {', '.join(sorted(PAPERS))}.")
    release = plan.releases.find(request.release) if request.release else current_release(plan)
    problems = plan.state.problems()
    if problems:
        # Dates computed around a cycle would mislead a reader, as in `gantry schedule`.
        raise ValidationError(problems)
    outline = PlanRows(plan.state, release.id)
    items = [outline.item(row) for row in range(len(outline))]
    ids = {item.id for item in items}
    state = plan.state
    links = [
        state.links[link_id]
        for item_id in ids
        for link_id in state.succs.get(item_id, ())
        if state.links[link_id].successor_id in ids
    ]
    first, last = request.first, request.last
    if first is None or last is None:
        default_first, default_last = default_range(release, items)
        first, last = first or default_first, last or default_last
    if last < first:
        raise ValidationError(
            f"The chart would end ({last.isoformat()}) before it starts ({first.isoformat()})."
        )
    windows: list[CalendarWindow] = [
        entry
        for entry in plan.calendar.rows()
        if entry.kind != "holiday" or entry.environment_id is None
    ]
    baseline = _baseline_dates(plan, release, request.baseline)
    version = f" ({release.version})" if release.version else ""
    finish = release.finish.isoformat() if release.finish else "not scheduled"
    target = f"target {release.target_date.isoformat()}" if release.target_date else "no target"
    late = f", late by {release.late_by} working days" if release.late_by else ""
    content = ChartContent(
        rows=RowsSnapshot(items, links),
        title=state.settings.name or plan.path.stem,
        subtitle=f"Release {release.name}{version}: finishes {finish}, {target}{late}"
        + (f"; baseline “{request.baseline}”" if request.baseline else ""),
        printed=today,
        workdays=state.settings.work_week,
        holidays=state.holidays,
        windows=windows,
        release=release,
        today=today,
        baseline=baseline,
    )
    layout = paginate(
        len(items), first, last, paper=request.paper, fit=request.fit, day_width=request.day_width
    )
    return ChartDocument(release, layout, content)


def _baseline_dates(
    plan: Plan, release: ReleaseRow, name: str | None
) -> Callable[[int], tuple[dt.date, dt.date] | None] | None:
    """The named baseline's dates, copied so the pages can be drawn on another thread."""
    if name is None:
        return None
    baselines = plan.baselines.rows(release.id)
    chosen = next((b for b in baselines if b.name == name), None)
    if chosen is None:
        known = ", ".join(f"“{b.name}”" for b in baselines) or "none"
        raise ValidationError(
            f"Release {release.name} has no baseline named “{name}” (its baselines: {known})."
        )
    dates = {item_id: (d.start, d.finish) for item_id, d in plan.baselines.dates(chosen.id).items()}
    return dates.get


def export_format(out: Path) -> str:
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValidationError(
            f"{out.name}: a chart is written as .pdf or .png, not '{out.suffix}'."
        )
    return suffix


def write_chart(document: ChartDocument, out: Path, progress: Progress | None = None) -> list[Path]:
    """Write the chart as a PDF or as PNG images (one per page); returns the files written."""
    if export_format(out) == "pdf":
        write_pdf(out, document.layout, document.content, progress=progress)
        return [out]
    return write_png(out, document.layout, document.content, progress=progress)


def describe(document: ChartDocument) -> str:
    """One line saying what was charted, for the command line and the window's status bar."""
    layout = document.layout
    pages = len(layout.pages)
    return (
        f"release {document.release.name}, {range_text(layout.first, layout.last)}, "
        f"{layout.paper.upper() if layout.paper.startswith('a') else layout.paper.title()} "
        f"landscape, fit {layout.fit.value}, {pages} page{'s' if pages != 1 else ''}"
    )
