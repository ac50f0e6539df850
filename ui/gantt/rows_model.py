"""The outline beside the chart as a Qt model: a thin adapter over PlanRows (rows on demand)."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont
from typing_extensions import override

from app.timeline.plan_rows import PlanRows
from ui.formatting import format_date

ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
DEPTH_ROLE = Qt.ItemDataRole.UserRole + 2
# None for an item without children; True when the phase is folded, False when open.
FOLDED_ROLE = Qt.ItemDataRole.UserRole + 3
KIND_ROLE = Qt.ItemDataRole.UserRole + 4

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()  # the default parent argument (a shared invalid index)
_LATE = QColor("#b45309")


class Column(IntEnum):
    KEY = 0
    NAME = 1
    START = 2
    FINISH = 3
    DURATION = 4


HEADERS = {
    Column.KEY: "Key",
    Column.NAME: "Name",
    Column.START: "Start",
    Column.FINISH: "Finish",
    Column.DURATION: "Duration",
}


class GanttRowsModel(QAbstractTableModel):
    """One row per chart row; folding a phase goes through PlanRows.toggle."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: PlanRows | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: PlanRows | None) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rebuild(self) -> None:
        """The outline changed (items came, went or moved): read it again."""
        self.beginResetModel()
        if self.rows is not None:
            self.rows.rebuild()
        self.endResetModel()

    def toggle(self, row: int) -> bool:
        """Fold or unfold the phase in ``row``; True when rows came or went."""
        rows = self.rows
        if rows is None or not 0 <= row < len(rows):
            return False
        item_id = rows.item_id(row)
        if not rows.item(row).has_children:
            return False
        # Folding removes a run of rows, unfolding inserts one; a reset keeps both simple and
        # costs nothing extra, since PlanRows rebuilds its list either way.
        self.beginResetModel()
        rows.toggle(item_id)
        self.endResetModel()
        return True

    def refresh(self) -> None:
        """Dates or names changed: repaint what is shown (the view asks only visible rows)."""
        if self.rows is not None and len(self.rows):
            last = self.index(len(self.rows) - 1, len(Column) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def row_of(self, item_id: int) -> int | None:
        return self.rows.row_of(item_id) if self.rows is not None else None

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        if parent.isValid() or self.rows is None:
            return 0
        return len(self.rows)

    @override
    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(Column)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[Column(section)]
        return None

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        rows = self.rows
        if rows is None or not index.isValid() or not 0 <= index.row() < len(rows):
            return None
        item = rows.item(index.row())
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column is Column.KEY:
                return item.key
            if column is Column.NAME:
                return item.name
            if column is Column.START:
                return format_date(item.finish if item.kind == "milestone" else item.start)
            if column is Column.FINISH:
                return format_date(item.finish)
            return f"{item.duration} d" if item.kind != "phase" else ""
        if role == ITEM_ID_ROLE:
            return item.id
        if role == DEPTH_ROLE:
            return item.depth
        if role == KIND_ROLE:
            return item.kind
        if role == FOLDED_ROLE:
            return item.id in rows.collapsed if item.has_children else None
        if role == Qt.ItemDataRole.FontRole and item.kind == "phase":
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and column is Column.FINISH:
            if item.total_slack is not None and item.total_slack < 0:
                return _LATE
        if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.DURATION:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.NAME:
            return item.name
        return None
