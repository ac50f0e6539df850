"""The Dashboard tab on the demo plan: cards, monthly charts and the release table, the period
and release choosers, and a refresh when the plan changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.metrics_report import figure, percent
from app.plan import Plan
from tests.fixed_dates import DEMO_TODAY
from tests.ui.conftest import OpenIn
from ui.dashboard_view import DashboardView
from ui.main_window import MainWindow
from ui.plan_events import PlanEvents

pytestmark = pytest.mark.gui


@pytest.fixture
def plan(demo_plan: Path) -> Iterator[Plan]:
    opened = Plan.open(demo_plan)
    yield opened
    opened.close()


@pytest.fixture
def view(qtbot, plan: Plan) -> DashboardView:  # type: ignore[no-untyped-def]
    widget = DashboardView(lambda: DEMO_TODAY)
    qtbot.addWidget(widget)
    widget.resize(1300, 850)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_plan(plan, PlanEvents(plan, widget))
    return widget


def card_values(view: DashboardView) -> dict[str, str]:
    return {card.card.title: card.value.text() for card in view.cards}


def row_of(view: DashboardView, release: str) -> list[str]:
    table = view.table
    for row in range(table.rowCount()):
        cells = [table.item(row, c).text() for c in range(table.columnCount())]
        if cells[0] == release:
            return cells
    raise AssertionError(f"no row for {release}")


def test_the_last_52_weeks_of_the_demo(view: DashboardView) -> None:
    report = view.report
    assert report is not None
    assert (report.period.first, report.period.last) == (
        DEMO_TODAY - dt.timedelta(days=363),
        DEMO_TODAY,
    )
    # A year of production deployments: Atlas 3.1 to 3.4 and their patches, one rolled back.
    m = report.plan
    assert (m.deployments, m.succeeded, m.failed) == (15, 14, 1)
    assert view.heading.text().endswith(
        "15 production deployments, 14 succeeded, 1 failed or rolled back"
    )
    values = card_values(view)
    assert values["Deployment frequency"] == f"{14 / 52:.2f} / wk"
    assert values["Change failure rate"] == "7 %"
    assert values["Time to restore"] == "24.0 h"
    assert values["Lead time for changes"] == figure(m.lead_time_days, " d", 1)

    # The charts show the months the period touches; the bars add up to the deployments.
    chart = view.deploy_chart
    assert chart.months == tuple(
        f"{month} {year}"
        for year, months in (
            ("25", ["Dec"]),
            ("26", "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov".split()),
        )
        for month in months
    )
    assert sum(t or 0 for t in chart.totals()) == 15
    failed = [s for s in chart.series if s.name.startswith("Failed")][0]
    assert sum(v or 0 for v in failed.values) == 1
    assert "Production deployments per month" in chart.toolTip()

    assert view.table.rowCount() == 9
    rolled_back = row_of(view, "Atlas 3.2")
    assert rolled_back[1:4] == ["5", "4", "1"]
    assert rolled_back[6:8] == ["20 %", "24.0 h"]
    assert row_of(view, "Atlas 3.5")[-1] == "+0 working days vs Plan of record"
    assert row_of(view, "Atlas 3.6")[-1] == "no baseline"


def test_choosing_a_release_and_a_shorter_period(qtbot, view: DashboardView) -> None:  # type: ignore[no-untyped-def]
    view.release.setCurrentIndex(view.release.findText("Atlas 3.2"))
    assert view.report is not None and view.report.plan.deployments == 5
    assert card_values(view)["Change failure rate"] == percent(1 / 5)

    view.release.setCurrentIndex(0)  # all releases
    view.period.setCurrentIndex(view.period.findText("Last 4 weeks"))
    report = view.report
    assert report is not None
    assert report.period.first == DEMO_TODAY - dt.timedelta(days=27)
    assert report.plan.deployments == 0
    values = card_values(view)
    assert values["Deployment frequency"] == "0.00 / wk"
    assert values["Lead time for changes"] == "–"
    # Atlas 3.4's go-live and hotfix fell in the four weeks before: frequency went down.
    change = view.cards[0].change.text()
    assert change.startswith("▼ from 0.50 / wk")


def test_a_new_baseline_shows_in_the_table_at_once(view: DashboardView, plan: Plan) -> None:
    release = plan.releases.find("Atlas 3.6")
    plan.baselines.create(release.id, "Committed", created_at=dt.datetime(2026, 11, 30, 9))
    assert row_of(view, "Atlas 3.6")[-1] == "+0 working days vs Committed"


def test_the_window_has_a_dashboard_tab(
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    window.show()
    qtbot.waitExposed(window)
    titles = [window.tabs.tabText(n) for n in range(window.tabs.count())]
    assert titles[-1] == "Dashboard"
    window.tabs.setCurrentWidget(window.dashboard_view)
    assert window.dashboard_view.report is not None
    assert window.dashboard_view.table.rowCount() == 9
