"""The Release train tab on the demo plan: lanes, collisions, zoom, and picking a release."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from app.plan import Plan
from tests.fixed_dates import DEMO_TODAY
from tests.ui.conftest import OpenIn, settle
from ui.gantt.train_chart import HEADER_HEIGHT, LABEL_WIDTH
from ui.gantt.train_view import TrainView
from ui.main_window import MainWindow
from ui.plan_events import PlanEvents

pytestmark = pytest.mark.gui

FREEZE_MESSAGE = (
    "Atlas 3.5's target 2026-12-28 falls inside Year-end change freeze 2026/2027 "
    "(2026-12-18 to 2027-01-03)."
)


@pytest.fixture
def plan(demo_plan: Path) -> Iterator[Plan]:
    opened = Plan.open(demo_plan)
    yield opened
    opened.close()


@pytest.fixture
def view(qtbot, plan: Plan) -> TrainView:  # type: ignore[no-untyped-def]
    widget = TrainView(lambda: DEMO_TODAY)
    qtbot.addWidget(widget)
    widget.resize(1400, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_plan(plan, PlanEvents(plan, widget))
    return widget


def test_every_demo_release_has_a_lane_with_its_label_and_all_fit(view: TrainView) -> None:
    chart = view.chart
    assert chart.train is not None
    releases = chart.train.releases
    assert [r.name for r in releases] == [
        *(f"Atlas 3.{n}" for n in range(1, 7)),
        *("Atlas 3.5.1", "Atlas 3.5.2", "Atlas 3.5.3"),  # the patch train
    ]
    for release in releases:
        assert release.start_date is not None and release.target_date is not None
        point = chart.lane_point(release.id, release.start_date)
        assert chart.release_at(point) == release.id
        label = chart.tip_at(QPoint(20, point.y()))
        assert label.startswith(f"{release.name} ({release.version})\nStatus: ")
        # Zoomed to fit: the whole span, from start to target, is inside the chart.
        for day in (release.start_date, release.target_date):
            assert LABEL_WIDTH < chart.lane_point(release.id, day).x() < chart.viewport().width()
    assert view.collisions.count() == 0
    assert view.summary.text() == "No collisions"
    assert view.below.isHidden()


def test_a_target_moved_into_the_year_end_freeze_is_listed_and_shown(
    qtbot, view: TrainView, plan: Plan
) -> None:  # type: ignore[no-untyped-def]
    atlas_35 = plan.releases.find("Atlas 3.5").id
    plan.releases.update(atlas_35, "target_date", dt.date(2026, 12, 28))  # a change notice
    messages = [view.collisions.item(n).text() for n in range(view.collisions.count())]
    assert messages[0] == FREEZE_MESSAGE
    assert view.list_title.text().startswith("Collisions (2)")
    assert view.summary.text() == "2 collisions" and view.below.isVisible()
    chart = view.chart
    spot = chart.lane_point(atlas_35, dt.date(2026, 12, 28)) + QPoint(5, 0)  # the day's end
    assert FREEZE_MESSAGE in chart.tip_at(spot + QPoint(0, -14))  # the warning sign above it

    chart.zoom_in()
    chart.zoom_in()
    chart.go_to(dt.date(2026, 9, 1))  # the collision is now far off to the left
    assert chart.lane_point(atlas_35, dt.date(2026, 12, 28)).x() > chart.viewport().width()
    item = view.collisions.item(0)
    qtbot.mouseClick(
        view.collisions.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.collisions.visualItemRect(item).center(),
    )
    assert chart.focused == 0
    x = chart.lane_point(atlas_35, dt.date(2026, 12, 28)).x()
    assert LABEL_WIDTH < x < chart.viewport().width()


def _wheel(chart_viewport, point: QPoint, steps: int) -> None:  # type: ignore[no-untyped-def]
    event = QWheelEvent(
        QPointF(point),
        QPointF(chart_viewport.mapToGlobal(point)),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(chart_viewport, event)


def test_zoom_by_keys_and_ctrl_wheel_keeps_the_day_under_the_pointer(
    qtbot, view: TrainView
) -> None:  # type: ignore[no-untyped-def]
    chart = view.chart
    fitted = chart.scale.day_width
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert chart.scale.day_width > fitted
    qtbot.keyClick(chart, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(chart, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert chart.scale.day_width < fitted

    view.fit_action.trigger()
    assert chart.scale.day_width == pytest.approx(fitted)
    point = QPoint(LABEL_WIDTH + 300, HEADER_HEIGHT + 80)
    before = chart.scale.date_at(point.x() - LABEL_WIDTH + chart.horizontalScrollBar().value())
    _wheel(chart.viewport(), point, 1)
    _wheel(chart.viewport(), point, 1)
    after = chart.scale.date_at(point.x() - LABEL_WIDTH + chart.horizontalScrollBar().value())
    assert abs((after - before).days) <= 1
    assert chart.scale.day_width > fitted

    view.today_action.trigger()
    # Today in the middle, unless the chart ends too soon after it to scroll that far.
    bar = chart.horizontalScrollBar()
    centre = bar.value() + chart.chart_width() / 2
    assert abs((chart.scale.date_at(centre) - DEMO_TODAY).days) <= 1 or bar.value() == bar.maximum()
    assert bar.value() <= chart.scale.x_mid(DEMO_TODAY) <= bar.value() + chart.chart_width()


def test_double_click_on_a_lane_selects_its_release(qtbot, view: TrainView) -> None:  # type: ignore[no-untyped-def]
    chart = view.chart
    assert chart.train is not None
    atlas_36 = chart.train.releases[-1]
    assert atlas_36.target_date is not None
    point = chart.lane_point(atlas_36.id, atlas_36.target_date - dt.timedelta(days=20))
    with qtbot.waitSignal(view.release_selected) as picked:
        qtbot.mouseDClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert picked.args == [atlas_36.id]


def test_the_window_has_the_train_as_a_tab_that_opens_a_release_in_the_calendar(
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    window.resize(1400, 900)
    window.show()
    titles = [window.tabs.tabText(n) for n in range(window.tabs.count())]
    assert "Release train" in titles
    window.tabs.setCurrentWidget(window.train_view)
    settle(qtbot, window)
    chart = window.train_view.chart
    assert chart.train is not None and len(chart.train.releases) == 9
    shipped = chart.train.releases[0]
    assert shipped.start_date is not None
    point = chart.lane_point(shipped.id, shipped.start_date + dt.timedelta(days=7))
    qtbot.mouseDClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.items_view.release_id == shipped.id
    # The release opens in the Calendar tab, its Gantt shown.
    assert window.tabs.currentWidget() is window.gantt
    assert window.gantt.release_id == shipped.id
