"""File › Working Calendar… on the demo plan: a draft of work week and holidays, applied as
one undo step that reschedules, and undone exactly."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialogButtonBox

from tests.app.plan_factory import make_flat_plan, plan_for
from tests.fixed_dates import DEMO_TODAY
from tests.ui.conftest import Reports, settle
from tests.ui.popups import POPUP
from ui.main_window import MainWindow
from ui.plan_editor import PlanEditor
from ui.settings import AppSettings
from ui.working_calendar_dialog import (
    LIVE_MOVED_LIMIT,
    HolidaysModel,
    WorkingCalendarDialog,
    show_working_calendar,
)

pytestmark = [pytest.mark.gui, POPUP]

CHRISTMAS_EVE = dt.date(2026, 12, 24)
THANKSGIVING = dt.date(2026, 11, 26)


def open_calendar(window: MainWindow) -> WorkingCalendarDialog:
    assert window.editor is not None
    return show_working_calendar(window, window.editor, DEMO_TODAY, window.plan_closed)


def finish(window: MainWindow, key: str) -> dt.date | None:
    assert window.plan is not None
    return window.plan.work_items.find(key).finish


def table_contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("plan_settings", "calendar_entries")
        }
    finally:
        conn.close()


def holidays_on_file(path: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return set(
            conn.execute(
                "SELECT start_date, name FROM calendar_entries "
                "WHERE kind = 'holiday' AND environment_id IS NULL"
            )
        )
    finally:
        conn.close()


def ok_button(dialog: WorkingCalendarDialog):  # type: ignore[no-untyped-def]
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_the_file_menu_opens_the_calendar_of_the_plan(
    window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    action = window.menu_actions.working_calendar
    assert not action.isEnabled()  # no plan yet
    open_in(window, demo_plan)
    file_menu = window.menuBar().actions()[0].menu()
    assert action in file_menu.actions()
    action.trigger()
    dialog = window.findChild(WorkingCalendarDialog)
    assert dialog is not None and dialog.isVisible() and dialog.isModal()
    assert dialog.windowTitle() == "Working Calendar"
    # The demo takes the US holidays it recorded, on a Monday-to-Friday week.
    assert [b.isChecked() for b in dialog.day_buttons] == [True] * 5 + [False] * 2
    assert dialog.country_combo.currentData() == "US"
    assert dialog.region_combo.currentData() == ""
    assert (dialog.first_year.value(), dialog.last_year.value()) == (2025, 2027)
    assert dialog.summary.text() == "13 public holidays a year · 5-day week (Mon–Fri)"
    assert dialog.effect.text() == "No changes yet."
    dialog.reject()
    assert window.undo_stack.count() == 0


def test_a_new_calendar_is_one_undo_step_that_moves_the_schedule_and_undoes_exactly(
    qtbot, window: MainWindow, demo_plan: Path, open_in, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    before = table_contents(demo_plan)
    finish_before = finish(window, "ATL-63")
    assert finish_before == dt.date(2026, 12, 14)
    dialog = open_calendar(window)

    dialog.day_buttons[4].click()  # Friday off: a four-day week
    assert dialog.week_text.text() == "4-day week (Mon–Thu)"
    completer = dialog.country_combo.completer()
    completer.setCompletionPrefix("germ")  # the combo finds a country by any part of it
    assert completer.currentCompletion() == "Germany (DE)"
    dialog.choose_country("DE", "BY")
    assert dialog.region_combo.isEnabled()
    assert dialog.region_combo.currentText() == "Bayern (BY)"
    dialog.new_date.setText("24 Dec 2026")
    qtbot.keyClicks(dialog.new_name, "Christmas Eve")
    assert dialog.add_button.isEnabled()
    dialog.add_button.click()
    assert dialog.new_name.text() == ""
    selected = dialog.selected_holiday()
    assert selected is not None and (selected.start, selected.name) == (
        CHRISTMAS_EVE,
        "Christmas Eve",
    )
    assert "1 holiday of the plan's own" in dialog.summary.text()
    qtbot.waitUntil(lambda: dialog.moved is not None, timeout=5000)
    assert dialog.moved and dialog.moved > 10
    assert f"moves {dialog.moved} work items." in dialog.effect.text()
    assert window.undo_stack.count() == 0  # nothing is applied before OK

    ok_button(dialog).click()
    assert not dialog.isVisible()
    assert window.undo_stack.count() == 1
    assert window.undo_stack.text(0) == "Change working calendar"
    assert reports == []
    settle(qtbot, window)
    assert window.plan is not None
    assert window.plan.state.settings.work_week == frozenset(range(4))
    on_file = holidays_on_file(demo_plan)
    assert ("2026-12-24", "Christmas Eve") in on_file
    assert ("2026-10-03", "German Unity Day") in on_file
    assert ("2027-01-06", "Epiphany") in on_file  # Bavaria's
    assert not any(name == "Thanksgiving Day" for _day, name in on_file)
    assert finish(window, "ATL-63") != finish_before  # the schedule followed
    applied = table_contents(demo_plan)

    window.menu_actions.undo.trigger()
    settle(qtbot, window)
    assert table_contents(demo_plan) == before  # settings and entries, ids and all
    assert finish(window, "ATL-63") == finish_before
    window.menu_actions.redo.trigger()
    settle(qtbot, window)
    assert table_contents(demo_plan) == applied  # the same entries under the same ids
    assert reports == []
    assert window.plan.verify_audit().ok


def test_a_country_holiday_unticked_is_worked(
    qtbot, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    dialog = open_calendar(window)
    row = next(
        n for n in range(dialog.model.rowCount()) if dialog.model.holiday(n).start == THANKSGIVING
    )
    index = dialog.proxy.mapFromSource(dialog.model.index(row, HolidaysModel.DATE))
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert dialog.proxy.setData(index, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert dialog.model.holiday(row).start == THANKSGIVING
    unticked = dialog.model.index(row, HolidaysModel.DATE)
    assert unticked.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert unticked.data(Qt.ItemDataRole.FontRole).strikeOut()
    assert dialog.count.text() == "37 of 38 taken"
    assert dialog.effect.text().startswith("Applying removes 1 holiday")
    ok_button(dialog).click()
    settle(qtbot, window)
    assert ("2026-11-26", "Thanksgiving Day") not in holidays_on_file(demo_plan)
    again = open_calendar(window)  # read back as worked, not forgotten
    assert again.draft.excluded == {THANKSGIVING}
    again.select_holiday(again.model.holiday(row))
    assert again.remove_button.text() == "Take It"
    again.remove_button.click()
    assert again.draft.excluded == frozenset()
    again.reject()


def test_the_plans_own_holiday_can_be_removed_and_cancel_changes_nothing(
    window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    before = table_contents(demo_plan)
    dialog = open_calendar(window)
    dialog.new_date.setValue(CHRISTMAS_EVE)
    dialog.new_name.setText("Christmas Eve")
    holiday = dialog.add_holiday()
    assert holiday is not None and dialog.selected_holiday() == holiday
    assert dialog.remove_button.text() == "Remove"
    dialog.remove_button.click()
    assert dialog.draft.manual == ()
    assert dialog.effect.text() == "No changes yet."
    dialog.day_buttons[5].click()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert window.undo_stack.count() == 0
    assert table_contents(demo_plan) == before


def test_no_working_day_cannot_be_applied(window: MainWindow, demo_plan: Path, open_in) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    dialog = open_calendar(window)
    for button in dialog.day_buttons[:5]:
        button.click()
    assert not ok_button(dialog).isEnabled()
    assert "at least one working day" in dialog.effect.text()
    dialog.day_buttons[6].click()  # Sunday alone will do
    assert ok_button(dialog).isEnabled()
    dialog.reject()


def test_the_years_stay_a_span_and_the_suggestion_follows_the_releases(
    window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    dialog = open_calendar(window)
    dialog.first_year.setValue(2030)
    assert dialog.last_year.value() == 2030
    dialog.suggest_button.click()
    span = dialog.suggested
    assert (dialog.first_year.value(), dialog.last_year.value()) == (span[0], span[-1])
    # The demo's releases run from 2025 (the shipped history) into 2027.
    assert span[0] == 2025 and span[-1] >= 2029
    listed_years = {h.start.year for h in dialog.preview.listed}
    assert listed_years == set(span)
    dialog.reject()


def test_a_read_only_plan_shows_its_calendar_without_changing_it(
    qtbot, settings: AppSettings, reports: Reports, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    second = MainWindow(settings, report=reports)
    qtbot.addWidget(second)
    open_in(second, demo_plan)
    assert second.plan is not None and second.plan.read_only
    dialog = open_calendar(second)
    assert dialog.read_only
    assert dialog.subtitle.text().endswith("— read-only")
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok) is None
    assert not any(b.isEnabled() for b in dialog.day_buttons)
    assert not dialog.country_combo.isEnabled() and not dialog.add_button.isEnabled()
    index = dialog.model.index(0, HolidaysModel.DATE)
    assert not dialog.model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert dialog.effect.text().startswith("The plan is open read-only")
    second.close()
    assert not dialog.isVisible()  # it goes with its plan


def test_the_holidays_model_passes_the_model_tester(
    qtmodeltester, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    dialog = open_calendar(window)
    qtmodeltester.check(dialog.model)
    dialog.choose_country("DE")
    qtmodeltester.check(dialog.model)
    dialog.reject()


def test_a_big_plan_is_rescheduled_without_a_count_of_what_moves(
    qtbot, tmp_path: Path, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    plan = plan_for(make_flat_plan(tmp_path / "big.gantry", LIVE_MOVED_LIMIT + 1))
    try:
        dialog = WorkingCalendarDialog(PlanEditor(plan, QUndoStack(), reports), DEMO_TODAY)
        qtbot.addWidget(dialog)
        assert (dialog.first_year.value(), dialog.last_year.value()) == (2026, 2028)
        dialog.day_buttons[5].click()
        assert dialog.effect.text() == "Applying changes the work week and reschedules the plan."
        ok_button(dialog).click()
        assert plan.state.settings.work_week == frozenset(range(6))
        assert reports == []
    finally:
        plan.close()


def test_typing_finds_a_country_and_enter_adds_a_holiday_not_the_calendar(
    qtbot, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    dialog = open_calendar(window)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # so that focus moves as it does for a user
    line = dialog.country_combo.lineEdit()
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, "germ")
    popup = dialog.country_combo.completer().popup()
    assert popup.isVisible() and popup.model().rowCount() == 1
    popup.setCurrentIndex(popup.model().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.draft.country == "DE" and line.text() == "Germany (DE)"
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, "no such land")
    dialog.new_name.setFocus()  # leaving names the country chosen again
    assert line.text() == "Germany (DE)" and dialog.draft.country == "DE"

    dialog.new_date.setText("24 Dec 2026")
    qtbot.keyClicks(dialog.new_name, "Christmas Eve")
    qtbot.keyClick(dialog.new_name, Qt.Key.Key_Return)
    assert dialog.isVisible() and window.undo_stack.count() == 0
    assert [h.name for h in dialog.draft.manual] == ["Christmas Eve"]
    dialog.reject()
