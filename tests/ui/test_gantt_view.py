"""The Gantt tab's panes: aligned rows, folding, zoom, refresh from notices, the tree's model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import OpenIn, settle
from tests.ui.gantt_support import DAY, Gantt, gantt
from ui.gantt.chart import item_tip
from ui.gantt.dialogs import GoToDateDialog
from ui.gantt.rows_model import Column
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui
__all__ = ["gantt"]  # the fixture

D = dt.date


def test_the_tree_model_passes_the_model_tester(qtmodeltester, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(gantt.view.model)
    gantt.view.toggle(gantt.id("R1-P"))
    qtmodeltester.check(gantt.view.model)


def test_the_tree_shows_the_outline_with_dates(gantt: Gantt) -> None:
    model = gantt.view.model
    keys = [model.index(r, Column.KEY).data() for r in range(model.rowCount())]
    assert keys == ["R1-P", "A", "B", "C", "M"]
    assert model.index(1, Column.START).data() == "05 Jan 2026"
    assert model.index(2, Column.FINISH).data() == "12 Jan 2026"
    assert model.index(1, Column.DURATION).data() == "3 d"


def test_rows_and_headers_line_up_to_the_pixel_after_scrolling(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    view = gantt.view
    view.resize(900, 160)  # shorter than the rows, so there is something to scroll
    qtbot.waitUntil(lambda: view.chart.verticalScrollBar().maximum() > 0)
    tree, chart = view.tree, view.chart
    assert tree.horizontalHeader().height() == chart.header.height() == chart.header_height
    assert (
        tree.viewport().mapToGlobal(QPoint(0, 0)).y()
        == chart.viewport().mapToGlobal(QPoint(0, 0)).y()
    )
    for value in (0, 17, chart.verticalScrollBar().maximum()):
        chart.verticalScrollBar().setValue(value)
        assert tree.verticalScrollBar().value() == value
        for row in range(view.model.rowCount()):
            tree_y = (
                tree.viewport().mapToGlobal(tree.visualRect(view.model.index(row, 0)).topLeft()).y()
            )
            chart_y = chart.viewport().mapToGlobal(QPoint(0, round(chart.row_top(row)))).y()
            assert tree_y == chart_y
    tree.verticalScrollBar().setValue(5)  # scrolling the tree (wheel, keys) moves the chart
    assert chart.verticalScrollBar().value() == 5


def test_folding_a_phase_hides_its_rows_in_both_panes(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    view = gantt.view
    rect = view.tree.visualRect(view.model.index(0, Column.NAME))
    arrow = QPoint(rect.left() + 12, rect.center().y())  # the phase's fold arrow
    qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=arrow)
    assert view.model.rowCount() == 2
    assert len(view.chart.rows or []) == 2
    assert view.chart.bar_of(gantt.id("A")) is None
    milestone = view.chart.bar_of(gantt.id("M"))
    assert milestone is not None and milestone.row == 1
    view.toggle(gantt.id("R1-P"))
    a = view.chart.bar_of(gantt.id("A"))
    assert view.model.rowCount() == 5 and a is not None and a.row == 1


def test_ctrl_wheel_zooms_around_the_mouse(gantt: Gantt) -> None:
    chart = gantt.view.chart
    x = 300.0
    day = chart.date_at_view_x(x)
    offset = x + chart.horizontalScrollBar().value() - chart.scale.x(day)
    event = QWheelEvent(
        QPointF(x, 40),
        chart.viewport().mapToGlobal(QPointF(x, 40)),
        QPoint(),
        QPoint(0, 120),  # one notch away from the user
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(chart.viewport(), event)
    assert chart.scale.day_width == pytest.approx(DAY * 1.25)
    assert chart.date_at_view_x(x) == day  # the day under the mouse stayed there
    assert abs(x + chart.horizontalScrollBar().value() - chart.scale.x(day) - offset * 1.25) <= 1


def test_keys_and_buttons_zoom_and_fit_the_release(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    view, chart = gantt.view, gantt.view.chart
    view.activateWindow()
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert chart.scale.day_width == 36.0  # the next zoom step
    qtbot.keyClick(chart, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert chart.scale.day_width == DAY
    view.fit_action.trigger()
    release = gantt.plan.releases.find("R1")
    assert chart.view_x(release.start_date) >= 0
    assert chart.view_x(release.target_date) < chart.viewport().width()
    view.today_action.trigger()
    assert 0 < chart.view_x(D(2026, 1, 7)) < chart.viewport().width()


def test_go_to_date_scrolls_there(qtbot, gantt: Gantt) -> None:  # type: ignore[no-untyped-def]
    view, chart = gantt.view, gantt.view.chart
    view.go_to_action.trigger()
    dialog = view.findChildren(GoToDateDialog)[-1]
    dialog.field.setText("2026-06-01")
    dialog._accept()
    assert 0 < chart.view_x(D(2026, 6, 1)) < chart.viewport().width()


def test_an_edit_repaints_and_new_items_rebuild_the_rows(gantt: Gantt) -> None:
    view, model = gantt.view, gantt.view.model
    rows = view.rows
    gantt.editor.set_item_field(gantt.id("A"), "duration", 5)
    assert view.rows is rows and model.index(2, Column.START).data() == "13 Jan 2026"
    release = gantt.plan.releases.find("R1").id
    new_id = gantt.editor.add_item(release, "task", "Extra", after_id=gantt.id("M"))
    assert new_id is not None and model.rowCount() == 6
    assert view.chart.bar_of(new_id) is not None
    gantt.stack.undo()
    assert model.rowCount() == 5


def test_critical_items_and_late_items_say_so(gantt: Gantt) -> None:
    gantt.editor.set_item_field(gantt.id("A"), "duration", 12)  # R1 now misses its target
    a = gantt.plan.work_items.find("A")
    assert a.total_slack is not None and a.total_slack < 0
    tip = item_tip(a)
    assert "Late by" in tip and "A" in tip and "Duration: 12 working days" in tip
    bar = gantt.view.chart.bar_of(a.id)
    assert bar is not None and bar.late_by == -a.total_slack
    gantt.view.critical_action.trigger()
    assert gantt.view.chart.critical
    gantt.view.chart.grab()


def test_the_calendar_tab_shows_the_release_and_selects_with_the_window(
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    window.tabs.setCurrentWidget(window.gantt)
    settle(qtbot, window)
    gantt = window.gantt
    assert gantt.release_id == window.items_view.release_id
    assert len(gantt.rows or []) == window.items_view.model.rowCount()
    item_id = gantt.rows.item_id(1) if gantt.rows else 0
    gantt.select_item(item_id)
    assert window.properties.shown_item == item_id
    window.save_layout()
    assert window.settings.last_tab() == "ganttView"
