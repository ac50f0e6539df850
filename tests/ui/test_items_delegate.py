"""In-place editors of the items table: spin boxes, the optional date, the status combo."""

from __future__ import annotations

import datetime as dt

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QSpinBox,
    QStyleOptionViewItem,
    QWidget,
)

from tests.ui.popups import POPUP, calendar_days
from ui.date_edit import DateField
from ui.items_delegate import ItemsDelegate
from ui.items_table_model import Column
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_cell_editors_write_through_the_model(
    qtbot,
    window: MainWindow,
    demo_plan,  # type: ignore[no-untyped-def]
    open_in,
) -> None:
    open_in(window, demo_plan)
    service = window.plan
    assert service is not None
    item = service.work_items.find("ATL-52")
    assert window.select_item(item.id)
    view = window.items_view
    delegate = view.table.itemDelegate()
    assert isinstance(delegate, ItemsDelegate)
    parent = QWidget()
    qtbot.addWidget(parent)
    row = view.table.currentIndex().row()

    def edit(column: Column, change) -> QWidget:  # type: ignore[no-untyped-def]
        index = view.proxy.index(row, column)
        editor = delegate.createEditor(parent, QStyleOptionViewItem(), index)
        delegate.setEditorData(editor, index)
        change(editor)
        delegate.setModelData(editor, view.proxy, index)
        return editor

    spin = edit(Column.DURATION, lambda e: e.setValue(9))
    assert isinstance(spin, QSpinBox)
    assert service.work_items.row(item.id).duration == 9
    date = edit(Column.START, lambda e: e.setText("2026-12-08"))
    assert isinstance(date, DateField)
    assert service.work_items.row(item.id).not_before == dt.date(2026, 12, 8)
    edit(Column.START, lambda e: e.setText("not a date"))  # refused: nothing is written
    assert service.work_items.row(item.id).not_before == dt.date(2026, 12, 8)
    edit(Column.START, lambda e: e.clear())
    assert service.work_items.row(item.id).not_before is None
    combo = edit(Column.STATUS, lambda e: e.setCurrentIndex(e.findData("blocked")))
    assert isinstance(combo, QComboBox)
    assert service.work_items.row(item.id).status == "blocked"
    edit(Column.PERCENT, lambda e: e.setValue(40))
    assert service.work_items.row(item.id).percent_complete == 40
    assert window.undo_stack.count() == 5


def _start_editor(qtbot, window: MainWindow, key: str) -> DateField:  # type: ignore[no-untyped-def]
    """Open the in-place editor of an item's Start cell, as F2 does."""
    window.show()
    qtbot.waitExposed(window)
    assert window.plan is not None
    assert window.select_item(window.plan.work_items.find(key).id)
    table = window.items_view.table
    table.setFocus()
    index = table.currentIndex().siblingAtColumn(Column.START)
    table.setCurrentIndex(index)
    table.edit(index)
    editors = [e for e in table.viewport().findChildren(DateField) if e.isVisible()]
    assert len(editors) == 1
    return editors[0]


def test_a_date_typed_into_an_empty_cell_is_committed(
    qtbot, window: MainWindow, demo_plan, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    editor = _start_editor(qtbot, window, "ATL-52")
    assert editor.text() == "" and editor.placeholderText() == "not pinned"
    editor.setFocus()
    qtbot.keyClicks(editor, "15 Jan 2027")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not shiboken6.isValid(editor) or not editor.isVisible())
    assert window.plan.work_items.find("ATL-52").not_before == dt.date(2027, 1, 15)  # type: ignore[union-attr]


def test_a_cell_keeps_its_editor_open_while_the_text_is_no_date(
    qtbot, window: MainWindow, demo_plan, open_in, reports
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    editor = _start_editor(qtbot, window, "ATL-74")
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, "02 Jan 1900")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(20)  # the view would close the editor on a queued call
    assert editor.isVisible() and editor.is_marked_invalid
    assert window.plan.work_items.find("ATL-74").not_before == dt.date(2026, 12, 31)  # type: ignore[union-attr]
    assert window.undo_stack.count() == 0 and reports == []


@POPUP
def test_a_calendar_pick_in_a_cell_commits_and_closes_the_editor(
    qtbot, window: MainWindow, demo_plan, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    editor = _start_editor(qtbot, window, "ATL-52")
    editor.calendar_action.trigger()
    calendar = editor.calendar
    qtbot.waitUntil(calendar.isVisible)
    assert (calendar.yearShown(), calendar.monthShown()) == (2026, 11)  # the item's start
    qtbot.keyClick(calendar_days(calendar), Qt.Key.Key_Right)
    qtbot.keyClick(calendar_days(calendar), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not shiboken6.isValid(editor) or not editor.isVisible())
    assert window.plan.work_items.find("ATL-52").not_before == dt.date(2026, 12, 1)  # type: ignore[union-attr]
    assert window.undo_stack.count() == 1
