"""Pages of the printed chart: fit to width and tiles, repeated row labels, page x of y."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.chart_export import ChartRequest, chart_document, default_range
from app.errors import ValidationError
from app.plan import Plan
from app.timeline.pages import PAPERS, PRINT_METRICS, Fit, paginate
from app.timeline.pdf import measure
from app.timeline.sheet import Text, fit_text, page_shapes
from tests.app.plan_factory import make_flat_plan, make_plan, plan_for

D = dt.date
PRINTED = D(2026, 1, 7)


def texts(shapes: list[object]) -> list[str]:
    return [s.text for s in shapes if isinstance(s, Text)]


@pytest.fixture
def flat(tmp_path: Path) -> Plan:
    """100 one-day tasks: enough rows for four A4 pages at fit to width."""
    return plan_for(make_flat_plan(tmp_path / "flat.gantry", 100))


def test_fit_width_flows_rows_down_a4_needs_more_pages_than_a3() -> None:
    a4 = paginate(100, D(2026, 1, 5), D(2026, 3, 29), paper="a4")
    a3 = paginate(100, D(2026, 1, 5), D(2026, 3, 29), paper="a3")
    per_a4 = int(a4.chart.height // PRINT_METRICS.height)
    per_a3 = int(a3.chart.height // PRINT_METRICS.height)
    assert len(a4.pages) == -(-100 // per_a4) == 4
    assert len(a3.pages) == -(-100 // per_a3) == 3
    for layout in (a4, a3):
        # One column of dates, the whole range scaled to the chart's width.
        assert {(p.first, p.last, p.columns) for p in layout.pages} == {
            (D(2026, 1, 5), D(2026, 3, 29), 1)
        }
        assert layout.scale.x_after(D(2026, 3, 29)) == pytest.approx(layout.chart.width)
        rows = [row for page in layout.pages for row in page.rows]
        assert rows == list(range(100))  # every row once, in order
    assert (a4.width, a4.height) == PAPERS["a4"] and a4.width > a4.height  # landscape


def test_tiles_cut_a_grid_of_pages_numbered_band_by_band() -> None:
    layout = paginate(60, D(2026, 1, 5), D(2026, 5, 3), paper="letter", fit=Fit.TILES)
    per_column = int(layout.chart.width // layout.scale.day_width)
    per_column -= per_column % 7  # whole weeks per column of pages
    columns = -(-119 // per_column)
    per_band = int(layout.chart.height // PRINT_METRICS.height)
    bands = -(-60 // per_band)
    assert columns >= 2 and bands >= 2
    assert len(layout.pages) == columns * bands
    order = [(p.band, p.column) for p in layout.pages]
    assert order == [(b, c) for b in range(1, bands + 1) for c in range(1, columns + 1)]
    assert [p.footer for p in layout.pages][:2] == [
        f"Page 1 of {columns * bands}",
        f"Page 2 of {columns * bands}",
    ]
    # Columns of dates tile the range without a gap and each starts on a Monday.
    firsts = [p.first for p in layout.pages[:columns]]
    assert all(day.weekday() == 0 for day in firsts)
    assert layout.pages[columns - 1].last == D(2026, 5, 3)
    for a, b in zip(layout.pages, layout.pages[1:columns], strict=False):
        assert b.first == a.last + dt.timedelta(days=1)


def test_a_range_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError):
        paginate(3, D(2026, 1, 5), D(2026, 1, 4))


def test_row_labels_and_timescale_repeat_on_every_tile(flat: Plan) -> None:
    request = ChartRequest(fit=Fit.TILES, first=D(2026, 1, 5), last=D(2026, 4, 26))
    document = chart_document(flat, request, PRINTED)
    layout = document.layout
    assert layout.pages[0].columns >= 2
    for page in layout.pages:
        shown = texts(page_shapes(layout, page, document.content, measure))
        keys = [f"B-{row + 1}" for row in page.rows]
        assert all(key in shown for key in keys), page
        assert f"Task number {page.rows.start + 1}" in shown
        assert f"Page {page.number} of {len(layout.pages)}" in shown
        assert "Printed 7 Jan 2026" in shown
        assert any(t.startswith("Release Big (9.0)") for t in shown)
        # The timescale starts at the page's own first week (each column starts on a Monday).
        week = f"{page.first:%b} {page.first.day}"
        assert any(t.startswith(("Week", "W")) and t.endswith(week) for t in shown), week
    flat.close()


def test_a_release_chart_shows_its_items_windows_and_target(tmp_path: Path) -> None:
    plan = plan_for(make_plan(tmp_path / "p.gantry"))
    document = chart_document(plan, ChartRequest(release="R1"), PRINTED)
    (page,) = document.layout.pages
    shown = texts(page_shapes(document.layout, page, document.content, measure))
    for name in ("Build", "Design", "Build it", "Docs", "R1 target"):
        assert name in shown
    assert any(t.startswith("GA ") for t in shown)  # a milestone's label carries its day
    plan.close()


def test_default_range_is_the_release_in_whole_weeks(tmp_path: Path) -> None:
    plan = plan_for(make_plan(tmp_path / "p.gantry"))
    release = plan.releases.find("R1")
    items = [plan.state.row(i) for i in plan.state.outline(release.id)]
    first, last = default_range(release, items)
    starts = [i.start for i in items if i.start] + [release.start_date]
    ends = [i.finish for i in items if i.finish] + [release.target_date]
    assert first.weekday() == 0 and last.weekday() == 6
    assert first <= min(d for d in starts if d) - dt.timedelta(days=2)
    assert last >= max(d for d in ends if d) + dt.timedelta(days=2)
    assert (last - first).days < (max(d for d in ends if d) - first).days + 10
    with pytest.raises(ValidationError, match="before it starts"):
        chart_document(plan, ChartRequest(first=D(2026, 2, 1), last=D(2026, 1, 1)), PRINTED)
    plan.close()


def test_long_text_is_shortened_with_an_ellipsis_to_fit() -> None:
    text = "Customer interviews: enterprise single sign-on and audit logs"
    short = fit_text(text, 80, 7, False, measure)
    assert short.endswith("…") and measure(short, 7, False) <= 80
    assert text.startswith(short[:-1])
    assert fit_text("Docs", 80, 7, False, measure) == "Docs"
    assert fit_text(text, 2, 7, False, measure) == ""
