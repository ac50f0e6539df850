"""The Windows & holidays tab on the demo plan: holidays move the work items' dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import Reports, settle
from ui.items_table_model import Column
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui

# A Tuesday of the in-flight release Atlas 3.5, while ATL-63 (regression testing) runs.
WORKING_TUESDAY = dt.date(2026, 12, 8)


def finish_shown(window: MainWindow, key: str) -> str:
    """The Finish cell of the work-items table, as the user reads it."""
    assert window.plan is not None
    model = window.items_view.model
    row = model.row_of(window.plan.work_items.find(key).id)
    assert row is not None
    return str(model.index(row, Column.FINISH).data())


def test_the_calendar_tab_follows_work_items_with_the_plans_entries(
    window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    tabs = window.tabs
    # The Gantt is the "Calendar"; the entries that shape it have a tab of their own.
    texts = [tabs.tabText(n) for n in range(tabs.count())]
    assert texts == [
        "Work items",
        "Calendar",
        "Dependencies",
        "Release train",
        "Checklists",
        "Runbook",
        "Changes",
        "Release notes",
        "Windows && holidays",
        "Environments",
        "Components",
        "Dashboard",
    ]
    assert tabs.widget(1) is window.gantt
    assert tabs.widget(2) is window.dependency_view
    assert tabs.widget(3) is window.train_view
    view = window.calendar_view
    assert tabs.widget(4) is window.checklists_view
    assert tabs.widget(5) is window.runbook_view
    assert tabs.widget(6) is window.changes_view
    assert tabs.widget(7) is window.notes_view
    assert tabs.widget(8) is view
    model = view.model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "Kind",
        "Name",
        "From",
        "To",
        "Applies to",
    ]
    assert model.rowCount() == 54
    # The page's own toolbar has Add and Delete; the main toolbar stays as it was.
    assert view.add_action in view.toolbar.actions()
    assert view.add_action not in window.toolbar.actions()


def test_a_holiday_on_a_working_day_of_the_release_moves_a_tasks_finish(
    qtbot, window: MainWindow, demo_plan: Path, open_in, reports: Reports
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    assert finish_shown(window, "ATL-63") == "14 Dec 2026"
    window.tabs.setCurrentWidget(window.calendar_view)
    view = window.calendar_view
    holiday = view.add_record(
        {"name": "Site closure", "start_date": WORKING_TUESDAY, "end_date": WORKING_TUESDAY}
    )
    assert holiday is not None
    view.table.closePersistentEditor(view.table.currentIndex())
    settle(qtbot, window)
    assert finish_shown(window, "ATL-63") == "15 Dec 2026"
    # One environment's holiday does not move the plan's work: editing it back reschedules.
    applies = view.model.index(view.model.row_of(holiday) or 0, 4)
    prod = next(v for v, label in view.model.options(view.model.columns[4]) if label == "prod")
    assert view.model.setData(applies, prod)
    settle(qtbot, window)
    assert finish_shown(window, "ATL-63") == "14 Dec 2026"
    window.menu_actions.undo.trigger()
    settle(qtbot, window)
    assert finish_shown(window, "ATL-63") == "15 Dec 2026"
    window.menu_actions.undo.trigger()
    settle(qtbot, window)
    assert finish_shown(window, "ATL-63") == "14 Dec 2026"
    assert view.model.row_of(holiday) is None
    assert reports == []


def test_delete_on_the_calendar_tab_deletes_the_entry_not_a_work_item(
    qtbot, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    window.show()
    open_in(window, demo_plan)
    # Shortcuts go to the active window's focus: also after a slow open showed its dialog.
    qtbot.waitUntil(window.isActiveWindow)
    plan = window.plan
    assert plan is not None
    item = plan.work_items.find("ATL-63")
    assert window.select_item(item.id)
    assert window.menu_actions.delete.isEnabled()
    window.tabs.setCurrentWidget(window.calendar_view)
    assert not window.menu_actions.delete.isEnabled()  # Delete Item is for the Work items tab
    view = window.calendar_view
    entry = next(r for r in plan.calendar.rows() if r.name == "Christmas Day")
    assert view.select_record(entry.id)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert view.model.row_of(entry.id) is None
    assert plan.work_items.row(item.id).key == "ATL-63"
    assert window.undo_stack.text(0) == "Delete calendar entry Christmas Day (2025-12-25)"
    window.tabs.setCurrentWidget(window.items_view)
    assert window.menu_actions.delete.isEnabled()


def test_a_read_only_plan_shows_the_calendar_for_reading(
    qtbot, settings, reports: Reports, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    second = MainWindow(settings, report=reports)
    qtbot.addWidget(second)
    open_in(second, demo_plan)  # the first window holds the lock
    assert second.plan is not None and second.plan.read_only
    view = second.calendar_view
    assert view.model.rowCount() == 54
    assert not view.add_action.isEnabled() and not view.delete_action.isEnabled()
    entry = second.plan.calendar.rows()[0]
    assert view.select_record(entry.id)
    assert not view.delete_action.isEnabled()
    assert not view.model.flags(view.model.index(0, 1)) & Qt.ItemFlag.ItemIsEditable
    assert view.filter_box.isEnabled()
    second.close()


def test_adding_a_task_from_the_calendar_tab_shows_it_among_the_work_items(
    window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    window.tabs.setCurrentWidget(window.calendar_view)
    new_id = window.add_item("task")
    assert new_id is not None
    assert window.tabs.currentWidget() is window.items_view
    assert window.items_view.current_item_id() == new_id
