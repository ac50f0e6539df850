"""The window's first layout on a laptop and a desktop screen, and the Undo History dock."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize, QTimer
from PySide6.QtWidgets import QApplication, QMenu

from tests.ui.popups import POPUP
from ui.items_table_model import HEADERS, Column
from ui.items_view import ESSENTIAL, ItemsView
from ui.main_window import MainWindow, default_window_size
from ui.settings import AppSettings
from ui.undo_history import AS_OPENED

pytestmark = pytest.mark.gui


def _shown_on(qtbot, window: MainWindow, screen: QSize) -> None:  # type: ignore[no-untyped-def]
    window.resize(default_window_size(screen))
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)  # let the docks and the table settle into the new size


def _fully_visible(view: ItemsView) -> list[Column]:
    header = view.table.horizontalHeader()
    room = view.table.viewport().width()
    return [
        column
        for column in Column
        if not header.isSectionHidden(column)
        and header.sectionViewportPosition(column) >= 0
        and header.sectionViewportPosition(column) + header.sectionSize(column) <= room
    ]


def test_a_laptop_screen_shows_the_essential_columns_without_scrolling(
    qtbot, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    _shown_on(qtbot, window, QSize(1366, 768))
    assert window.width() <= 1366
    view = window.items_view
    assert set(ESSENTIAL) <= set(_fully_visible(view))
    assert view.table.horizontalScrollBar().maximum() == 0
    names = view.table.horizontalHeader().sectionSize(Column.NAME)
    assert names >= 22 * view.table.fontMetrics().horizontalAdvance("0")  # room for a name


def test_a_desktop_screen_shows_more_and_a_wide_name(
    qtbot, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    _shown_on(qtbot, window, QSize(1920, 1080))
    view = window.items_view
    shown = _fully_visible(view)
    assert set(ESSENTIAL) <= set(shown)
    assert Column.STATUS in shown and Column.OWNER in shown
    assert view.table.horizontalScrollBar().maximum() == 0


@POPUP
def test_hidden_columns_are_in_the_header_menu_and_the_users_choice_is_kept(
    qtbot, settings: AppSettings, reports, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(settings, report=reports)
    qtbot.addWidget(window)
    open_in(window, demo_plan)
    _shown_on(qtbot, window, QSize(1366, 768))
    header = window.items_view.table.horizontalHeader()
    assert header.isSectionHidden(Column.OWNER)
    entries: list[tuple[str, bool]] = []

    def read_and_pick() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        entries.extend((a.text(), a.isChecked()) for a in menu.actions() if a.text())
        [owner] = [a for a in menu.actions() if a.text() == HEADERS[Column.OWNER]]
        owner.trigger()
        menu.close()

    QTimer.singleShot(50, read_and_pick)
    header.customContextMenuRequested.emit(QPoint(10, 5))
    assert (HEADERS[Column.OWNER], False) in entries and (HEADERS[Column.KEY], True) in entries
    assert entries[-1] == ("Fit Columns to Window", False)
    assert not header.isSectionHidden(Column.OWNER)
    assert window.items_view.columns_chosen
    window.close()

    again = MainWindow(settings, report=reports)
    qtbot.addWidget(again)
    assert again.items_view.columns_chosen
    assert not again.items_view.table.horizontalHeader().isSectionHidden(Column.OWNER)
    again.items_view.fit_columns_to_window()  # the menu's last entry
    assert not again.items_view.columns_chosen
    again.close()
    assert settings.header_state("items") is None  # the table lays itself out next time


def test_the_undo_history_is_named_for_what_it_is(
    qtbot, window: MainWindow, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    assert window.history_dock.windowTitle() == "Undo History"
    assert window.history_dock.objectName() == "historyDock"  # saved layouts still restore
    assert window.menu_actions.history.text() == "Undo &History"
    undo = window.undo_history
    assert undo.currentWidget() is undo.hint and "No plan is open" in undo.hint.text()
    open_in(window, demo_plan)
    assert undo.currentWidget() is window.history
    assert window.history.emptyLabel() == AS_OPENED
    assert window.history.model().index(0, 0).data() == AS_OPENED
    window.close_plan()
    assert undo.currentWidget() is undo.hint
