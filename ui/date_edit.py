"""A date field that may be empty: typed dates (the locale's forms, ISO), a calendar popup."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QEvent, QLocale, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QAction, QFocusEvent, QKeyEvent, QValidator
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QWidget
from typing_extensions import override

from app.date_input import MAX_YEAR, MIN_YEAR, check_date, parse_date_text, parse_datetime_text
from ui.formatting import format_date, format_local
from ui.resources import icon

# Two-digit years in the locale's short form (en_US "1/15/27") are 20xx; Qt would read 1927.
BASE_YEAR = 2000
_LOCALE_FORMS = (
    QLocale.FormatType.ShortFormat,
    QLocale.FormatType.LongFormat,
    QLocale.FormatType.NarrowFormat,
)
WIDE_VALUE = dt.datetime(2027, 9, 30, 23, 59)  # room enough for any date (and time) shown
_INVALID_STYLE = "QLineEdit { border: 1px solid #dc2626; border-radius: 3px; background: #fef2f2; }"
TIP = "Type a date (15 Jan 2027, 2027-01-15 or your usual form) or pick one; empty means none"


def parse_typed_date(text: str, locale: QLocale) -> dt.date | None:
    """The date `text` names in `locale`'s forms, ISO or "15 Jan 2027"; None when blank.

    Raises ValueError with a sentence for anything else, a year outside plans included.
    """
    stripped = text.strip()
    if not stripped:
        return None
    for form in _LOCALE_FORMS:
        date = locale.toDate(stripped, form, BASE_YEAR)
        if date.isValid():
            return check_date(_python_date(date))
    return parse_date_text(stripped, day_first=day_first(locale))


def day_first(locale: QLocale) -> bool:
    """Whether `locale` writes the day before the month (15/01 rather than 01/15)."""
    pattern = locale.dateFormat(QLocale.FormatType.ShortFormat)
    day, month = pattern.find("d"), pattern.find("M")
    return day < month or month < 0


def _python_date(date: QDate) -> dt.date:
    return dt.date(date.year(), date.month(), date.day())


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


class _DateValidator(QValidator):
    """Any text may be typed on the way to a date; only a date (or nothing) is acceptable."""

    def __init__(self, field: DateField) -> None:
        super().__init__(field)
        self._field = field

    @override
    def validate(self, text: str, pos: int) -> object:
        if self._field.error_for(text) is None:
            return QValidator.State.Acceptable
        return QValidator.State.Intermediate


class _CalendarPopup(QCalendarWidget):
    """The calendar under a date field; Escape closes it without a pick."""

    def __init__(self, field: DateField) -> None:
        super().__init__(field)
        self.setWindowFlags(Qt.WindowType.Popup)
        self.setGridVisible(False)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setDateRange(QDate(MIN_YEAR, 1, 1), QDate(MAX_YEAR, 12, 31))

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)


class DateField(QLineEdit):
    """One optional date: empty (the placeholder shows) or a date shown as "15 Jan 2027".

    Typed text commits on Enter or focus out once it is a date; other text is marked red and
    never replaces the stored date (Escape puts it back). The calendar button and the clear
    button commit at once.
    """

    committed = Signal()  # the user changed the date (typed, picked or cleared it)
    picked = Signal()  # a calendar pick or the clear button: nothing left to type

    def __init__(self, parent: QWidget | None = None, placeholder: str = "no date") -> None:
        super().__init__(parent)
        self._value: dt.date | None = None
        self._reference: dt.date | None = None
        self._calendar: _CalendarPopup | None = None
        self._usual_tip = TIP
        self.setPlaceholderText(placeholder)
        self.setToolTip(TIP)
        self.setValidator(_DateValidator(self))
        # Our own QActions: the ones addAction(icon, position) makes for us die with PySide
        # 6.11 as soon as the field is handed to a view as a cell editor.
        self.clear_action = QAction(icon("clear"), "Clear", self)
        self.clear_action.setToolTip("Clear the date")
        self.clear_action.triggered.connect(lambda: self._accept(None))
        self.addAction(self.clear_action, QLineEdit.ActionPosition.TrailingPosition)
        self.calendar_action = QAction(icon("calendar"), "Calendar", self)
        self.calendar_action.setToolTip("Pick the date in a calendar")
        self.calendar_action.triggered.connect(self.open_calendar)
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.editingFinished.connect(self._finish)
        self.textChanged.connect(self._text_changed)
        self._update_buttons()

    # -- value -------------------------------------------------------------------------------

    def parse(self, text: str) -> dt.date | None:
        """The value `text` names (None when blank); ValueError saying why it names none."""
        return parse_typed_date(text, self.locale())

    def shown(self, value: dt.date | None) -> str:
        """A value as the field shows it."""
        return format_date(value)

    def value(self) -> dt.date | None:
        """The date the text names; while the text is no date, the date last accepted."""
        try:
            return self.parse(self.text())
        except ValueError:
            return self._value

    def setValue(self, value: dt.date | None) -> None:  # noqa: N802  (Qt-style setter)
        """Show a stored date (or none) without committing anything."""
        self._value = value
        self.setText(self.shown(value))
        self.setCursorPosition(0)
        self._mark_invalid(None)

    def set_reference_date(self, value: dt.date | None) -> None:
        """Where the calendar opens while the field is empty (say, the release's start)."""
        self._reference = value

    def error_for(self, text: str) -> str | None:
        """Why `text` is no date, or None when it is one (or blank)."""
        try:
            self.parse(text)
        except ValueError as exc:
            return str(exc)
        return None

    def error(self) -> str | None:
        """Why the current text is no date, or None."""
        return self.error_for(self.text())

    @property
    def is_marked_invalid(self) -> bool:
        return bool(self.property("invalid"))

    # -- calendar ----------------------------------------------------------------------------

    @property
    def calendar(self) -> QCalendarWidget:
        """The popup calendar (made on first use)."""
        if self._calendar is None:
            self._calendar = _CalendarPopup(self)
            self._calendar.clicked.connect(self._pick)
            self._calendar.activated.connect(self._pick)
        return self._calendar

    def open_calendar(self) -> None:
        """Show the calendar on the date, else on the reference date's month."""
        if self.isReadOnly():
            return
        calendar = self.calendar
        value = self.value()
        shown = value if value is not None else self._reference
        if isinstance(shown, dt.datetime):
            shown = shown.date()
        if shown is not None:
            calendar.setSelectedDate(_qdate(shown))
            calendar.setCurrentPage(shown.year, shown.month)
        calendar.adjustSize()
        # Below the field, or above it where the screen ends; never off the screen.
        screen = self.screen().availableGeometry()
        size = calendar.sizeHint()
        top_left = self.mapToGlobal(QPoint(0, 0))
        x = max(screen.left(), min(top_left.x(), screen.right() - size.width()))
        y = top_left.y() + self.height()
        if y + size.height() > screen.bottom():
            y = top_left.y() - size.height()
        calendar.move(x, max(screen.top(), y))
        calendar.show()
        calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _pick(self, date: QDate) -> None:
        if self._calendar is not None:
            self._calendar.hide()
        self._accept(self.picked_value(_python_date(date)))
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- committing --------------------------------------------------------------------------

    def picked_value(self, day: dt.date) -> dt.date:
        """The value a calendar pick of `day` stands for."""
        return day

    def _accept(self, value: dt.date | None) -> None:
        """A calendar pick or a clear: show it and commit at once."""
        self.setText(self.shown(value))
        self._mark_invalid(None)
        self._store(value)
        self.picked.emit()

    def _finish(self) -> None:
        """Enter or focus out with acceptable text: show it our way and commit it."""
        try:
            value = self.parse(self.text())
        except ValueError as exc:  # the locale changed under the validator: refuse all the same
            self._mark_invalid(str(exc))
            return
        if self.text() != self.shown(value):
            self.setText(self.shown(value))
        self._store(value)

    def _store(self, value: dt.date | None) -> None:
        if value != self._value:
            self._value = value
            self.committed.emit()

    def mark_if_invalid(self) -> bool:
        """Show why the text is no date (red, with the reason as tooltip); True if it is not."""
        self._mark_invalid(self.error())
        return self.is_marked_invalid

    def _mark_invalid(self, reason: str | None) -> None:
        was_invalid = self.is_marked_invalid
        if not was_invalid and reason is None:
            return
        if not was_invalid:
            self._usual_tip = self.toolTip()  # the reason takes the tooltip's place meanwhile
        self.setProperty("invalid", reason is not None)
        self.setStyleSheet(_INVALID_STYLE if reason else "")
        self.setToolTip(reason or self._usual_tip)

    def _text_changed(self, _text: str) -> None:
        # Red is shown once the user tried to finish; it goes as soon as the text is a date.
        if self.is_marked_invalid and self.error() is None:
            self._mark_invalid(None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        editable = not self.isReadOnly()
        self.calendar_action.setVisible(editable)
        self.clear_action.setVisible(editable and bool(self.text()))

    # -- Qt events ---------------------------------------------------------------------------

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape and self.text() != self.shown(self._value):
            self.setValue(self._value)  # back to the stored date
            event.accept()
            return
        if key == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier:
            self.open_calendar()  # as a combo box opens its list
            event.accept()
            return
        super().keyPressEvent(event)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.mark_if_invalid()

    @override
    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.mark_if_invalid()

    @override
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ReadOnlyChange:
            self._update_buttons()

    @override
    def sizeHint(self) -> QSize:
        # Room for the widest date plus the two buttons, whatever the font.
        hint = super().sizeHint()
        text = self.fontMetrics().horizontalAdvance(self.shown(WIDE_VALUE) + "  ")
        buttons = 2 * (self.fontMetrics().height() + 8)
        return QSize(max(hint.width(), text + buttons + 12), hint.height())


DATETIME_TIP = (
    "Type a date and time (2027-01-04 19:00, 4 Jan 2027 19:00) or pick the day; empty means none"
)


class DateTimeField(DateField):
    """One optional date and time of day to the minute, shown as "04 Jan 2027 19:00".

    Typed as a date field is, with a 24-hour time after the date; a calendar pick keeps the
    time of day the field had (or takes `default_time` when it had none).
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        placeholder: str = "no date",
        default_time: dt.time = dt.time(9, 0),
    ) -> None:
        super().__init__(parent, placeholder)
        self._default_time = default_time
        self._usual_tip = DATETIME_TIP
        self.setToolTip(DATETIME_TIP)

    @override
    def parse(self, text: str) -> dt.datetime | None:
        return parse_datetime_text(text, day_first=day_first(self.locale()))

    @override
    def shown(self, value: dt.date | None) -> str:
        return format_local(value) if isinstance(value, dt.datetime) else ""

    @override
    def picked_value(self, day: dt.date) -> dt.datetime:
        current = self.value()
        at = current.time() if isinstance(current, dt.datetime) else self._default_time
        return dt.datetime.combine(day, at)
