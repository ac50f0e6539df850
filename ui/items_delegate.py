"""Editors and painting for the work-items table: spin boxes, dates, status combo, indentation."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)
from typing_extensions import override

from app.fields import FieldKind
from app.work_items import WORK_ITEM_FIELDS
from ui.date_edit import DateField
from ui.field_delegate import FieldDelegate
from ui.items_table_model import DEPTH_ROLE, EDIT_FIELDS, ITEM_ROW_ROLE, Column

Index = QModelIndex | QPersistentModelIndex
INDENT = 18  # pixels per outline level in the Name column
PROGRESS_COLOR = QColor("#3b82f6")
PROGRESS_TRACK = QColor("#e5e7eb")


class ItemsDelegate(FieldDelegate):
    """Column-specific editors; the Name column is indented by outline depth."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.indent_names = True  # off while the table is sorted (depth means nothing then)

    @override
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        name = EDIT_FIELDS.get(Column(index.column()))
        if name is None or WORK_ITEM_FIELDS[name].kind == FieldKind.TEXT:
            return super().createEditor(parent, option, index)
        editor = self.field_editor(WORK_ITEM_FIELDS[name], parent)
        if isinstance(editor, QSpinBox) and name == "duration":
            editor.setSuffix(" d")  # the column is narrow
        if isinstance(editor, DateField):
            editor.setPlaceholderText("not pinned")
            row = index.data(ITEM_ROW_ROLE)
            editor.set_reference_date(getattr(row, "start", None))  # the calendar opens there
        return editor

    @override
    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QSpinBox | QComboBox | DateField):
            super().setEditorData(editor, index)
        else:
            QStyledItemDelegate.setEditorData(self, editor, index)

    @override
    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QSpinBox | QComboBox | DateField):
            super().setModelData(editor, model, index)
        else:
            QStyledItemDelegate.setModelData(self, editor, model, index)

    @override
    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> None:
        rect = QRect(option.rect)
        if index.column() == Column.NAME and self.indent_names:
            rect.setLeft(rect.left() + self._indent(index))
        if isinstance(editor, DateField):  # wide enough for a date and its buttons
            rect.setWidth(max(rect.width(), editor.sizeHint().width()))
        editor.setGeometry(rect)

    @override
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        if index.column() == Column.NAME and self.indent_names and self._indent(index):
            self._paint_indented(painter, option, index)
            return
        if index.column() == Column.PERCENT:
            super().paint(painter, option, index)
            self._paint_progress(painter, option, index)
            return
        super().paint(painter, option, index)

    def _paint_indented(
        self, painter: QPainter, option: QStyleOptionViewItem, index: Index
    ) -> None:
        """Background and selection over the whole cell; icon and text moved right."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        background = QStyleOptionViewItem(opt)
        background.text = ""
        background.icon = QIcon()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, widget)
        opt.rect = QRect(opt.rect).adjusted(self._indent(index), 0, 0, 0)
        opt.backgroundBrush = QBrush()
        opt.state &= ~QStyle.StateFlag.State_HasFocus
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

    @staticmethod
    def _indent(index: Index) -> int:
        depth = index.data(DEPTH_ROLE)
        return INDENT * int(depth or 0)

    @staticmethod
    def _paint_progress(painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        try:
            percent = int(index.data(Qt.ItemDataRole.EditRole) or 0)
        except (TypeError, ValueError):
            return
        rect: QRect = option.rect
        track = QRect(rect.left() + 4, rect.bottom() - 4, rect.width() - 8, 3)
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.fillRect(track, PROGRESS_TRACK)
        done = QRect(track)
        done.setWidth(round(track.width() * max(0, min(percent, 100)) / 100))
        painter.fillRect(done, PROGRESS_COLOR)
        painter.restore()
