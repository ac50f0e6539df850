"""A date editor that can also hold "no date" (Delete clears it), in the plan's date format."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateEdit, QWidget
from typing_extensions import override

from ui.formatting import DATE_DISPLAY_FORMAT

NO_DATE = QDate(1900, 1, 1)  # the minimum date stands for "no date" and shows as blank


class OptionalDateEdit(QDateEdit):
    """QDateEdit with a calendar popup whose minimum date means "none"."""

    committed = Signal()  # the user finished editing (Enter, focus out, a calendar pick)

    def __init__(self, parent: QWidget | None = None, empty_text: str = "none") -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(DATE_DISPLAY_FORMAT)
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText(empty_text)
        self.setToolTip("Pick a date; Delete clears it")
        self.editingFinished.connect(self.committed)
        calendar = self.calendarWidget()
        calendar.installEventFilter(self)
        # The popup sets the date before it closes; commit once that has happened.
        calendar.clicked.connect(lambda _date: QTimer.singleShot(0, self, self.committed.emit))

    def value(self) -> dt.date | None:
        date = self.date()
        return None if date <= NO_DATE else dt.date(date.year(), date.month(), date.day())

    def setValue(self, value: dt.date | None) -> None:  # noqa: N802  (Qt-style setter)
        self.setDate(NO_DATE if value is None else QDate(value.year, value.month, value.day))

    def clear_value(self) -> None:
        self.setDate(NO_DATE)

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and (
            self.value() is None
            or self.lineEdit().hasSelectedText()
            and len(self.lineEdit().selectedText()) == len(self.text())
        ):
            self.clear_value()
            return
        super().keyPressEvent(event)

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Opening the calendar on "no date" would show January 1900: show this month instead.
        if watched is self.calendarWidget() and event.type() == QEvent.Type.Show:
            if self.value() is None:
                today = QDate.currentDate()
                self.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)
