"""File > Plan Settings… on the demo plan: fields from the registry, each change one undo step,
refusals shown in the dialog, and the key prefix and work week acting on the plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit

from app.plan import Plan
from tests.ui.conftest import Reports, settle
from tests.ui.popups import POPUP
from ui.field_widgets import WeekdaysEdit
from ui.formatting import format_date
from ui.items_table_model import Column
from ui.main_window import MainWindow
from ui.plan_settings_dialog import PlanSettingsDialog
from ui.settings import AppSettings

# Showing the dialog raises it, which the offscreen platform cannot do (and says so).
pytestmark = [pytest.mark.gui, POPUP]


def open_settings(window: MainWindow) -> PlanSettingsDialog:
    window.menu_actions.plan_settings.trigger()
    dialog = window.findChild(PlanSettingsDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def line(dialog: PlanSettingsDialog, name: str) -> QLineEdit:
    editor = dialog.form.editor(name)
    assert isinstance(editor, QLineEdit)
    return editor


def type_into(dialog: PlanSettingsDialog, name: str, text: str) -> None:
    editor = line(dialog, name)
    editor.setText(text)
    editor.editingFinished.emit()


def key_prefix_on_file(path: Path) -> str:
    plan = Plan.open(path, read_only=True)
    try:
        return plan.settings.values().key_prefix
    finally:
        plan.close()


def finish_shown(window: MainWindow, key: str) -> str:
    assert window.plan is not None
    model = window.items_view.model
    row = model.row_of(window.plan.work_items.find(key).id)
    assert row is not None
    return str(model.index(row, Column.FINISH).data())


def test_the_dialog_shows_every_setting_and_the_computed_ones_read_only(
    window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    assert not window.menu_actions.plan_settings.isEnabled()  # no plan open yet
    open_in(window, demo_plan)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.menu_actions.plan_settings in file_menu.actions()
    dialog = open_settings(window)
    assert dialog.windowTitle() == "Plan Settings"
    assert dialog.form.title.text() == "Atlas Platform"
    assert line(dialog, "name").text() == "Atlas Platform"
    assert line(dialog, "key_prefix").text() == "ATL"
    # Chosen in File › Working Calendar…, with the holidays it brings: shown here only.
    assert dialog.form.shown("holiday_country") == "United States of America (US), 2025–2027"
    with pytest.raises(KeyError):
        dialog.form.editor("holiday_country")
    week = dialog.form.editor("work_week")
    assert isinstance(week, WeekdaysEdit)
    assert [box.text() for box in week.boxes] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert week.value() == frozenset(range(5))
    assert dialog.form.shown("demo_date") == "30 Nov 2026"
    assert dialog.form.shown("created")  # when the plan was written
    for computed in ("created", "demo_date"):
        with pytest.raises(KeyError):
            dialog.form.editor(computed)  # shown, never edited
    assert open_settings(window) is dialog  # one dialog per plan


def test_a_new_key_prefix_names_the_next_task_and_is_undone(
    window: MainWindow, demo_plan: Path, open_in, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    plan = window.plan
    assert plan is not None
    dialog = open_settings(window)
    type_into(dialog, "key_prefix", "REL")
    assert key_prefix_on_file(demo_plan) == "REL"
    assert window.undo_stack.text(window.undo_stack.index() - 1) == (
        "Edit key prefix of plan settings"
    )
    assert window.select_item(plan.work_items.find("ATL-63").id)
    window.menu_actions.add_task.trigger()
    new_task = window.items_view.current_item_id()
    assert new_task is not None
    assert plan.work_items.row(new_task).key.startswith("REL-")
    window.menu_actions.undo.trigger()  # the task
    window.menu_actions.undo.trigger()  # the prefix
    assert key_prefix_on_file(demo_plan) == "ATL"
    assert line(dialog, "key_prefix").text() == "ATL"  # the dialog follows the undo
    assert reports == []


def test_a_refused_key_prefix_is_explained_and_the_stored_one_shown_again(
    window: MainWindow, demo_plan: Path, open_in, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    dialog = open_settings(window)
    type_into(dialog, "key_prefix", "12-x")
    assert not dialog.problem.isHidden()
    assert dialog.problem.text() == (
        "Plan settings: the key prefix '12-x' must be a letter followed by up to 9 letters or"
        " digits"
    )
    assert line(dialog, "key_prefix").text() == "ATL"
    assert window.undo_stack.count() == 0
    assert key_prefix_on_file(demo_plan) == "ATL"
    assert reports == []  # told in the dialog, not in a box over it
    type_into(dialog, "name", "Atlas Platform 2027")
    assert dialog.problem.isHidden()  # the next accepted change clears it
    assert dialog.form.title.text() == "Atlas Platform 2027"


def test_a_six_day_week_moves_dates_and_undo_moves_them_back(
    qtbot, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    plan = window.plan
    assert plan is not None
    assert finish_shown(window, "ATL-63") == "14 Dec 2026"
    dialog = open_settings(window)
    week = dialog.form.editor("work_week")
    assert isinstance(week, WeekdaysEdit)
    week.boxes[5].click()  # Saturday
    assert plan.settings.values().work_week == frozenset(range(6))
    settle(qtbot, window)
    six_day_finish = plan.work_items.find("ATL-63").finish
    assert six_day_finish is not None and format_date(six_day_finish) != "14 Dec 2026"
    assert finish_shown(window, "ATL-63") == format_date(six_day_finish)
    assert window.undo_stack.text(0) == "Edit working days of plan settings"
    window.menu_actions.undo.trigger()
    settle(qtbot, window)
    assert finish_shown(window, "ATL-63") == "14 Dec 2026"
    assert week.value() == frozenset(range(5))


def test_no_working_day_at_all_is_refused(window: MainWindow, demo_plan: Path, open_in) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    dialog = open_settings(window)
    week = dialog.form.editor("work_week")
    assert isinstance(week, WeekdaysEdit)
    for box in week.boxes[:4]:
        box.click()
    assert window.undo_stack.count() == 4
    week.boxes[4].click()  # Friday, the last one
    assert "at least one working day" in dialog.problem.text()
    assert week.value() == frozenset({4})
    assert window.undo_stack.count() == 4


def test_a_read_only_plan_shows_its_settings_disabled(
    qtbot, settings: AppSettings, reports: Reports, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    second = MainWindow(settings, report=reports)
    qtbot.addWidget(second)
    open_in(second, demo_plan)
    assert second.plan is not None and second.plan.read_only
    dialog = open_settings(second)
    assert dialog.form.subtitle.text().endswith("— read-only")
    for name in ("name", "key_prefix"):
        assert line(dialog, name).isReadOnly()
    assert dialog.form.editor("description").isReadOnly()  # type: ignore[attr-defined]
    assert not dialog.form.editor("work_week").isEnabled()
    second.close()
    assert not dialog.isVisible()  # it goes with its plan
