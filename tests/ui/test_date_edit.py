"""Date fields as a user types into them: in the Properties panel, on a real plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import QLineEdit

from tests.ui.popups import POPUP, calendar_days
from ui.date_edit import DateField
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui

JAN_15 = dt.date(2027, 1, 15)
Field = Callable[[str], DateField]


def _short(locale: QLocale) -> str:
    return locale.toString(QDate(2027, 1, 15), QLocale.FormatType.ShortFormat)


def _long(locale: QLocale) -> str:
    return locale.toString(QDate(2027, 1, 15), QLocale.FormatType.LongFormat)


@pytest.fixture
def item_field(qtbot, window: MainWindow, demo_plan: Path, open_in) -> Field:  # type: ignore[no-untyped-def]
    """field(key): the shown window's "Not before" field for that item."""
    open_in(window, demo_plan)
    window.resize(1200, 760)
    window.show()
    qtbot.waitExposed(window)

    def field(key: str) -> DateField:
        assert window.plan is not None
        assert window.select_item(window.plan.work_items.find(key).id)
        editor = window.properties.item_form.editor("not_before")
        assert isinstance(editor, QLineEdit)  # typed into like any text field
        assert isinstance(editor, DateField)
        return editor

    return field


def _not_before(window: MainWindow, key: str) -> dt.date | None:
    assert window.plan is not None
    return window.plan.work_items.find(key).not_before


def _type(qtbot, field: QLineEdit, text: str, end: Qt.Key = Qt.Key.Key_Return) -> None:  # type: ignore[no-untyped-def]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, end)


@pytest.mark.parametrize(
    ("locale_name", "typed"),
    [
        ("C", lambda _locale: "15 Jan 2027"),
        ("C", lambda _locale: "2027-01-15"),
        ("C", _short),
        ("en_US", _short),  # 1/15/27: month first, a two-digit year that is 2027, not 1927
        ("de_DE", _short),  # 15.01.27
        ("de_DE", _long),  # Freitag, 15. Januar 2027
        ("en_GB", lambda _locale: "15/01/2027"),
        ("en_US", lambda _locale: "01/15/2027"),
    ],
)
def test_a_date_typed_into_an_empty_field_is_committed(
    qtbot,
    window: MainWindow,
    item_field: Field,
    locale_name: str,
    typed: Callable[[QLocale], str],  # type: ignore[no-untyped-def]
) -> None:
    field = item_field("ATL-52")
    assert field.text() == "" and _not_before(window, "ATL-52") is None
    locale = QLocale(locale_name)
    field.setLocale(locale)
    _type(qtbot, field, typed(locale))
    assert _not_before(window, "ATL-52") == JAN_15
    assert field.text() == "15 Jan 2027"
    assert window.undo_stack.count() == 1


def test_focus_leaving_the_field_commits_the_typed_date(
    qtbot, window: MainWindow, item_field: Field
) -> None:  # type: ignore[no-untyped-def]
    field = item_field("ATL-52")
    field.setFocus()
    qtbot.keyClicks(field, "2027-01-15")
    window.properties.item_form.editor("owner").setFocus()
    qtbot.waitUntil(lambda: _not_before(window, "ATL-52") == JAN_15)


@pytest.mark.parametrize(
    "typed", ["none15 Jan 2027", "x", "0", "02 Jan 1900", "1900-01-02", "31 Feb 2027"]
)
def test_text_that_is_no_date_is_shown_red_and_never_stored(
    qtbot, window: MainWindow, item_field: Field, typed: str
) -> None:  # type: ignore[no-untyped-def]
    field = item_field("ATL-74")
    stored = _not_before(window, "ATL-74")
    assert stored == dt.date(2026, 12, 31)
    _type(qtbot, field, typed)
    assert _not_before(window, "ATL-74") == stored
    assert window.undo_stack.count() == 0
    assert field.text() == typed  # left for the user to mend, not silently thrown away
    assert field.is_marked_invalid and field.toolTip() == field.error()
    assert field.value() == stored
    window.properties.item_form.editor("owner").setFocus()  # leaving does not store it either
    assert _not_before(window, "ATL-74") == stored and field.is_marked_invalid
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Escape)  # Escape puts the stored date back
    assert field.text() == "31 Dec 2026" and not field.is_marked_invalid


def test_mending_the_text_clears_the_red_and_commits(
    qtbot, window: MainWindow, item_field: Field
) -> None:  # type: ignore[no-untyped-def]
    field = item_field("ATL-52")
    _type(qtbot, field, "15 Jan 20277")
    assert field.is_marked_invalid
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    assert not field.is_marked_invalid
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert _not_before(window, "ATL-52") == JAN_15


def test_delete_on_the_whole_text_clears_the_date(
    qtbot, window: MainWindow, item_field: Field
) -> None:  # type: ignore[no-untyped-def]
    field = item_field("ATL-74")
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    assert field.text() == "" and not field.is_marked_invalid
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert _not_before(window, "ATL-74") is None
    assert field.placeholderText() == "no date"


def test_the_clear_button_clears_at_once(window: MainWindow, item_field: Field) -> None:
    field = item_field("ATL-74")
    assert field.clear_action.isVisible()
    field.clear_action.trigger()
    assert _not_before(window, "ATL-74") is None
    assert field.text() == "" and not field.clear_action.isVisible()


@POPUP
def test_the_calendar_opens_on_the_items_start_and_a_pick_commits(
    qtbot, window: MainWindow, item_field: Field
) -> None:  # type: ignore[no-untyped-def]
    field = item_field("ATL-52")  # no date yet: the calendar shows the scheduled start's month
    field.calendar_action.trigger()
    calendar = field.calendar
    qtbot.waitUntil(calendar.isVisible)
    assert (calendar.yearShown(), calendar.monthShown()) == (2026, 11)
    assert calendar.selectedDate() == QDate(2026, 11, 30)
    qtbot.keyClick(calendar_days(calendar), Qt.Key.Key_Right)  # keyboard: the next day, then Enter
    qtbot.keyClick(calendar_days(calendar), Qt.Key.Key_Return)
    assert not calendar.isVisible()
    assert _not_before(window, "ATL-52") == dt.date(2026, 12, 1)
    assert field.text() == "01 Dec 2026"
    field.calendar_action.trigger()  # opens on the date it holds now
    assert calendar.selectedDate() == QDate(2026, 12, 1)
    qtbot.keyClick(calendar_days(calendar), Qt.Key.Key_Escape)
    assert not calendar.isVisible()
    assert _not_before(window, "ATL-52") == dt.date(2026, 12, 1)


def test_the_calendar_never_offers_a_year_a_plan_cannot_hold(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field)
    assert field.calendar.minimumDate().year() >= 1970
    field.setValue(None)
    assert field.value() is None and field.text() == ""


def test_read_only_fields_offer_no_buttons(
    qtbot, settings, reports, demo_plan: Path, open_in
) -> None:  # type: ignore[no-untyped-def]
    holder = MainWindow(settings, report=reports)
    qtbot.addWidget(holder)
    open_in(holder, demo_plan)
    reader = MainWindow(settings, report=reports)  # the second window is read-only
    qtbot.addWidget(reader)
    open_in(reader, demo_plan)
    assert reader.plan is not None
    reader.select_item(reader.plan.work_items.find("ATL-74").id)
    field = reader.properties.item_form.editor("not_before")
    assert isinstance(field, DateField)
    assert field.isReadOnly()
    assert not field.calendar_action.isVisible() and not field.clear_action.isVisible()
    reader.close()
    holder.close()
