"""Cell editors for any records table, made from the column's field rules."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
)
from PySide6.QtWidgets import (
    QLineEdit,
    QStyleOptionViewItem,
    QWidget,
)
from typing_extensions import override

from ui.date_edit import DateField
from ui.field_delegate import FieldDelegate
from ui.record_table_model import record_model_of

Index = QModelIndex | QPersistentModelIndex


class RecordDelegate(FieldDelegate):
    """Combos for choices and references (with their options), date fields, spin boxes, text."""

    @override
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        model, source = record_model_of(index)
        field = model.columns[source.column()]
        editor = self.field_editor(field, parent, model.options(field))
        editor.setAutoFillBackground(True)  # no cell text shows through check boxes
        return editor

    @override
    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> None:
        # The cell, or more where the editor needs it (a date and its buttons, a combo's
        # longest option, seven check boxes, notes); plain text scrolls within the cell.
        rect = QRect(option.rect)
        if not isinstance(editor, QLineEdit) or isinstance(editor, DateField):
            rect.setWidth(max(rect.width(), editor.sizeHint().width()))
        rect.setHeight(max(rect.height(), editor.minimumHeight()))
        editor.setGeometry(rect)
