"""Editing a recurring change window on the Windows & holidays tab: clock times typed as HH:MM,
the recurrence picked, refusals said, each edit one undo step; and a screenshot of the form."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QScrollArea

from tests.ui.conftest import Reports, settle
from tests.ui.popups import POPUP
from ui.field_widgets import TimeEdit, WeekdaysEdit
from ui.main_window import MainWindow
from ui.plan_settings_dialog import PlanSettingsDialog
from ui.records_view import FORM_WIDTH

pytestmark = pytest.mark.gui

MAINTENANCE = "Production maintenance night"


def test_a_recurring_window_is_edited_in_the_form_and_undone(
    qtbot, window: MainWindow, demo_plan: Path, open_in, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    plan = window.plan
    assert plan is not None
    window.tabs.setCurrentWidget(window.calendar_view)
    view = window.calendar_view
    entry = next(r for r in plan.calendar.rows() if r.name == MAINTENANCE)
    assert view.select_record(entry.id)
    form = view.form
    opens = form.editor("start_time")
    assert isinstance(opens, TimeEdit) and opens.text() == "22:00"
    assert form.editor("end_time").text() == "02:00"  # type: ignore[attr-defined]
    on = form.editor("weekdays")
    assert isinstance(on, WeekdaysEdit) and on.value() == frozenset({5})
    assert form.editor("time_zone").text() == "Europe/Berlin"  # type: ignore[attr-defined]
    steps = window.undo_stack.count()

    # Opens half an hour earlier: typed, committed on Enter, one undo step.
    opens.setFocus()
    opens.selectAll()
    qtbot.keyClicks(opens, "2130")
    qtbot.keyClick(opens, Qt.Key.Key_Return)
    assert plan.calendar.row(entry.id).start_time == dt.time(21, 30)
    assert window.undo_stack.count() == steps + 1

    # Monthly instead of weekly: the first day's week of the month is taken with it.
    repeats = form.editor("recurrence")
    assert isinstance(repeats, QComboBox)
    repeats.setCurrentIndex(repeats.findData("monthly"))
    repeats.activated.emit(repeats.currentIndex())
    changed = plan.calendar.row(entry.id)
    assert changed.recurrence == "monthly" and changed.month_week == 1
    assert window.undo_stack.count() == steps + 2

    # Refusals keep the stored value and say why.
    opens.selectAll()
    qtbot.keyClicks(opens, "25:00")
    qtbot.keyClick(opens, Qt.Key.Key_Return)
    zone = form.editor("time_zone")
    zone.setFocus()
    zone.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(zone, "Mars/Olympus")
    qtbot.keyClick(zone, Qt.Key.Key_Return)
    assert [m for m in reports.messages if "past 23:59" in m]
    assert [m for m in reports.messages if "not a time zone name" in m]
    assert plan.calendar.row(entry.id).start_time == dt.time(21, 30)
    assert plan.calendar.row(entry.id).time_zone == "Europe/Berlin"
    assert window.undo_stack.count() == steps + 2

    window.menu_actions.undo.trigger()
    window.menu_actions.undo.trigger()
    settle(qtbot, window)
    back = plan.calendar.row(entry.id)
    assert (back.recurrence, back.start_time, back.month_week) == ("weekly", dt.time(22), None)
    assert view.select_record(entry.id)
    assert opens.text() == "22:00"

    if os.environ.get("GANTRY_SCREENSHOTS"):
        window.resize(1400, 860)
        window.show()
        qtbot.waitExposed(window)
        window.grab().save(os.environ["GANTRY_SCREENSHOTS"])


def test_all_seven_weekday_boxes_show_in_the_narrow_form(
    qtbot, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    plan = window.plan
    assert plan is not None
    window.resize(1400, 860)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.calendar_view)
    view = window.calendar_view
    entry = next(r for r in plan.calendar.rows() if r.name == MAINTENANCE)
    assert view.select_record(entry.id)
    on = view.form.editor("weekdays")
    assert isinstance(on, WeekdaysEdit)
    scroll = view.findChild(QScrollArea, "recordsForm")
    assert scroll is not None
    # The form at its first width beside the table: every box inside what the panel shows.
    qtbot.waitUntil(lambda: scroll.viewport().width() <= FORM_WIDTH)
    viewport = scroll.viewport()
    shown = viewport.rect()
    for box in on.boxes:
        assert box.isVisible(), box.text()
        place = QRect(box.mapTo(viewport, QPoint(0, 0)), box.size())
        assert shown.contains(place), (box.text(), place, shown)
    assert not scroll.horizontalScrollBar().isVisible()
    assert on.boxes[5].isChecked() and not on.boxes[6].isChecked()

    if os.environ.get("GANTRY_SCREENSHOTS"):
        window.grab().save(os.environ["GANTRY_SCREENSHOTS"])


def test_a_freeze_refuses_clock_times(
    qtbot, window: MainWindow, demo_plan: Path, open_in, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    plan = window.plan
    assert plan is not None
    window.tabs.setCurrentWidget(window.calendar_view)
    view = window.calendar_view
    freeze = next(r for r in plan.calendar.rows() if r.kind == "freeze")
    assert view.select_record(freeze.id)
    opens = view.form.editor("start_time")
    opens.setFocus()
    qtbot.keyClicks(opens, "08:00")
    qtbot.keyClick(opens, Qt.Key.Key_Return)
    assert [m for m in reports.messages if "only change windows have clock times" in m]
    assert plan.calendar.row(freeze.id).start_time is None
    assert opens.text() == ""  # type: ignore[attr-defined]


@POPUP
def test_the_plans_time_zone_is_a_plan_setting(
    window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    plan = window.plan
    assert plan is not None
    window.menu_actions.plan_settings.trigger()
    dialog = window.findChild(PlanSettingsDialog)
    assert dialog is not None
    zone = dialog.form.editor("time_zone")
    assert isinstance(zone, QLineEdit) and zone.text() == "America/New_York"
    zone.setText("Nowhere/Else")
    zone.editingFinished.emit()
    assert "not a time zone name" in dialog.problem.text()
    assert plan.settings.values().time_zone == "America/New_York"
    zone.setText("Europe/Berlin")
    zone.editingFinished.emit()
    assert plan.settings.values().time_zone == "Europe/Berlin"
    window.menu_actions.undo.trigger()
    assert plan.settings.values().time_zone == "America/New_York"
