"""A form built from field rules: editors for what may change, values for what Gantry computes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from app.fields import Field, FieldSet
from ui.date_edit import DateField
from ui.field_widgets import Options, display, make_editor, on_commit, set_read_only, set_value
from ui.field_widgets import value_of as editor_value

# (field name, value) -> whether the edit was accepted; refused edits put the stored value back.
Commit = Callable[[str, Any], bool]


class FieldForm(QWidget):
    """One record's fields in a QFormLayout, filled from a plain row (a dataclass or Record).

    Rows are added in the order they should show: `field()` for a declared field (an editor,
    or a read-only value when the field is computed), `value()` and `block()` for text the
    caller computes, `section()` for a heading.
    """

    def __init__(
        self,
        fields: FieldSet,
        commit: Commit,
        options: Callable[[str], Options] | None = None,
    ) -> None:
        super().__init__()
        self.fields = fields
        self._commit = commit
        self._options = options or (lambda _name: ())
        self._editors: dict[str, QWidget] = {}
        self._values: dict[str, QLabel] = {}
        self._hidden_when_empty: set[str] = set()
        self._shown_fields: dict[str, Field] = {}
        self._filling = False
        self._row: Any = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 10, 10, 10)
        self.title = QLabel()
        self.title.setObjectName("formTitle")
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.2)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet("color: #6b7280")
        outer.addWidget(self.title)
        outer.addWidget(self.subtitle)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        outer.addLayout(self.form)
        outer.addStretch(1)

    def field(self, name: str, label: str = "") -> None:
        declared = self.fields[name]
        if declared.computed:
            self._shown_fields[name] = declared
            self.value(name, label or declared.label, declared.tip)
            return
        editor = make_editor(declared, options=self._options(name))
        editor.setToolTip(declared.tip)
        on_commit(editor, lambda: self._changed(name))
        self._editors[name] = editor
        self.form.addRow(label or declared.label, editor)

    def section(self, text: str) -> None:
        heading = QLabel(text.upper())
        heading.setStyleSheet("color: #6b7280; font-size: 8pt; font-weight: 600; padding-top: 8px")
        self.form.addRow(heading)

    def value(self, name: str, label: str, tip: str = "", hide_empty: bool = False) -> QLabel:
        """A value the caller computes; `hide_empty` hides the row while it says nothing."""
        shown = QLabel()
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shown.setToolTip(tip)
        shown.setWordWrap(True)
        self._values[name] = shown
        self.form.addRow(label, shown)
        if hide_empty:
            self._hidden_when_empty.add(name)
        return shown

    def block(self, name: str) -> QLabel:
        """A read-only value across the form's width (rich text)."""
        shown = QLabel()
        shown.setWordWrap(True)
        shown.setTextFormat(Qt.TextFormat.RichText)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._values[name] = shown
        self.form.addRow(shown)
        return shown

    def editor(self, name: str) -> QWidget:
        return self._editors[name]

    def shown(self, name: str) -> str:
        return self._values[name].text()

    def fill(
        self,
        row: Any,
        read_only: bool,
        shown: dict[str, str] | None = None,
        calendar_dates: dict[str, dt.date | None] | None = None,
    ) -> None:
        """Show a row's values without committing anything; `shown` fills value() rows and
        `calendar_dates` says where an empty date field's calendar opens."""
        self._row = row
        self._filling = True
        try:
            for name, editor in self._editors.items():
                declared = self.fields[name]
                set_value(editor, getattr(row, name))
                why_not = declared.why_not_editable(row)
                set_read_only(editor, read_only or why_not is not None)
                editor.setToolTip(why_not or declared.tip)
            for name, declared in self._shown_fields.items():
                self._values[name].setText(
                    display(declared, getattr(row, name), self._options(name))
                )
            for name, text in (shown or {}).items():
                self._values[name].setText(text)
            for name, day in (calendar_dates or {}).items():
                editor = self._editors[name]
                if isinstance(editor, DateField):
                    editor.set_reference_date(day)
            for name in self._hidden_when_empty:
                label = self._values[name]
                self.form.setRowVisible(label, bool(label.text()))
        finally:
            self._filling = False

    def _changed(self, name: str) -> None:
        if self._filling or self._row is None:
            return
        editor = self._editors[name]
        if not editor.isEnabled() or getattr(editor, "isReadOnly", lambda: False)():
            return
        if not self._commit(name, editor_value(editor)):
            # Refused (and reported): show the stored value again.
            self._filling = True
            try:
                set_value(editor, getattr(self._row, name))
            finally:
                self._filling = False
