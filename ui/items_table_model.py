"""The "Work items" table: a thin Qt model over the plan's work items, with role constants.

It holds item ids in display order and asks the work-item service for rows when Qt paints
them, so a 100,000-item plan is never turned into rows all at once. Labels, tips and what may
be edited come from the work items' field rules (app.work_items.WORK_ITEM_FIELDS).
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from typing_extensions import override

from app.baselines import BaselineDates
from app.plan import Plan
from app.plan_data import ItemRow
from app.unit_of_work import ChangeNotice
from app.work_items import WORK_ITEM_FIELDS
from ui.baseline_choice import BaselineChoice
from ui.formatting import (
    format_date,
    format_slack,
    format_span,
    format_variance,
    kind_label,
    natural_key,
    variance_text,
    working_days,
)
from ui.resources import icon

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()  # the default parent argument (a shared invalid index)


class Column(IntEnum):
    KEY = 0
    NAME = 1
    KIND = 2
    DURATION = 3
    START = 4
    FINISH = 5
    PREDECESSORS = 6
    TOTAL_SLACK = 7
    FREE_SLACK = 8
    CRITICAL = 9
    OWNER = 10
    STATUS = 11
    PERCENT = 12
    VARIANCE = 13  # against the baseline the window's BaselineChoice shows
    BASELINE_START = 14
    BASELINE_FINISH = 15


# The work-item field each column shows; its label, tip and rules come from the declaration.
FIELDS: dict[Column, str] = {
    Column.KEY: "key",
    Column.NAME: "name",
    Column.KIND: "kind",
    Column.DURATION: "duration",
    Column.START: "start",
    Column.FINISH: "finish",
    Column.PREDECESSORS: "predecessors",
    Column.TOTAL_SLACK: "total_slack",
    Column.FREE_SLACK: "free_slack",
    Column.OWNER: "owner",
    Column.STATUS: "status",
    Column.PERCENT: "percent_complete",
}
# Where a column's header is shorter than its field's label, or the column has no field.
_SHORT_HEADERS = {
    Column.DURATION: "Duration (d)",
    Column.CRITICAL: "Critical",
    Column.PERCENT: "%",
    Column.VARIANCE: "Variance (d)",
    Column.BASELINE_START: "Baseline start",
    Column.BASELINE_FINISH: "Baseline finish",
}
HEADERS: dict[Column, str] = {
    column: _SHORT_HEADERS.get(column) or WORK_ITEM_FIELDS[FIELDS[column]].label
    for column in Column
}
HEADER_TIPS: dict[Column, str] = {
    column: WORK_ITEM_FIELDS[name].tip
    for column, name in FIELDS.items()
    if WORK_ITEM_FIELDS[name].tip
}
HEADER_TIPS[Column.START] = (
    "Scheduled start; edit to set a “not earlier than” date (a pin marks it)"
)
HEADER_TIPS[Column.CRITICAL] = "On the critical path (total slack of 0 or less)"
HEADER_TIPS[Column.VARIANCE] = (
    "Working days the finish has moved since the chosen baseline (later is positive)"
)
HEADER_TIPS[Column.BASELINE_START] = "Start in the chosen baseline"
HEADER_TIPS[Column.BASELINE_FINISH] = "Finish in the chosen baseline"
# The field a column edits where it differs from the one it shows.
EDIT_FIELDS: dict[Column, str] = {
    column: name for column, name in FIELDS.items() if not WORK_ITEM_FIELDS[name].computed
}
EDIT_FIELDS[Column.START] = "not_before"
_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_STATUS = WORK_ITEM_FIELDS["status"]
_NUMERIC = {Column.DURATION, Column.TOTAL_SLACK, Column.FREE_SLACK, Column.PERCENT, Column.VARIANCE}
# Columns that compare with a baseline rather than show the item's own values.
BASELINE_COLUMNS = (Column.VARIANCE, Column.BASELINE_START, Column.BASELINE_FINISH)
_NO_SORT_VALUE = 1 << 30  # sorts after every real value


ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # int: the work item's id
ITEM_ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # ItemRow: the whole row, for views and panels
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # a value that sorts naturally (dates, numbers)
DEPTH_ROLE = Qt.ItemDataRole.UserRole + 5  # int: outline depth, for indenting the name
# What the baseline columns answer themselves; other roles (alignment, phase shading) are
# answered for them as for any column.
_BASELINE_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.EditRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.ForegroundRole,
    SORT_ROLE,
)

CRITICAL_COLOR = QColor("#b91c1c")
NEGATIVE_BACKGROUND = QColor("#fde2e2")
PHASE_BACKGROUND = QColor("#f1f5f9")
MUTED_COLOR = QColor("#6b7280")


class ItemEditing(Protocol):
    """What the table needs to change an item (ui.plan_editor.PlanEditor)."""

    def set_item_field(self, item_id: int, field: str, value: Any) -> bool: ...


class ItemsTableModel(QAbstractTableModel):
    """One release's work items (or all) in outline order or sorted by a column."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._plan: Plan | None = None
        self._editor: ItemEditing | None = None
        self._read_only = True
        self._release_id: int | None = None
        self._choice: BaselineChoice | None = None
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._sort_column = -1  # -1: outline order
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._bold = QFont()
        self._bold.setBold(True)
        self._critical_brush = QBrush(CRITICAL_COLOR)
        self._negative_brush = QBrush(NEGATIVE_BACKGROUND)
        self._phase_brush = QBrush(PHASE_BACKGROUND)
        self._muted_brush = QBrush(MUTED_COLOR)

    # -- source ----------------------------------------------------------------------------

    def set_plan(
        self, plan: Plan | None, editor: ItemEditing | None, release_id: int | None = None
    ) -> None:
        """Show `release_id`'s items of a plan (all releases for None; nothing without a plan)."""
        self._plan = plan
        self._editor = editor
        self._read_only = plan is None or editor is None or plan.read_only
        self._release_id = release_id
        self.reload()

    def set_baseline_choice(self, choice: BaselineChoice) -> None:
        """Compare with the baselines `choice` shows (the window's own)."""
        self._choice = choice
        choice.changed.connect(self._baseline_changed)

    def _baseline_changed(self, release_id: int | None = None) -> None:
        """Redraw the baseline columns (of one release's rows, or all of them)."""
        if not self._ids or (release_id is not None and self._release_id not in (None, release_id)):
            return
        first, last = min(BASELINE_COLUMNS), max(BASELINE_COLUMNS)
        self.dataChanged.emit(self.index(0, first), self.index(len(self._ids) - 1, last))

    def set_release(self, release_id: int | None) -> None:
        if release_id != self._release_id:
            self._release_id = release_id
            self.reload()

    @property
    def release_id(self) -> int | None:
        return self._release_id

    def reload(self) -> None:
        self.beginResetModel()
        self._ids = self._plan.work_items.ids(self._release_id) if self._plan else []
        self._order_rows()
        self.endResetModel()

    def row_at(self, row: int) -> ItemRow:
        assert self._plan is not None
        return self._plan.work_items.row(self._ids[row])

    def _shown(self, row: int) -> ItemRow | None:
        """The row, or None for an item deleted a moment ago: Qt may still ask about it
        while the deletion's notice is on its way to reload() the table."""
        try:
            return self.row_at(row)
        except KeyError:
            return None

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def _order_rows(self) -> None:
        """Sort in Python with one key per row: fast for 100,000 rows, unlike a proxy sort."""
        if self._sort_column >= 0 and self._plan is not None:
            column, rows = self._sort_column, self._plan.work_items
            self._ids.sort(
                key=lambda item_id: self._sort_value(rows.row(item_id), column),
                reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
            )
        self._row_of = {item_id: n for n, item_id in enumerate(self._ids)}

    @override
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column; column -1 restores the outline order."""
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(self._ids[index.row()], index.column()) for index in persistent]
        if column < 0 and self._plan is not None:
            self._ids = self._plan.work_items.ids(self._release_id)
        self._order_rows()
        self.changePersistentIndexList(
            persistent, [self.index(self._row_of[item_id], col) for item_id, col in kept]
        )
        self.layoutChanged.emit()

    def matches(self, row: int, needle: str) -> bool:
        return self._plan is not None and self._plan.work_items.matches(self._ids[row], needle)

    def is_critical(self, row: int) -> bool:
        return self._plan is not None and self._plan.state.is_critical(self._ids[row])

    def apply_change(self, notice: ChangeNotice) -> None:
        """Rows in place for value edits and new dates; a rebuild when items came or went."""
        if self._plan is None:
            return
        if notice.structural("work_items") or notice.structural("releases"):
            self.reload()
            return
        rows = [n for n in map(self._row_of.get, notice.ids("work_items")) if n is not None]
        if rows:
            last = len(Column) - 1
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), last))
        if notice.touches("calendar_entries", "plan_settings"):
            self._baseline_changed()  # variance counts the plan calendar's working days

    def row_of(self, item_id: int) -> int | None:
        return self._row_of.get(item_id)

    # -- Qt model --------------------------------------------------------------------------

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    @override
    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(Column)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return _ALIGN_RIGHT
        return None

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        name = EDIT_FIELDS.get(Column(index.column()))
        if self._read_only or name is None:
            return flags
        row = self._shown(index.row())
        if row is None or WORK_ITEM_FIELDS[name].why_not_editable(row) is not None:
            return flags
        return flags | Qt.ItemFlag.ItemIsEditable

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == ITEM_ID_ROLE:
            return self._ids[index.row()]
        row = self._shown(index.row())
        if row is None:
            return None
        column = index.column()
        if column in BASELINE_COLUMNS and role in _BASELINE_ROLES:
            return self._baseline_data(row, Column(column), role)
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column)
        if role == Qt.ItemDataRole.EditRole:
            return _edit_value(row, column)
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if row.kind == "phase" else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            if column in (Column.TOTAL_SLACK, Column.FREE_SLACK):
                slack = row.total_slack if column == Column.TOTAL_SLACK else row.free_slack
                if slack is not None and slack < 0:
                    return self._negative_brush
            if row.problem and column in (Column.KEY, Column.NAME, Column.PREDECESSORS):
                return self._negative_brush
            return self._phase_brush if row.kind == "phase" else None
        if role == Qt.ItemDataRole.DecorationRole:
            return _decoration(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in _NUMERIC:
                return _ALIGN_RIGHT
            return _ALIGN_CENTER if column == Column.CRITICAL else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row, column)
        if role == ITEM_ROW_ROLE:
            return row
        if role == DEPTH_ROLE:
            return row.depth
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        return None

    # -- baseline columns --------------------------------------------------------------------

    def _compared(self, row: ItemRow) -> tuple[str, BaselineDates | None, int | None] | None:
        """(the shown baseline's name, the item's dates in it, its variance); None when the
        item's release shows no baseline."""
        baseline_id = self._choice.shown(row.release_id) if self._choice is not None else None
        if baseline_id is None or self._plan is None:
            return None
        baselines = self._plan.baselines
        try:
            name = baselines.label(baseline_id)
        except KeyError:  # deleted a moment ago; the choice hears of it with the notice
            return None
        held = baselines.item_dates(baseline_id, row.id)
        variance = baselines.variance(baseline_id, row.id) if held is not None else None
        return name, held, variance

    def _baseline_data(self, row: ItemRow, column: Column, role: int) -> Any:
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        compared = self._compared(row)
        name, held, variance = compared if compared is not None else ("", None, None)
        if role == Qt.ItemDataRole.ToolTipRole:
            if compared is None:
                return "Choose a baseline to compare with (Schedule › Baselines…)"
            if held is None:
                return f"Not in the baseline “{name}”: added since it was set"
            if column == Column.VARIANCE:
                return variance_text(variance, name, held.finish)
            return f"In the baseline “{name}”: {format_span(held.start, held.finish)}"
        if role == Qt.ItemDataRole.ForegroundRole:
            late = column == Column.VARIANCE and variance is not None and variance > 0
            return self._critical_brush if late else None
        if held is None:
            return ""
        if column == Column.VARIANCE:
            return format_variance(variance)
        return format_date(held.start if column == Column.BASELINE_START else held.finish)

    def _sort_value(self, row: ItemRow, column: int) -> Any:
        if column not in BASELINE_COLUMNS:
            return _sort_value(row, column)
        _name, held, variance = self._compared(row) or ("", None, None)
        if held is None:
            return _NO_SORT_VALUE
        if column == Column.VARIANCE:
            return _NO_SORT_VALUE if variance is None else variance
        return (held.start if column == Column.BASELINE_START else held.finish).toordinal()

    def _foreground(self, row: ItemRow, column: int) -> QBrush | None:
        if column in (Column.TOTAL_SLACK, Column.FREE_SLACK):
            slack = row.total_slack if column == Column.TOTAL_SLACK else row.free_slack
            return self._critical_brush if slack is not None and slack < 0 else None
        if (
            (row.critical or row.problem)
            and row.kind != "phase"
            and column
            in (
                Column.KEY,
                Column.NAME,
                Column.CRITICAL,
            )
        ):
            return self._critical_brush
        if column == Column.KIND or (column == Column.STATUS and row.status == "cancelled"):
            return self._muted_brush
        return None

    @override
    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or not self.flags(index) & Qt.ItemFlag.ItemIsEditable
            or self._editor is None
        ):
            return False
        row = self._shown(index.row())
        if row is None:
            return False
        column = Column(index.column())
        try:
            converted = _convert(column, value)
        except (TypeError, ValueError):
            return False
        # The unit of work's notice updates the row (dataChanged) once the edit is committed.
        return self._editor.set_item_field(row.id, EDIT_FIELDS[column], converted)


