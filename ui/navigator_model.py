"""The navigator tree: releases, then each release's items in outline, fetched lazily."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from typing_extensions import override

from app.plan import Plan
from app.plan_data import ItemRow, ReleaseRow
from app.releases import RELEASE_FIELDS
from app.unit_of_work import ChangeNotice
from app.work_items import WORK_ITEM_FIELDS
from ui.formatting import working_days
from ui.resources import icon

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()  # the default parent argument (a shared invalid index)

NAME_COLUMN = 0
KEY_COLUMN = 1  # item key, or the release's version
STATUS_COLUMN = 2
HEADERS = ("Name", "Key", "Status")

# What a node stands for, returned by NODE_KIND_ROLE.
ROOT, RELEASE, ITEM = 0, 1, 2
NODE_KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # RELEASE or ITEM
ENTITY_ID_ROLE = Qt.ItemDataRole.UserRole + 2  # the release's or item's id
RELEASE_ID_ROLE = Qt.ItemDataRole.UserRole + 3  # the release the node belongs to

FETCH_BATCH = 500  # children added per fetchMore, so huge releases expand instantly

LATE_COLOR = QColor("#b91c1c")
_RELEASE_STATUS = RELEASE_FIELDS["status"]
_ITEM_STATUS = WORK_ITEM_FIELDS["status"]


@dataclass(slots=True)
class _Node:
    kind: int
    entity_id: int
    release_id: int
    parent: int  # node id of the parent (0 for releases)
    row: int
    children: list[int] = field(default_factory=list)  # node ids fetched so far
    child_ids: list[int] | None = None  # every child's entity id, once first fetched


class NavigatorModel(QAbstractItemModel):
    """Nodes exist only for what has been fetched; internalId() is a node id (0 is the root)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._plan: Plan | None = None
        self._nodes: dict[int, _Node] = {}
        self._by_entity: dict[tuple[int, int], int] = {}
        self._next_id = 1
        self._bold = QFont()
        self._bold.setBold(True)
        self._late_brush = QBrush(LATE_COLOR)
        self._reset_nodes()

    def _reset_nodes(self) -> None:
        self._nodes = {0: _Node(ROOT, 0, 0, 0, 0)}
        self._by_entity = {}
        self._next_id = 1

    @property
    def plan(self) -> Plan | None:
        return self._plan

    def set_plan(self, plan: Plan | None) -> None:
        self._plan = plan
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._reset_nodes()
        self.endResetModel()

    def apply_change(self, notice: ChangeNotice) -> None:
        """Names and statuses update in place; added or removed items rebuild the tree."""
        if self._plan is None:
            return
        if notice.structural("work_items") or notice.structural("releases"):
            self.reload()
            return
        # One dataChanged per parent, spanning the changed rows: a schedule notice can name
        # every item of a 100,000-item plan, of which only the fetched ones have nodes.
        changed = [(ITEM, i) for i in notice.ids("work_items")]
        changed += [(RELEASE, r) for r in notice.ids("releases")]
        if len(changed) > len(self._by_entity):
            wanted = set(changed)
            node_ids = [n for key, n in self._by_entity.items() if key in wanted]
        else:
            node_ids = [n for n in map(self._by_entity.get, changed) if n is not None]
        rows: dict[int, list[int]] = {}
        for node_id in node_ids:
            node = self._nodes[node_id]
            rows.setdefault(node.parent, []).append(node.row)
        last = len(HEADERS) - 1
        for parent_id, changed_rows in rows.items():
            parent = self._index_of(parent_id)
            self.dataChanged.emit(
                self.index(min(changed_rows), 0, parent),
                self.index(max(changed_rows), last, parent),
            )

    # -- lookup ----------------------------------------------------------------------------

    def _index_of(self, node_id: int, column: int = 0) -> QModelIndex:
        if node_id == 0:
            return QModelIndex()
        return self.createIndex(self._nodes[node_id].row, column, node_id)

    def _node(self, index: Index) -> _Node:
        return self._nodes[index.internalId()] if index.isValid() else self._nodes[0]

    def index_for_release(self, release_id: int) -> QModelIndex:
        root = self._nodes[0]
        if root.child_ids is None:
            self.fetchMore(QModelIndex())
        node_id = self._by_entity.get((RELEASE, release_id))
        return self._index_of(node_id) if node_id is not None else QModelIndex()

    def index_for_item(self, item: ItemRow) -> QModelIndex:
        """Fetch the item's ancestors (and enough siblings) so it has an index."""
        if self._plan is None:
            return QModelIndex()
        chain = [item]
        while chain[-1].parent_id is not None:
            chain.append(self._plan.work_items.row(chain[-1].parent_id))
        parent = self.index_for_release(item.release_id)
        for row in reversed(chain):
            if not parent.isValid():
                return QModelIndex()
            node = self._node(parent)
            if node.child_ids is None:
                self.fetchMore(parent)
            assert node.child_ids is not None
            try:
                position = node.child_ids.index(row.id)
            except ValueError:
                return QModelIndex()
            while len(node.children) <= position:
                self.fetchMore(parent)
            parent = self._index_of(node.children[position])
        return parent

    def release_at(self, index: Index) -> ReleaseRow | None:
        node = self._node(index)
        if self._plan is None or node.kind == ROOT:
            return None
        return self._plan.releases.row(node.release_id)

    def item_at(self, index: Index) -> ItemRow | None:
        node = self._node(index)
        if self._plan is None or node.kind != ITEM:
            return None
        return self._plan.work_items.row(node.entity_id)

    # -- Qt model --------------------------------------------------------------------------

    @override
    def index(self, row: int, column: int, parent: Index = NO_PARENT) -> QModelIndex:
        if column < 0 or column >= len(HEADERS) or row < 0:
            return QModelIndex()
        node = self._node(parent)
        if row >= len(node.children):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    @override
    def parent(self, index: Index = NO_PARENT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        return self._index_of(self._node(index).parent)

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    @override
    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return len(HEADERS)

    @override
    def hasChildren(self, parent: Index = NO_PARENT) -> bool:
        if self._plan is None:
            return False
        if parent.isValid() and parent.column() != 0:
            return False
        node = self._node(parent)
        if node.children:
            return True
        if node.child_ids is not None:
            return False
        if node.kind == ROOT:
            return bool(self._plan.releases.rows())
        if node.kind == RELEASE:
            return self._plan.releases.row(node.entity_id).item_count > 0
        return self._plan.work_items.has_children(node.entity_id)

    @override
    def canFetchMore(self, parent: Index) -> bool:
        if self._plan is None or (parent.isValid() and parent.column() != 0):
            return False
        node = self._node(parent)
        return node.child_ids is None or len(node.children) < len(node.child_ids)

    @override
    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent):
            return
        assert self._plan is not None
        parent_id = parent.internalId() if parent.isValid() else 0
        node = self._nodes[parent_id]
        if node.child_ids is None:
            if node.kind == ROOT:
                node.child_ids = [r.id for r in self._plan.releases.rows()]
            elif node.kind == RELEASE:
                node.child_ids = self._plan.work_items.child_ids(node.entity_id, None)
            else:
                node.child_ids = self._plan.work_items.child_ids(node.release_id, node.entity_id)
        start = len(node.children)
        batch = node.child_ids[start : start + FETCH_BATCH]
        if not batch:
            return
        kind = RELEASE if node.kind == ROOT else ITEM
        self.beginInsertRows(
            parent if parent.isValid() else QModelIndex(), start, start + len(batch) - 1
        )
        for offset, entity_id in enumerate(batch):
            release_id = entity_id if kind == RELEASE else node.release_id
            node_id = self._next_id
            self._next_id += 1
            self._nodes[node_id] = _Node(kind, entity_id, release_id, parent_id, start + offset)
            self._by_entity[(kind, entity_id)] = node_id
            node.children.append(node_id)
        self.endInsertRows()

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._plan is None:
            return None
        node = self._node(index)
        if role == NODE_KIND_ROLE:
            return node.kind
        if role == ENTITY_ID_ROLE:
            return node.entity_id
        if role == RELEASE_ID_ROLE:
            return node.release_id
        try:
            if node.kind == RELEASE:
                release = self._plan.releases.row(node.entity_id)
                return self._release_data(release, index.column(), role)
            item = self._plan.work_items.row(node.entity_id)
        except KeyError:  # removed a moment ago; the notice that rebuilds the tree follows
            return None
        return self._item_data(item, index.column(), role)

    def _release_data(self, release: ReleaseRow, column: int, role: int) -> Any:
        late = release.late_by > 0
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME_COLUMN:
                return release.name
            if column == KEY_COLUMN:
                return release.version
            return (
                f"{release.late_by}d late"
                if late
                else RELEASE_FIELDS["status"].choice_label(release.status)
            )
        if role == Qt.ItemDataRole.DecorationRole and column == NAME_COLUMN:
            return icon("release-late" if late else "release")
        if role == Qt.ItemDataRole.FontRole and column == NAME_COLUMN:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and late and column == STATUS_COLUMN:
            return self._late_brush
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = (
                f"{release.name} {release.version} — "
                f"{_RELEASE_STATUS.choice_label(release.status)}, "
                f"{release.item_count} items"
            )
            if late:
                tip += f"; {working_days(release.late_by)} late"
            return tip
        return None

    def _item_data(self, item: ItemRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME_COLUMN:
                return item.name
            if column == KEY_COLUMN:
                return item.key
            return WORK_ITEM_FIELDS["status"].choice_label(item.status)
        if role == Qt.ItemDataRole.DecorationRole and column == NAME_COLUMN:
            return icon(item.kind)
        if role == Qt.ItemDataRole.FontRole and item.kind == "phase" and column == NAME_COLUMN:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and item.critical and item.kind != "phase":
            return self._late_brush if column == NAME_COLUMN else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.key} · {item.name}" + (" (critical)" if item.critical else "")
        return None
