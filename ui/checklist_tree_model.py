"""A release's checklists as a tree (checklist → section → item): a thin model over
app.checklists, whose columns, editors and editability come from the item field rules."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from typing_extensions import override

from app.checklists import (
    CHECKLIST_FIELDS,
    ITEM_FIELDS,
    KIND_LABELS,
    SECTION_FIELDS,
    ChecklistItemRow,
    ItemFilter,
    Progress,
)
from app.fields import Field
from app.plan import Plan
from ui.plan_editor import PlanEditor

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()  # the default parent argument (a shared invalid index)

# Column -> the item field it shows (None: the due date Gantry computes).
COLUMNS: tuple[str | None, ...] = (
    "text",
    "status",
    "requirement",
    "owner_role",
    "owner",
    "due_offset",
    "due_milestone",
    None,
    "evidence_kind",
    "evidence",
    "comment",
)
DUE_COLUMN = COLUMNS.index(None)
STATUS_COLUMN = COLUMNS.index("status")
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 1  # a group's Progress
KEY_ROLE = Qt.ItemDataRole.UserRole + 2  # (kind, id): ("checklist" | "section" | "item", id)
MIME = "application/x-gantry-checklist-items"

_CHECKLIST, _SECTION, _ITEM = 0, 1, 2
_KINDS = ("checklist", "section", "item")
_STATUS_COLOURS = {
    "done": "#15803d",
    "blocked": "#b91c1c",
    "not_applicable": "#6b7280",
    "open": "#1f2937",
}


def _key(kind: int, record_id: int) -> int:
    return record_id << 2 | kind


class ChecklistTreeModel(QAbstractItemModel):
    """Checklists of one release (or the plan's templates) with their sections and the
    items the filter lets through. Edits go through the PlanEditor, one undo step each."""

    def __init__(self, today: Callable[[], dt.date], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self._plan: Plan | None = None
        self._editor: PlanEditor | None = None
        self.release_id: int | None = None
        self.only = ItemFilter()
        # The tree as shown: checklist ids, section ids per checklist, item ids per section.
        self._lists: list[int] = []
        self._sections: dict[int, list[int]] = {}
        self._items: dict[int, list[int]] = {}
        self._parent: dict[int, int] = {}  # key -> parent key (checklists: none)

    # -- source ------------------------------------------------------------------------------

    def set_plan(self, plan: Plan | None, editor: PlanEditor | None) -> None:
        self._plan, self._editor = plan, editor
        self.release_id = None
        self.reload()

    def show_release(self, release_id: int | None) -> None:
        self.release_id = release_id
        self.reload()

    def set_filter(self, only: ItemFilter) -> None:
        self.only = only
        self.reload()

    @property
    def read_only(self) -> bool:
        return self._plan is None or self._plan.read_only

    def _shape(self) -> tuple[list[int], dict[int, list[int]], dict[int, list[int]]]:
        plan = self._plan
        if plan is None or self.release_id is None:
            return [], {}, {}
        service = plan.checklists
        lists = [c.id for c in service.checklists(self.release_id)]
        sections = {c: [s.id for s in service.sections_of(c)] for c in lists}
        items = {
            s: [i.id for i in service.items_of(s, self.only if self.only.active else None)]
            for ids in sections.values()
            for s in ids
        }
        return lists, sections, items

    def reload(self) -> None:
        self.beginResetModel()
        self._lists, self._sections, self._items = self._shape()
        self._parent = {}
        for c, sections in self._sections.items():
            for s in sections:
                self._parent[_key(_SECTION, s)] = _key(_CHECKLIST, c)
                for i in self._items[s]:
                    self._parent[_key(_ITEM, i)] = _key(_SECTION, s)
        self.endResetModel()

    def apply_change(self, notice: Any) -> None:
        """Refresh after a change notice: in place when the tree keeps its shape (an edit),
        rebuilt when records came, went or moved."""
        if self._plan is None:
            return
        if self._shape() != (self._lists, self._sections, self._items):
            self.reload()
        elif self._lists and notice.touches(
            "checklists",
            "checklist_sections",
            "checklist_items",
            "releases",
            "plan_settings",
            "calendar_entries",
        ):
            self._changed_all()

    def _changed_all(self) -> None:
        last = self.columnCount() - 1

        def walk(parent: QModelIndex) -> None:
            rows = self.rowCount(parent)
            if rows:
                self.dataChanged.emit(self.index(0, 0, parent), self.index(rows - 1, last, parent))
                for row in range(rows):
                    walk(self.index(row, 0, parent))

        walk(QModelIndex())

    # -- structure ---------------------------------------------------------------------------

    @staticmethod
    def key_of(index: Index) -> tuple[str, int] | None:
        if not index.isValid():
            return None
        key = index.internalId()
        return _KINDS[key & 3], key >> 2

    def _children(self, key: int | None) -> list[int]:
        if key is None:
            return [_key(_CHECKLIST, c) for c in self._lists]
        kind, record_id = key & 3, key >> 2
        if kind == _CHECKLIST:
            return [_key(_SECTION, s) for s in self._sections.get(record_id, [])]
        if kind == _SECTION:
            return [_key(_ITEM, i) for i in self._items.get(record_id, [])]
        return []

    @override
    def index(self, row: int, column: int, parent: Index = NO_PARENT) -> QModelIndex:
        if column < 0 or column >= len(COLUMNS):
            return QModelIndex()
        children = self._children(parent.internalId() if parent.isValid() else None)
        if not 0 <= row < len(children):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    @override
    def parent(self, child: Index = NO_PARENT) -> QModelIndex:  # type: ignore[override]
        if not child.isValid():
            return QModelIndex()
        up = self._parent.get(child.internalId())
        if up is None:
            return QModelIndex()
        above = self._parent.get(up)
        row = self._children(above).index(up)
        return self.createIndex(row, 0, up)

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children(parent.internalId() if parent.isValid() else None))

    @override
    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return len(COLUMNS)

    def index_of(self, kind: str, record_id: int, column: int = 0) -> QModelIndex:
        """The index showing a record (invalid when it is not shown)."""
        key = _key(_KINDS.index(kind), record_id)
        if key not in self._parent and kind != "checklist":
            return QModelIndex()
        siblings = self._children(self._parent.get(key))
        if key not in siblings:
            return QModelIndex()
        return self.createIndex(siblings.index(key), column, key)

    # -- data --------------------------------------------------------------------------------

    def field_at(self, index: Index) -> tuple[Any, Field] | None:
        """The field source and field an editable cell sets (None: not editable)."""
        key = self.key_of(index)
        if key is None or self._plan is None:
            return None
        kind, _id = key
        service = self._plan.checklists
        if kind == "checklist":
            return (service.lists, CHECKLIST_FIELDS["name"]) if index.column() == 0 else None
        if kind == "section":
            return (service.sections, SECTION_FIELDS["name"]) if index.column() == 0 else None
        name = COLUMNS[index.column()]
        return (service, ITEM_FIELDS[name]) if name is not None else None

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        name = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            if name is None:
                return "Due"
            return {"due_offset": "Offset", "evidence_kind": "Kind"}.get(
                name, ITEM_FIELDS[name].label
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            if name is None:
                return "The due date Gantry computes from the offset and the release date"
            return ITEM_FIELDS[name].tip or None
        return None

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        key = self.key_of(index)
        assert key is not None
        if key[0] == "item":
            flags |= Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        elif key[0] == "section":
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        if not self.read_only and self.field_at(index) is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        key = self.key_of(index)
        if key is None or self._plan is None:
            return None
        kind, record_id = key
        if role == KEY_ROLE:
            return key
        service = self._plan.checklists
        if kind == "item":
            return self._item_data(service.row(record_id), index.column(), role)
        column = index.column()
        if kind == "checklist":
            checklist = service.checklist(record_id)
            progress = service.progress(record_id)
            name = checklist.name
            tip = (
                f"{KIND_LABELS.get(checklist.kind, checklist.kind.replace('_', ' ').capitalize())}"
            )
        else:
            section = service.section(record_id)
            progress = service.progress(section.checklist_id, record_id)
            name = section.name
            tip = f"Section of {service.checklist(section.checklist_id).name}"
        if role == PROGRESS_ROLE and column == STATUS_COLUMN:
            return progress
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return name
            if column == STATUS_COLUMN and role == Qt.ItemDataRole.DisplayRole:
                return progress_text(progress)
            return None
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{tip}: {progress_text(progress)}"
        return None

    def _item_data(self, item: ChecklistItemRow, column: int, role: int) -> Any:
        name = COLUMNS[column]
        if name is None:
            return self._due_data(item, role)
        value = getattr(item, name)
        field = ITEM_FIELDS[name]
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.DisplayRole:
            if field.choices:
                return field.choice_label(value) if value is not None else ""
            if name == "due_offset":
                return "" if value is None else f"{value:+d}"
            if name == "comment":
                return value.splitlines()[0] if value else ""
            return value
        if role == Qt.ItemDataRole.ForegroundRole:
            if name == "status":
                return QBrush(QColor(_STATUS_COLOURS[item.status]))
            if not item.unresolved:
                return QBrush(QColor("#6b7280"))
        if role == Qt.ItemDataRole.FontRole and name == "status" and item.status == "blocked":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if name == "status" and item.checked_by:
                when = item.checked_at.isoformat(" ", "minutes") if item.checked_at else ""
                return f"Set by {item.checked_by} {when} UTC"
            if name in ("text", "comment", "evidence") and value:
                return str(value)
            return field.tip or None
        return None

    def _due_data(self, item: ChecklistItemRow, role: int) -> Any:
        assert self._plan is not None
        due = self._plan.checklists.due_date(item)
        if role == Qt.ItemDataRole.DisplayRole:
            return due.isoformat() if due else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._plan.checklists.due_rule(item) or "No due date"
        if role == Qt.ItemDataRole.ForegroundRole and due and item.unresolved:
            if due < self._today():
                return QBrush(QColor("#b91c1c"))  # overdue
        return None

    @override
    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or self._editor is None:
            return False
        target = self.field_at(index)
        key = self.key_of(index)
        if target is None or key is None:
            return False
        source, field = target
        # The notice that follows refreshes the row; nothing is changed here directly.
        return self._editor.set_field(source, key[1], field.name, value)

    # -- drag and drop -----------------------------------------------------------------------

    @override
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    @override
    def mimeTypes(self) -> list[str]:
        return [MIME]

    @override
    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        ids = list(dict.fromkeys(k[1] for i in indexes if (k := self.key_of(i)) and k[0] == "item"))
        data.setData(MIME, json.dumps({"move": ids}).encode())
        return data

    def drop_target(self, row: int, parent: Index) -> tuple[int, int] | None:
        """The (section id, row in the section) a drop at (row, parent) lands on."""
        key = self.key_of(parent)
        if key is None or self._plan is None:
            return None
        kind, record_id = key
        if kind == "section":
            return record_id, len(self._items[record_id]) if row < 0 else row
        if kind == "item":  # dropped on an item: before it
            section = self._plan.checklists.row(record_id).section_id
            return section, self._items[section].index(record_id)
        return None

    @override
    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        return (
            not self.read_only
            and not self.only.active  # filtered rows are not the section's positions
            and data.hasFormat(MIME)
            and self.drop_target(row, parent) is not None
        )

    @override
    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent) or self._editor is None:
            return False
        target = self.drop_target(row, parent)
        ids = json.loads(bytes(data.data(MIME).data()).decode()).get("move", [])
        if target is None or not ids:
            return False
        return self._editor.move_checklist_items(ids, *target)


def progress_text(progress: Progress) -> str:
    text = f"{progress.done}/{progress.applicable} done"
    return f"{text} · {progress.blocked} blocked" if progress.blocked else text