def _display(row: ItemRow, column: int) -> str | None:
    match column:
        case Column.KEY:
            return row.key
        case Column.NAME:
            return row.name
        case Column.KIND:
            return kind_label(row.kind)
        case Column.DURATION:
            return "" if row.kind == "phase" else str(row.duration)
        case Column.START:
            return format_date(row.start)
        case Column.FINISH:
            return format_date(row.finish)
        case Column.PREDECESSORS:
            return row.predecessors
        case Column.TOTAL_SLACK:
            return format_slack(row.total_slack)
        case Column.FREE_SLACK:
            return format_slack(row.free_slack)
        case Column.CRITICAL:
            return "Yes" if row.critical and row.kind != "phase" else ""
        case Column.OWNER:
            return row.owner
        case Column.STATUS:
            return _STATUS.choice_label(row.status)
        case Column.PERCENT:
            return f"{row.percent_complete}"
    return None


def _edit_value(row: ItemRow, column: int) -> Any:
    field = EDIT_FIELDS.get(Column(column))
    return getattr(row, field) if field else _display(row, column)


def _decoration(row: ItemRow, column: int) -> Any:
    if column == Column.NAME:
        return icon("warning" if row.problem else row.kind)
    if column == Column.START and row.not_before is not None:
        return icon("pin")
    if column == Column.CRITICAL and row.critical and row.kind != "phase":
        return icon("critical")
    return None


