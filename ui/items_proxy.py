"""The filter in front of the items table; sorting is passed on to the model (fast at 100k)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from typing_extensions import override

from ui.items_table_model import ItemsTableModel


class ItemsProxyModel(QSortFilterProxyModel):
    """Filters on key, name and owner, and optionally to the critical path; leaves row order to
    ItemsTableModel.sort()."""

    def __init__(self, model: ItemsTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._needle = ""
        self._critical_only = False
        self.setSourceModel(model)

    def set_critical_only(self, on: bool) -> None:
        if on != self._critical_only:
            self.beginFilterChange()
            self._critical_only = on
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_filter_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._needle:
            self.beginFilterChange()
            self._needle = needle
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @override
    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if self._critical_only and not self._model.is_critical(source_row):
            return False
        return not self._needle or self._model.matches(source_row, self._needle)

    @override
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # A proxy sort asks data() twice per comparison: minutes for 100,000 rows.
        self._model.sort(column, order)
