"""The navigator dock's tree view: selection signals and expansion kept across rebuilds."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from app.plan import Plan
from app.unit_of_work import ChangeNotice
from ui.header_menu import install_column_menu
from ui.navigator_model import (
    ENTITY_ID_ROLE,
    ITEM,
    KEY_COLUMN,
    NAME_COLUMN,
    NODE_KIND_ROLE,
    RELEASE,
    RELEASE_ID_ROLE,
    STATUS_COLUMN,
    NavigatorModel,
)

EXPAND_ALL = 400  # top-level rows of all releases together that open at once


class NavigatorView(QTreeView):
    """Releases and their outlines; tells the window what the user picked."""

    release_selected = Signal(int)  # release id
    item_selected = Signal(int, int)  # item id, its release id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigator")
        self.navigator_model = NavigatorModel(self)
        self.setModel(self.navigator_model)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(False)
        self.setAnimated(True)
        self.setIndentation(16)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(KEY_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(STATUS_COLUMN, QHeaderView.ResizeMode.Interactive)
        digit = self.fontMetrics().horizontalAdvance("0")
        header.resizeSection(KEY_COLUMN, 8 * digit)
        header.resizeSection(STATUS_COLUMN, 11 * digit)
        header.setSectionHidden(KEY_COLUMN, True)  # keys show in tooltips; the menu brings them
        install_column_menu(header, always_shown=(NAME_COLUMN,))
        self.selectionModel().selectionChanged.connect(self._selection_changed)
        self._syncing = False

    def set_plan(self, plan: Plan | None) -> None:
        self.navigator_model.set_plan(plan)
        if plan is None:
            return
        root = QModelIndex()
        self.navigator_model.fetchMore(root)
        releases = plan.releases.rows()
        # Show every release's top level when that is a screenful or so; on a big plan only
        # the release being worked on opens (select_release), as laying out thousands of
        # rows the user did not ask for would hold the window up.
        if sum(len(plan.work_items.child_ids(r.id, None)) for r in releases) <= EXPAND_ALL:
            for row in range(self.navigator_model.rowCount(root)):
                self.expand(self.navigator_model.index(row, 0, root))

    def apply_change(self, notice: ChangeNotice) -> None:
        if notice.derived and not notice.structural("releases"):
            # New dates and slack: the model keeps no values, so a repaint shows them. A
            # dataChanged over thousands of fetched rows would make the tree re-measure each.
            self.viewport().update()
            return
        if not (notice.structural("work_items") or notice.structural("releases")):
            self.navigator_model.apply_change(notice)
            return
        expanded = self._expanded_entities()
        current = self._entity(self.currentIndex())
        self.navigator_model.apply_change(notice)
        for kind, entity_id in expanded:
            index = self._index_for(kind, entity_id)
            if index.isValid():
                self.expand(index)
        if current is not None:
            index = self._index_for(*current)
            if index.isValid():
                self._select_quietly(index)

    def select_release(self, release_id: int) -> None:
        index = self.navigator_model.index_for_release(release_id)
        if index.isValid():
            self.expand(index)
            self._select_quietly(index)

    def select_item(self, item_id: int, plan: Plan) -> None:
        try:
            index = self.navigator_model.index_for_item(plan.work_items.row(item_id))
        except KeyError:
            return
        if index.isValid():
            self._select_quietly(index)

    def _select_quietly(self, index: QModelIndex) -> None:
        """Follow a selection made elsewhere without echoing it back."""
        self._syncing = True
        try:
            self.setCurrentIndex(index)
            self.scrollTo(index)
        finally:
            self._syncing = False

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._syncing or selected.isEmpty():
            return
        index = selected.indexes()[0]
        kind = index.data(NODE_KIND_ROLE)
        if kind == RELEASE:
            self.release_selected.emit(int(index.data(ENTITY_ID_ROLE)))
        elif kind == ITEM:
            self.item_selected.emit(
                int(index.data(ENTITY_ID_ROLE)), int(index.data(RELEASE_ID_ROLE))
            )

    # -- keeping expansion across a rebuild --------------------------------------------------

    def _entity(self, index: QModelIndex) -> tuple[int, int] | None:
        if not index.isValid():
            return None
        return int(index.data(NODE_KIND_ROLE)), int(index.data(ENTITY_ID_ROLE))

    def _expanded_entities(self) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        stack = [QModelIndex()]
        model = self.navigator_model
        while stack:
            parent = stack.pop()
            for row in range(model.rowCount(parent)):
                index = model.index(row, 0, parent)
                if self.isExpanded(index):
                    entity = self._entity(index)
                    if entity is not None:
                        found.append(entity)
                    stack.append(index)
        return found

    def _index_for(self, kind: int, entity_id: int) -> QModelIndex:
        model = self.navigator_model
        if kind == RELEASE:
            return model.index_for_release(entity_id)
        plan = model.plan
        if plan is None:
            return QModelIndex()
        try:
            return model.index_for_item(plan.work_items.row(entity_id))
        except KeyError:
            return QModelIndex()
