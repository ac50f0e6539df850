"""Cell editors for any records table, made from the column's field rules."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QComboBox,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)
from typing_extensions import override

from ui.date_edit import DateField
from ui.field_widgets import make_editor, set_value, value_of
from ui.record_table_model import record_model_of

Index = QModelIndex | QPersistentModelIndex


class RecordDelegate(QStyledItemDelegate):
    """Combos for choices and references (with their options), date fields, spin boxes, text:
    the same editors the forms use, so a value is typed the same way everywhere."""

    @override
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        model, source = record_model_of(index)
        field = model.columns[source.column()]
        editor = make_editor(field, parent, model.options(field))
        editor.setAutoFillBackground(True)  # no cell text shows through check boxes
        # A pick has nothing left to type: it ends the edit as Enter does.
        if isinstance(editor, DateField):
            editor.picked.connect(lambda: self._commit_and_close(editor))
        elif isinstance(editor, QComboBox):
            editor.activated.connect(lambda _n: self._commit_and_close(editor))
        return editor

    @override
    def setEditorData(self, editor: QWidget, index: Index) -> None:
        set_value(editor, index.data(Qt.ItemDataRole.EditRole))

    @override
    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, DateField) and editor.error() is not None:
            return  # text that is no date never reaches the plan
        model.setData(index, value_of(editor), Qt.ItemDataRole.EditRole)

    def _commit_and_close(self, editor: QWidget) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Qt keeps the editor open on Enter while its text is no date; say why in red.
        if (
            isinstance(watched, DateField)
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            watched.mark_if_invalid()
        return super().eventFilter(watched, event)

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
