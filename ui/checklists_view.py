"""The Checklists tab: the release's checklists as a tree (inline edit, drag to reorder and
to move between sections, copy and paste, filters, progress bars) beside the go/no-go panel."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QStyle,
    QStyleOptionViewItem,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app.checklists import ItemFilter, Progress
from app.plan import Plan
from app.unit_of_work import ChangeNotice
from ui.checklist_tree_model import (
    KEY_ROLE,
    PROGRESS_ROLE,
    ChecklistTreeModel,
)
from ui.field_delegate import FieldDelegate
from ui.go_no_go_panel import DecisionDialog, GoNoGoPanel
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents

Index = QModelIndex | QPersistentModelIndex
COPY_MIME = "application/x-gantry-checklist-copy"
_ROW_HEIGHT = 24
_WIDTHS = (400, 210, 76, 118, 118, 52, 104, 86, 64, 240, 240)


class ChecklistDelegate(FieldDelegate):
    """Editors from the item field rules; a progress bar in a group's status cell."""

    @override
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        model = index.model()
        assert isinstance(model, ChecklistTreeModel)
        target = model.field_at(index)
        assert target is not None  # only editable cells get here
        editor = self.field_editor(target[1], parent)
        editor.setAutoFillBackground(True)
        return editor

    @override
    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), _ROW_HEIGHT))

    @override
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        progress = index.data(PROGRESS_ROLE)
        if not isinstance(progress, Progress):
            super().paint(painter, option, index)
            return
        # Selection and hover backgrounds as any cell, then a slim bar and its count.
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, option.widget)
        cell = QRect(option.rect).adjusted(4, 0, -4, 0)
        track = QRect(cell.left(), cell.center().y() - 3, min(70, cell.width() // 2), 7)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#e5e7eb"))
        painter.drawRoundedRect(track, 3, 3)
        filled = QRect(track)
        filled.setWidth(round(track.width() * progress.percent / 100))
        painter.setBrush(QColor("#d97706" if progress.blocked else "#16a34a"))
        if filled.width():
            painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(QColor("#4b5563"))
        text = cell.adjusted(track.width() + 8, 0, 0, 0)
        painter.drawText(text, Qt.AlignmentFlag.AlignVCenter, index.data())
        painter.restore()


class ChecklistsView(QWidget):
    """The tab. The window gives it the plan and the release the navigator shows."""

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self._plan: Plan | None = None
        self._editor: PlanEditor | None = None
        self._connection: object | None = None
        self._collapsed: set[tuple[str, int]] = set()

        self.model = ChecklistTreeModel(today, self)
        self.tree = QTreeView()
        self.tree.setObjectName("checklistTree")
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(ChecklistDelegate(self.tree))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setDragEnabled(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAnimated(True)
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        for column, width in enumerate(_WIDTHS):
            self.tree.setColumnWidth(column, width)
        self.tree.collapsed.connect(lambda i: self._collapsed.add(i.data(KEY_ROLE)))
        self.tree.expanded.connect(lambda i: self._collapsed.discard(i.data(KEY_ROLE)))
        self.model.modelReset.connect(self._expand)
        self.tree.selectionModel().selectionChanged.connect(lambda *_: self._update_state())

        self.new_button = QToolButton()
        self.new_button.setText("New from template…")
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.templates_menu = QMenu(self.new_button)
        self.templates_menu.aboutToShow.connect(self._fill_templates)
        self.new_button.setMenu(self.templates_menu)
        self.add_item_button = self._button("Add item", self.add_item)
        self.add_section_button = self._button("Add section", self.add_section)
        self.delete_button = self._button("Delete", self.delete_selected)
        self.mine = QLineEdit()
        self.mine.setObjectName("mineFilter")
        self.mine.setPlaceholderText("Mine: role or person")
        self.mine.setClearButtonEnabled(True)
        self.mine.setMinimumWidth(170)
        self.state_filter = QComboBox()
        self.state_filter.setObjectName("stateFilter")
        for label, value in (("All items", "all"), ("Open", "open"), ("Blocked", "blocked")):
            self.state_filter.addItem(label, value)
        self.mine.textChanged.connect(lambda _t: self._filter_changed())
        self.state_filter.currentIndexChanged.connect(lambda _n: self._filter_changed())
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #4b5563")

        bar = QHBoxLayout()
        for widget in (self.new_button, self.add_section_button, self.add_item_button):
            bar.addWidget(widget)
        bar.addWidget(self.delete_button)
        bar.addSpacing(16)
        bar.addWidget(QLabel("Show:"))
        bar.addWidget(self.state_filter)
        bar.addWidget(self.mine)
        bar.addStretch(1)

        self.panel = GoNoGoPanel()
        self.panel.decide.connect(self.decide)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.tree)
        left_layout.addWidget(self.summary)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([1100, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)

        self._shortcut("copy", QKeySequence.StandardKey.Copy, self.copy_selected)
        self._shortcut("paste", QKeySequence.StandardKey.Paste, self.paste)
        self._shortcut("delete", QKeySequence.StandardKey.Delete, self.delete_selected)
        self._update_state()

    def _button(self, text: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.clicked.connect(lambda: slot())
        return button

    def _shortcut(
        self, name: str, keys: QKeySequence.StandardKey, slot: Callable[[], object]
    ) -> None:
        action = QAction(name, self.tree)
        action.setShortcut(keys)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda: slot())
        self.tree.addAction(action)

    # -- plan --------------------------------------------------------------------------------

    def set_plan(
        self, plan: Plan | None, editor: PlanEditor | None, events: PlanEvents | None
    ) -> None:
        if self._connection is not None:
            events_before = self._connection
            assert isinstance(events_before, PlanEvents)
            events_before.changed.disconnect(self.apply_change)
            self._connection = None
        self._plan, self._editor = plan, editor
        if events is not None:
            events.changed.connect(self.apply_change)
            self._connection = events
        self.model.set_plan(plan, editor)
        self._show_panel()
        self._update_state()

    @property
    def release_id(self) -> int | None:
        return self.model.release_id

    def show_release(self, release_id: int | None) -> None:
        self._collapsed.clear()
        self.model.show_release(release_id)
        self._show_panel()
        self._update_state()

    def apply_change(self, notice: ChangeNotice) -> None:
        if self._plan is None:
            return
        if (
            self.model.release_id is not None
            and self.model.release_id not in self._plan.state.releases
        ):
            self.show_release(None)
            return
        selected = self.selected_keys()
        self.model.apply_change(notice)
        if notice.touches(
            "checklists", "checklist_sections", "checklist_items", "go_no_go_decisions"
        ):
            self._show_panel()
        self._select(selected)
        self._update_state()

    def _expand(self) -> None:
        self.tree.expandAll()
        for kind, record_id in self._collapsed:
            self.tree.collapse(self.model.index_of(kind, record_id))

    def _show_panel(self) -> None:
        plan, release = self._plan, self.model.release_id
        statuses = plan.checklists.go_no_go(release) if plan and release is not None else []
        self.panel.show_statuses(statuses, read_only=self.model.read_only)

    def _filter_changed(self) -> None:
        only = ItemFilter(self.mine.text(), str(self.state_filter.currentData()))
        self.model.set_filter(only)
        # Rows of a filtered tree are not positions in their section: no dragging then.
        self.tree.setDragEnabled(not only.active)
        self._update_state()

    def _update_state(self) -> None:
        writable = self._plan is not None and not self.model.read_only
        has_release = writable and self.model.release_id is not None
        self.new_button.setEnabled(has_release)
        keys = self.selected_keys()
        self.add_item_button.setEnabled(has_release and self._target_section() is not None)
        self.add_section_button.setEnabled(has_release and self._current_checklist() is not None)
        self.delete_button.setEnabled(has_release and any(k[0] == "item" for k in keys))
        self.summary.setText(self._summary())

    def _summary(self) -> str:
        plan, release = self._plan, self.model.release_id
        if plan is None or release is None:
            return ""
        lists = plan.checklists.checklists(release)
        total = sum((plan.checklists.progress(c.id) for c in lists), Progress())
        return (
            f"{len(lists)} checklists · {total.done}/{total.applicable} done · "
            f"{total.blocked} blocked"
        )

    # -- selection ---------------------------------------------------------------------------

    def selected_keys(self) -> list[tuple[str, int]]:
        rows = self.tree.selectionModel().selectedRows()
        keys = [r.data(KEY_ROLE) for r in rows]
        return [k for k in keys if k is not None]

    def selected_item_ids(self) -> list[int]:
        return [record_id for kind, record_id in self.selected_keys() if kind == "item"]

    def _select(self, keys: list[tuple[str, int]]) -> None:
        selection = self.tree.selectionModel()
        selection.clearSelection()
        flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        for kind, record_id in keys:
            index = self.model.index_of(kind, record_id)
            if index.isValid():
                selection.select(index, flags)

    def select(self, kind: str, record_id: int) -> None:
        index = self.model.index_of(kind, record_id)
        self.tree.setCurrentIndex(index)

    def _current_key(self) -> tuple[str, int] | None:
        key = self.tree.currentIndex().data(KEY_ROLE)
        return key if isinstance(key, tuple) else None

    def _target_section(self) -> tuple[int, int | None] | None:
        """Where a new or pasted item goes: after the current item, at the end of the
        current section, or at the end of the current checklist's last section."""
        key, plan = self._current_key(), self._plan
        if key is None or plan is None:
            return None
        kind, record_id = key
        service = plan.checklists
        if kind == "item":
            item = service.row(record_id)
            return item.section_id, item.position + 1
        if kind == "section":
            return record_id, None
        sections = service.sections_of(record_id)
        return (sections[-1].id, None) if sections else None

    def _current_checklist(self) -> int | None:
        key, plan = self._current_key(), self._plan
        if key is None or plan is None:
            return None
        kind, record_id = key
        if kind == "checklist":
            return record_id
        if kind == "section":
            return plan.checklists.section(record_id).checklist_id
        return plan.checklists.row(record_id).checklist_id

    # -- actions -----------------------------------------------------------------------------

    def _fill_templates(self) -> None:
        self.templates_menu.clear()
        if self._plan is None:
            return
        for template, label in self._plan.checklists.template_choices():
            action = self.templates_menu.addAction(label)
            action.triggered.connect(
                lambda _c=False, t=template, n=label: self.new_from_template(t, n)
            )

    def new_from_template(self, template: int | str, label: str) -> int | None:
        if self._editor is None or self.model.release_id is None:
            return None
        made = self._editor.new_checklist(self.model.release_id, template, label)
        if made is not None:
            self.select("checklist", made)
        return made

    def add_item(self) -> list[int]:
        target = self._target_section()
        if self._editor is None or target is None:
            return []
        made = self._editor.paste_checklist_items([{"text": "New item"}], *target, text="Add item")
        if made:
            self.select("item", made[0])
            self.tree.edit(self.model.index_of("item", made[0]))
        return made

    def add_section(self) -> None:
        """A new section at the end of the current checklist, its name open for editing."""
        checklist = self._current_checklist()
        if self._plan is None or self._editor is None or checklist is None:
            return
        made = self._editor.add_checklist_section(checklist, "New section")
        if made is not None:
            self.select("section", made)
            self.tree.edit(self.model.index_of("section", made))

    def delete_selected(self) -> None:
        ids = self.selected_item_ids()
        if self._editor is not None and ids and not self.model.read_only:
            self._editor.delete_checklist_items(ids)

    def copy_selected(self) -> None:
        ids = self.selected_item_ids()
        if self._plan is None or not ids:
            return
        drafts = self._plan.checklists.copy_items(ids)
        data = QMimeData()
        data.setData(COPY_MIME, json.dumps(drafts).encode())
        data.setText("\n".join(d["text"] for d in drafts))
        QApplication.clipboard().setMimeData(data)

    def paste(self) -> list[int]:
        data = QApplication.clipboard().mimeData()
        target = self._target_section()
        if self._editor is None or target is None or self.model.read_only:
            return []
        if data.hasFormat(COPY_MIME):
            drafts = json.loads(bytes(data.data(COPY_MIME).data()).decode())
        elif data.hasText() and data.text().strip():  # lines of text from anywhere: new items
            drafts = [{"text": line.strip()} for line in data.text().splitlines() if line.strip()]
        else:
            return []
        made = self._editor.paste_checklist_items(drafts, *target)
        self._select([("item", i) for i in made])
        return made

    def decide(self, checklist_id: int) -> None:
        plan, release = self._plan, self.model.release_id
        if plan is None or release is None or self._editor is None:
            return
        status = next(
            s for s in plan.checklists.go_no_go(release) if s.checklist.id == checklist_id
        )
        dialog = DecisionDialog(status, plan.checklists.check_decision, plan.store.actor, self)
        dialog.setObjectName("decisionDialog")
        if dialog.exec() == DecisionDialog.DialogCode.Accepted:
            self._editor.record_decision(checklist_id, dialog.values())
