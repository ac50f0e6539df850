"""In-place editors of the items table: spin boxes, the optional date, the status combo."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QSpinBox, QStyleOptionViewItem, QWidget

from ui.date_edit import NO_DATE, OptionalDateEdit
from ui.items_delegate import ItemsDelegate
from ui.items_table_model import Column
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_the_optional_date_edit_holds_no_date(qtbot) -> None:  # type: ignore[no-untyped-def]
    edit = OptionalDateEdit()
    qtbot.addWidget(edit)
    edit.setValue(None)
    assert edit.value() is None and edit.date() == NO_DATE
    edit.setValue(dt.date(2026, 12, 7))
    assert edit.value() == dt.date(2026, 12, 7)
    assert edit.text() == "07 Dec 2026"
    edit.lineEdit().selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert edit.value() is None


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
    date = edit(Column.START, lambda e: e.setDate(QDate(2026, 12, 8)))
    assert isinstance(date, OptionalDateEdit)
    assert service.work_items.row(item.id).not_before == dt.date(2026, 12, 8)
    edit(Column.START, lambda e: e.clear_value())
    assert service.work_items.row(item.id).not_before is None
    combo = edit(Column.STATUS, lambda e: e.setCurrentIndex(e.findData("blocked")))
    assert isinstance(combo, QComboBox)
    assert service.work_items.row(item.id).status == "blocked"
    edit(Column.PERCENT, lambda e: e.setValue(40))
    assert service.work_items.row(item.id).percent_complete == 40
    assert window.undo_stack.count() == 5
