"""Editor widgets made from field rules: one factory for table cells, forms and dialogs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)
from typing_extensions import override

from app.fields import WEEKDAY_NAMES, Field, FieldKind
from ui.date_edit import DateField, DateTimeField
from ui.flow_layout import FlowLayout
from ui.formatting import format_date, format_local, format_moment

Options = Sequence[tuple[Any, str]]  # (value, label) for choices and references


class NotesEdit(QPlainTextEdit):
    """Multi-line text that commits when focus leaves it."""

    editingFinished = Signal()  # noqa: N815  (named like QLineEdit's signal)

    @override
    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.editingFinished.emit()


class WeekdaysEdit(QWidget):
    """Seven check boxes, Monday first, wrapping onto a second line in a narrow form rather
    than cut off at its edge; commits on every toggle."""

    editingFinished = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = FlowLayout(self)
        self.boxes = [QCheckBox(name) for name in WEEKDAY_NAMES]
        for box in self.boxes:
            layout.addWidget(box)
            box.clicked.connect(lambda _checked: self.editingFinished.emit())
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def value(self) -> frozenset[int]:
        return frozenset(n for n, box in enumerate(self.boxes) if box.isChecked())

    def setValue(self, days: frozenset[int]) -> None:  # noqa: N802  (Qt-style setter)
        for n, box in enumerate(self.boxes):
            box.setChecked(n in days)


class TimeEdit(QLineEdit):
    """A time of day typed as HH:MM; empty for none (the field's rules read the text)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("HH:MM")
        self.setMaxLength(5)


def make_editor(field: Field, parent: QWidget | None = None, options: Options = ()) -> QWidget:
    """The widget that edits `field`; `options` lists what a choice or reference offers."""
    match field.kind:
        case FieldKind.MULTILINE:
            notes = NotesEdit(parent)
            notes.setTabChangesFocus(True)
            notes.setFixedHeight(72)
            return notes
        case FieldKind.INT:
            spin = QSpinBox(parent)
            low = field.minimum if field.minimum is not None else -999_999
            if field.empty_label:
                # One step below the minimum stands for no value, shown as the label.
                low -= 1
                spin.setSpecialValueText(field.empty_label)
            spin.setRange(low, field.maximum if field.maximum is not None else 999_999)
            if field.unit:
                spin.setSuffix(" %" if field.unit == "%" else f" {field.unit}")
            # A spin box insists on room for its widest text ("9999 working days"); in a
            # narrow dock it may shrink instead of making the whole panel scroll sideways.
            spin.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            return spin
        case FieldKind.DATE:
            return DateField(parent)
        case FieldKind.DATETIME:
            return DateTimeField(parent)
        case FieldKind.TIME:
            return TimeEdit(parent)
        case FieldKind.CHOICE | FieldKind.REFERENCE:
            combo = QComboBox(parent)
            for value, label in options or field.choices:
                combo.addItem(label, value)
            return combo
        case FieldKind.WEEKDAYS:
            return WeekdaysEdit(parent)
    edit = QLineEdit(parent)
    edit.setPlaceholderText(field.placeholder)
    if field.max_length:
        edit.setMaxLength(field.max_length)
    return edit


def set_value(widget: QWidget, value: Any) -> None:
    """Show `value` in an editor made by make_editor, committing nothing."""
    if isinstance(widget, DateField):  # before QLineEdit: a DateField is one
        widget.setValue(value)
    elif isinstance(widget, TimeEdit):  # before QLineEdit too
        text = "" if value is None else f"{value:%H:%M}"
        if widget.text() != text:
            widget.setText(text)
    elif isinstance(widget, QLineEdit):
        text = "" if value is None else str(value)
        if widget.text() != text:
            widget.setText(text)
            widget.setCursorPosition(0)
    elif isinstance(widget, QSpinBox):
        empty = widget.minimum() if widget.specialValueText() else 0
        widget.setValue(empty if value is None else int(value))
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(0, widget.findData(value)))
    elif isinstance(widget, QPlainTextEdit):
        if widget.toPlainText() != (value or ""):
            widget.setPlainText(value or "")
    elif isinstance(widget, WeekdaysEdit):
        widget.setValue(frozenset(value or ()))


def value_of(widget: QWidget) -> Any:
    """The value an editor made by make_editor holds now."""
    if isinstance(widget, DateField):
        return widget.value()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QSpinBox):
        widget.interpretText()
        if widget.specialValueText() and widget.value() == widget.minimum():
            return None
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, WeekdaysEdit):
        return widget.value()
    raise TypeError(f"not a field editor: {widget!r}")


def on_commit(widget: QWidget, commit: Callable[[], None]) -> None:
    """Call `commit` when the user finishes editing (Enter, focus out, a pick, a toggle)."""
    if isinstance(widget, DateField):  # it commits only dates, never half-typed text
        widget.committed.connect(commit)
    elif isinstance(widget, QLineEdit | QSpinBox | NotesEdit | WeekdaysEdit):
        widget.editingFinished.connect(commit)
    elif isinstance(widget, QComboBox):
        widget.activated.connect(lambda _n: commit())


def set_read_only(widget: QWidget, read_only: bool) -> None:
    if isinstance(widget, QLineEdit | QSpinBox | QPlainTextEdit):
        widget.setReadOnly(read_only)
    else:
        widget.setEnabled(not read_only)


def display(field: Field, value: Any, options: Options = ()) -> str:
    """A value as text, the same way in every view."""
    if field.kind == FieldKind.REFERENCE and value is None:
        return field.none_label
    if value is None or value == "":
        return ""
    match field.kind:
        case FieldKind.DATE:
            return format_date(value)
        case FieldKind.DATETIME:
            return format_local(value)
        case FieldKind.TIME:
            return f"{value:%H:%M}"
        case FieldKind.TIMESTAMP:
            return format_moment(value) if isinstance(value, dt.datetime) else str(value)
        case FieldKind.CHOICE:
            return field.choice_label(value)
        case FieldKind.REFERENCE:
            return next((label for v, label in options if v == value), f"#{value}")
        case FieldKind.WEEKDAYS:
            return ", ".join(WEEKDAY_NAMES[d] for d in sorted(value))
        case FieldKind.INT if field.unit and field.unit != "%":
            return f"{value} {field.unit}"
        case FieldKind.INT if field.unit == "%":
            return f"{value} %"
    return str(value)
