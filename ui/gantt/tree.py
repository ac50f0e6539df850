"""The left pane of the Gantt: key, indented name with fold arrows, start, finish, duration."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QMouseEvent, QPainter, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)
from typing_extensions import override

from ui.gantt import palette
from ui.gantt.rows_model import DEPTH_ROLE, FOLDED_ROLE, Column

INDENT = 16
ARROW_BOX = 16

Index = QModelIndex | QPersistentModelIndex


class NameDelegate(QStyledItemDelegate):
    """Indents a name by its outline depth and draws a phase's fold arrow before it."""

    fold_clicked = Signal(int)  # the row whose arrow was clicked

    @staticmethod
    def arrow_rect(option: QStyleOptionViewItem, index: Index) -> QRect:
        depth = int(index.data(DEPTH_ROLE) or 0)
        rect: QRect = option.rect
        return QRect(rect.left() + 4 + depth * INDENT, rect.top(), ARROW_BOX, rect.height())

    @override
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        arrow = self.arrow_rect(option, index)
        shifted = QStyleOptionViewItem(option)
        rect: QRect = shifted.rect
        rect.setLeft(arrow.right() + 2)
        shifted.rect = rect
        super().paint(painter, shifted, index)
        folded = index.data(FOLDED_ROLE)
        if folded is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.MUTED_TEXT)
        cx, cy, r = arrow.center().x() + 0.5, arrow.center().y() + 0.5, 3.5
        if folded:
            points = [
                QPointF(cx - r / 2, cy - r),
                QPointF(cx + r * 0.8, cy),
                QPointF(cx - r / 2, cy + r),
            ]
        else:
            points = [
                QPointF(cx - r, cy - r / 2),
                QPointF(cx + r, cy - r / 2),
                QPointF(cx, cy + r * 0.8),
            ]
        painter.drawPolygon(QPolygonF(points))
        painter.restore()

    @override
    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: Index,
    ) -> bool:
        if (
            event.type() == QEvent.Type.MouseButtonPress
            and isinstance(event, QMouseEvent)
            and index.data(FOLDED_ROLE) is not None
            and self.arrow_rect(option, index).contains(event.position().toPoint())
        ):
            self.fold_clicked.emit(index.row())
            return True
        return super().editorEvent(event, model, option, index)


class GanttTree(QTableView):
    """A flat table that reads as a tree: rows are exactly the chart's rows, same height."""

    def __init__(self, row_height: int, header_height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ganttTree")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # The chart's scroll bar is the one shown; both panes keep a horizontal bar so that
        # their viewports, and so their vertical ranges, are the same height.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setMinimumSectionSize(1)
        vertical.setDefaultSectionSize(row_height)
        header = self.horizontalHeader()
        header.setFixedHeight(header_height)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(False)
        self.delegate = NameDelegate(self)
        self.setItemDelegateForColumn(Column.NAME, self.delegate)
        self.setStyleSheet(
            f"QTableView#ganttTree {{ alternate-background-color: {palette.STRIPE.name()};"
            f" selection-background-color: {palette.SELECTED_ROW.name()};"
            f" selection-color: {palette.TEXT.name()}; }}"
            # The same look as the timeline's header beside it.
            "QTableView#ganttTree QHeaderView::section {"
            f" background: {palette.HEADER_FILL.name()}; color: {palette.HEADER_TEXT.name()};"
            " font-weight: 600; border: none;"
            f" border-bottom: 1px solid {palette.HEADER_LINE.name()};"
            f" border-right: 1px solid {palette.GRID_MINOR.name()}; padding-left: 6px; }}"
        )

    def fit_columns(self) -> None:
        bold = QFont(self.font())
        bold.setBold(True)  # phases' rows are bold
        metrics = QFontMetrics(bold)
        digit = metrics.horizontalAdvance("0")
        date = metrics.horizontalAdvance("30 Nov 2026") + 14
        widths = {
            Column.KEY: metrics.horizontalAdvance("ATL-0000") + 14,
            Column.NAME: 24 * digit,
            Column.START: date,
            Column.FINISH: date,
            Column.DURATION: metrics.horizontalAdvance("Duration") + 16,
        }
        for column, width in widths.items():
            self.horizontalHeader().resizeSection(column, width)
