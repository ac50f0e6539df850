"""The generic records table: a thin Qt model over a record service's declared fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractProxyModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from typing_extensions import override

from app.fields import Field, FieldKind, FieldSet
from app.unit_of_work import ChangeNotice
from ui.commands import FieldSource, Value
from ui.field_widgets import Options, display
from ui.formatting import natural_key

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()  # the default parent argument (a shared invalid index)

RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # int: the record's id
# field name -> stored value -> colour of the swatch shown before the value (say, per kind)
Markers = Mapping[str, Mapping[Any, str]]

_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RecordSource(FieldSource, Protocol):
    """What the table reads and edits: app.records.RecordService, or anything shaped alike."""

    @property
    def read_only(self) -> bool: ...

    def rows(self) -> Sequence[Any]: ...

    def options(self, name: str) -> list[tuple[Any, str]]: ...


class RecordEditing(Protocol):
    """How the table changes a field (ui.plan_editor.PlanEditor): one undo step, or a report."""

    def set_field(self, source: FieldSource, record_id: int, field: str, value: Value) -> bool: ...


class RecordTableModel(QAbstractTableModel):
    """The records of one source, one column per chosen field, in the service's order or
    sorted by a column. Labels, tips, display and what may be edited come from the fields."""

    def __init__(
        self,
        fields: FieldSet,
        columns: Sequence[str],
        parent: QObject | None = None,
        markers: Markers | None = None,
    ) -> None:
        super().__init__(parent)
        self.fields = fields
        self.columns: tuple[Field, ...] = tuple(fields[name] for name in columns)
        self._markers = {
            name: {value: _marker(QColor(color)) for value, color in colors.items()}
            for name, colors in (markers or {}).items()
        }
        self._source: RecordSource | None = None
        self._editor: RecordEditing | None = None
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._options: dict[str, Options] = {}
        self._sort_column = -1  # -1: the service's own order
        self._sort_order = Qt.SortOrder.AscendingOrder

    # -- source ----------------------------------------------------------------------------

    def set_source(self, source: RecordSource | None, editor: RecordEditing | None) -> None:
        self._source = source
        self._editor = editor
        self.reload()

    @property
    def source(self) -> RecordSource | None:
        return self._source

    @property
    def read_only(self) -> bool:
        return self._source is None or self._editor is None or self._source.read_only

    def reload(self) -> None:
        self.beginResetModel()
        self._options.clear()
        self._ids = self._service_order()
        self._order_rows()
        self.endResetModel()

    def _service_order(self) -> list[int]:
        return [row.id for row in self._source.rows()] if self._source is not None else []

    def apply_change(self, notice: ChangeNotice) -> None:
        """Rows in place for edited records; a reload when records came or went."""
        if self._source is None:
            return
        if notice.structural(self.fields.entity):
            self.reload()
            return
        if any(f.kind == FieldKind.REFERENCE and notice.touches(f.reference) for f in self.columns):
            # A referenced record was renamed: its label may show in any row.
            self._options.clear()
            if self._ids:
                self._rows_changed(0, len(self._ids) - 1)
            return
        rows = [n for n in map(self._row_of.get, notice.ids(self.fields.entity)) if n is not None]
        if rows:
            self._rows_changed(min(rows), max(rows))

    def _rows_changed(self, first: int, last: int) -> None:
        self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, record_id: int) -> int | None:
        return self._row_of.get(record_id)

    def column_of(self, name: str) -> int | None:
        return next((n for n, f in enumerate(self.columns) if f.name == name), None)

    def options(self, field: Field) -> Options:
        """What a choice or reference column offers, read once per reload."""
        if field.kind not in (FieldKind.CHOICE, FieldKind.REFERENCE):
            return ()
        if field.name not in self._options:
            source = self._source
            self._options[field.name] = (
                source.options(field.name) if source is not None else field.choices
            )
        return self._options[field.name]

    def _shown(self, row: int) -> Any:
        """The record, or None for one deleted a moment ago: Qt may still ask about it while
        the deletion's notice is on its way to reload() the table."""
        if self._source is None:
            return None
        try:
            return self._source.row(self._ids[row])
        except KeyError:
            return None

    # -- sorting ---------------------------------------------------------------------------

    def _order_rows(self) -> None:
        source = self._source
        if self._sort_column >= 0 and source is not None:
            field = self.columns[self._sort_column]
            self._ids.sort(
                key=lambda record_id: self._sort_key(field, source.row(record_id)),
                reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
            )
        self._row_of = {record_id: n for n, record_id in enumerate(self._ids)}

    def _sort_key(self, field: Field, row: Any) -> tuple[Any, ...]:
        """Empty values last; dates and numbers by value; text naturally ("Q2" before "Q10")."""
        value = field.value_of(row)
        if value is None:
            return (True,)
        if field.kind in (
            FieldKind.DATE,
            FieldKind.DATETIME,
            FieldKind.TIME,
            FieldKind.TIMESTAMP,
            FieldKind.INT,
        ):
            return (False, value)
        return (False, natural_key(display(field, value, self.options(field))))

    @override
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column; column -1 gives back the service's order."""
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(self._ids[index.row()], index.column()) for index in persistent]
        # Start from the service's order each time, so equal values keep that order.
        self._ids = self._service_order()
        self._order_rows()
        self.changePersistentIndexList(
            persistent, [self.index(self._row_of[record_id], col) for record_id, col in kept]
        )
        self.layoutChanged.emit()

    # -- Qt model --------------------------------------------------------------------------

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    @override
    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        field = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return field.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return field.tip or None
        if role == Qt.ItemDataRole.TextAlignmentRole and field.kind == FieldKind.INT:
            return _ALIGN_RIGHT
        return None

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.read_only:
            return flags
        row = self._shown(index.row())
        if row is None or self.columns[index.column()].why_not_editable(row) is not None:
            return flags
        return flags | Qt.ItemFlag.ItemIsEditable

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == RECORD_ID_ROLE:
            return self._ids[index.row()]
        row = self._shown(index.row())
        if row is None:
            return None
        field = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display(field, field.value_of(row), self.options(field))
        if role == Qt.ItemDataRole.EditRole:
            return field.value_of(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            # Why a cell cannot be edited, else the whole of a text the column may cut short.
            why_not = field.why_not_editable(row)
            if why_not is None and field.kind in (FieldKind.TEXT, FieldKind.MULTILINE):
                return field.value_of(row) or None
            return why_not
        if role == Qt.ItemDataRole.TextAlignmentRole and field.kind == FieldKind.INT:
            return _ALIGN_RIGHT
        if role == Qt.ItemDataRole.DecorationRole and field.name in self._markers:
            return self._markers[field.name].get(field.value_of(row))
        return None

    @override
    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or not self.flags(index) & Qt.ItemFlag.ItemIsEditable
            or self._source is None
            or self._editor is None
        ):
            return False
        record_id, field = self._ids[index.row()], self.columns[index.column()]
        # The unit of work's notice updates the row (dataChanged) once the edit is committed;
        # a refusal is reported by the editor and changes nothing.
        return self._editor.set_field(self._source, record_id, field.name, value)


def record_model_of(index: Index) -> tuple[RecordTableModel, QModelIndex]:
    """The RecordTableModel behind `index` (through any proxies) and the index in it."""
    model = index.model()
    source_index = model.index(index.row(), index.column()) if model is not None else QModelIndex()
    while isinstance(model, QAbstractProxyModel):
        source_index = model.mapToSource(source_index)
        model = model.sourceModel()
    if not isinstance(model, RecordTableModel):
        raise TypeError(f"not an index of a records table: {index!r}")
    return model, source_index


def _marker(color: QColor) -> QIcon:
    """A small rounded swatch that tells values apart at a glance."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(color.darker(120))
    painter.setBrush(color)
    painter.drawRoundedRect(1, 1, 10, 10, 3, 3)
    painter.end()
    return QIcon(pixmap)