def _tooltip(row: ItemRow, column: int) -> str | None:
    match column:
        case Column.NAME:
            tip = f"{row.key} · {row.name} ({row.kind})"
            return f"{tip}\n{row.problem}" if row.problem else tip
        case Column.START:
            if row.not_before is not None:
                return f"Starts no earlier than {format_date(row.not_before)}"
            return "Set a “not earlier than” date to pin the start"
        case Column.PREDECESSORS:
            return row.problem or row.predecessors or "No predecessors"
        case Column.TOTAL_SLACK | Column.FREE_SLACK:
            slack = row.total_slack if column == Column.TOTAL_SLACK else row.free_slack
            if slack is None:
                return "Being scheduled…"
            if slack < 0:
                return f"{working_days(-slack)} late"
            return f"{working_days(slack)} of slack"
        case Column.DURATION if row.kind == "phase":
            return "A phase lasts as long as its items"
    return None


def _sort_value(row: ItemRow, column: int) -> Any:
    match column:
        case Column.DURATION:
            return row.duration
        case Column.START:
            return (row.start or dt.date.max).toordinal()
        case Column.FINISH:
            return (row.finish or dt.date.max).toordinal()
        case Column.TOTAL_SLACK:
            return row.total_slack if row.total_slack is not None else 1 << 30
        case Column.FREE_SLACK:
            return row.free_slack if row.free_slack is not None else 1 << 30
        case Column.CRITICAL:
            return int(row.critical)
        case Column.PERCENT:
            return row.percent_complete
    return natural_key(_display(row, column) or "")


def _convert(column: Column, value: Any) -> Any:
    """The editor's value as the service expects it (dates as datetime.date, or None)."""
    if column in (Column.DURATION, Column.PERCENT):
        return int(value)
    if column == Column.START:
        if value is None or value == "":
            return None
        if isinstance(value, dt.date):
            return value
        to_python = getattr(value, "toPython", None)  # a QDate
        if to_python is not None:
            return to_python()
        return dt.date.fromisoformat(str(value))
    return "" if value is None else str(value)
