"""The cell-editing behaviour every field-rule table shares: made editors, picks, no bad dates."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemDelegate, QComboBox, QStyledItemDelegate, QWidget
from typing_extensions import override

from app.fields import Field
from ui.date_edit import DateField
from ui.field_widgets import Options, make_editor, set_value, value_of

Index = QModelIndex | QPersistentModelIndex


class FieldDelegate(QStyledItemDelegate):
    """Cell editors made by field_widgets.make_editor, the same ones the forms use, so a value
    is typed the same way everywhere. A pick (a calendar day, a combo entry) ends the edit as
    Enter does; text that is not a date never reaches the plan."""

    def field_editor(self, field: Field, parent: QWidget, options: Options = ()) -> QWidget:
        editor = make_editor(field, parent, options)
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
            return
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
