"""The "Calendar" tab: the outline and the timeline side by side, rows aligned to the pixel.

Both panes show the same PlanRows with the same row height and header height; the chart's
vertical scroll bar drives both, and the tree's selection is the selection on both sides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QSplitter, QToolBar, QVBoxLayout, QWidget
from typing_extensions import override

from app.chart_marks import release_marks
from app.plan import Plan
from app.plan_check import Finding
from app.timeline.layout import BaselineDates
from app.timeline.plan_rows import PlanRows
from app.unit_of_work import ChangeNotice
from ui.gantt.chart import GanttChart
from ui.gantt.dialogs import GoToDateDialog, ItemDialog
from ui.gantt.rows_model import ITEM_ID_ROLE, Column, GanttRowsModel
from ui.gantt.tree import GanttTree
from ui.gantt.what_if import WhatIfDialog, WhatIfRunner
from ui.plan_editor import PlanEditor
from ui.view_actions import view_action

Flag = QItemSelectionModel.SelectionFlag


class GanttView(QWidget):
    """Tree and timeline of one release; emits the current item (None for no selection)."""

    item_selected = Signal(object)  # int | None

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ganttView")
        self._today = today
        self.plan: Plan | None = None
        self.editor: PlanEditor | None = None
        self.rows: PlanRows | None = None
        self._collapsed: dict[int, set[int]] = {}  # folded phases per release, for this session
        self.dialog: ItemDialog | WhatIfDialog | None = None
        self._findings: list[Finding] = []
        self.runner = WhatIfRunner(self)
        self.chart = GanttChart(today)
        self.model = GanttRowsModel(self)
        self.tree = GanttTree(int(self.chart.metrics.height), self.chart.header_height)
        self.tree.setModel(self.model)
        self.tree.fit_columns()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("ganttSplitter")
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.chart)
        self.splitter.setStretchFactor(1, 1)
        self._split_done = False  # the first show gives the timeline most of the width
        self.splitter.setHandleWidth(3)
        self.heading = QLabel()
        self.heading.setObjectName("ganttHeading")
        self.toolbar = self._build_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)

        chart_bar, tree_bar = self.chart.verticalScrollBar(), self.tree.verticalScrollBar()
        chart_bar.valueChanged.connect(tree_bar.setValue)
        tree_bar.valueChanged.connect(chart_bar.setValue)
        self.tree.selectionModel().selectionChanged.connect(self._selection_changed)
        self.tree.delegate.fold_clicked.connect(self.toggle_row)
        self.tree.doubleClicked.connect(lambda index: self.open_item(index.data(ITEM_ID_ROLE)))
        self.chart.clicked.connect(self._chart_clicked)
        self.chart.activated.connect(self.open_item)
        self.setFocusProxy(self.chart)
        for pane in (self.tree, self.chart):
            pane.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            pane.addAction(self.what_if_action)

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._split_done and self.splitter.width() > 0:
            # The outline gets its natural width up to 38% of the tab; the rest is timeline.
            self._split_done = True
            natural = sum(self.tree.columnWidth(c) for c in Column) + 2
            total = self.splitter.width()
            tree = min(natural, int(total * 0.38))
            self.splitter.setSizes([tree, total - tree])

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar("Chart")
        bar.setObjectName("ganttToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

        def action(
            text: str, icon_name: str, tip: str, keys: list[str], slot: Callable[[], None]
        ) -> QAction:
            return view_action(self, text, icon_name, tip, keys, slot)

        self.zoom_in_action = action(
            "", "zoom-in", "Zoom in", ["Ctrl+=", "Ctrl++"], lambda: self.chart.zoom_in()
        )
        self.zoom_out_action = action(
            "",
            "zoom-out",
            "Zoom out (Ctrl+wheel zooms around the mouse)",
            ["Ctrl+-"],
            lambda: self.chart.zoom_out(),
        )
        self.fit_action = action(
            "Fit", "zoom-fit", "Zoom to fit the release", ["Ctrl+0"], self.chart.zoom_to_fit
        )
        self.today_action = action("Today", "today", "Go to today", [], self.go_to_today)
        self.go_to_action = action(
            "Go to date…", "go-to-date", "Scroll to a date", ["Ctrl+G"], self.ask_date
        )
        self.critical_action = action(
            "Critical path", "critical", "Show the critical path in red", [], self._critical_toggled
        )
        self.critical_action.setCheckable(True)
        self.what_if_action = action(
            "What if…",
            "what-if",
            "Slip the selected item and see what moves",
            ["Ctrl+I"],
            self.what_if,
        )
        self.what_if_action.setEnabled(False)
        bar.addWidget(self.heading)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        for made in (self.zoom_out_action, self.zoom_in_action, self.fit_action):
            bar.addAction(made)
        bar.addSeparator()
        bar.addActions([self.today_action, self.go_to_action])
        bar.addSeparator()
        bar.addAction(self.critical_action)
        bar.addSeparator()
        bar.addAction(self.what_if_action)
        return bar

    # -- plan and release --------------------------------------------------------------------

    def set_plan(
        self, plan: Plan | None, editor: PlanEditor | None, release_id: int | None
    ) -> None:
        self.plan, self.editor = plan, editor
        self._collapsed.clear()
        self._close_dialog()
        self.chart.editing = editor if editor is not None and not editor.read_only else None
        self.show_release(release_id if plan is not None else None)

    @property
    def release_id(self) -> int | None:
        return self.rows.release_id if self.rows is not None else None

    def show_release(self, release_id: int | None) -> None:
        """Show a release's rows (the navigator chose it); folded phases are remembered."""
        plan = self.plan
        if plan is None:
            self.rows = None
        else:
            collapsed = self._collapsed.setdefault(release_id or 0, set())
            self.rows = PlanRows(plan.state, release_id, collapsed)
            self.rows.collapsed = collapsed  # one set per release, kept as phases fold
        switched = self.chart.rows is None or self.chart.rows.release_id != release_id
        self.model.set_rows(self.rows)
        self.chart.set_source(plan, self.rows)
        self.update_marks()
        if switched and self.rows is not None:
            self.chart.request_fit()
        self._update_heading()

    def set_baseline(self, dates: BaselineDates | None) -> None:
        """Draw a baseline's bars under the live ones (None: no baseline)."""
        self.chart.baseline = dates
        self.chart.viewport().update()

    def apply_change(self, notice: ChangeNotice) -> None:
        """Repaint after an edit or a schedule; rebuild the rows only when the outline moved."""
        rows, plan = self.rows, self.plan
        if rows is None or plan is None:
            return
        if rows.release_id is not None and rows.release_id not in plan.state.releases:
            releases = plan.state.release_order
            self.show_release(releases[0] if releases else None)
            return
        if rows.outline_changed():
            selected = self.selected_ids()
            self.model.rebuild()
            self.chart.update_ranges()
            self._select_ids(selected)
        else:
            self.model.refresh()
        if notice.touches("releases") or notice.derived:
            self.chart.update_span()
            self._update_heading()
        if self.dialog is not None:
            self.dialog.apply_change(notice)
        if notice.derived or notice.touches("communications", "releases", "work_items"):
            self.update_marks()
        self.chart.viewport().update()
        self.chart.header.update()

    def set_findings(self, findings: list[Finding]) -> None:
        """The plan's findings (the Conflicts dock checks them): those with a day are marked."""
        self._findings = findings
        self.update_marks()

    def update_marks(self) -> None:
        """Mark the shown release's conflicts and communications on the chart."""
        plan, rows = self.plan, self.rows
        if plan is None or rows is None or rows.release_id is None:
            self.chart.set_marks([])
            return
        communications = plan.communications.listing(self._today(), rows.release_id)
        self.chart.set_marks(
            release_marks(rows.release_id, self._findings, communications, rows.row_of, len(rows))
        )

    def _update_heading(self) -> None:
        plan, release_id = self.plan, self.release_id
        if plan is None or release_id is None or release_id not in plan.state.releases:
            self.heading.setText("")
            return
        release = plan.state.release_row(release_id)
        late = (
            f"  <span style='color:#b45309'><b>{release.late_by} working days late</b></span>"
            if release.late_by > 0
            else ""
        )
        self.heading.setText(f"<b>{release.name}</b>{late}")

    # -- folding -----------------------------------------------------------------------------

    def toggle_row(self, row: int) -> None:
        selected = self.selected_ids()
        if self.model.toggle(row):
            self.chart.update_ranges()
            self.chart.viewport().update()
            self._select_ids(selected)

    def toggle(self, item_id: int) -> bool:
        row = self.model.row_of(item_id)
        if row is None:
            return False
        self.toggle_row(row)
        return True

    # -- selection ---------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        return [int(i.data(ITEM_ID_ROLE)) for i in self.tree.selectionModel().selectedRows()]

    def current_item_id(self) -> int | None:
        current = self.tree.currentIndex()
        selection = self.tree.selectionModel()
        if current.isValid() and selection.isRowSelected(current.row()):
            return int(current.data(ITEM_ID_ROLE))
        ids = self.selected_ids()
        return ids[0] if ids else None

    def select_item(self, item_id: int) -> bool:
        row = self.model.row_of(item_id)
        if row is None:
            return False
        self._chart_clicked(item_id, Qt.KeyboardModifier.NoModifier)
        return True

    def _select_ids(self, ids: list[int]) -> None:
        selection = QItemSelection()
        for item_id in ids:
            row = self.model.row_of(item_id)
            if row is not None:
                index = self.model.index(row, 0)
                selection.select(index, index)
        self.tree.selectionModel().select(selection, Flag.ClearAndSelect | Flag.Rows)

    def _chart_clicked(self, item_id: int | None, mods: Qt.KeyboardModifier) -> None:
        selection = self.tree.selectionModel()
        if item_id is None:
            selection.clearSelection()
            return
        row = self.model.row_of(item_id)
        if row is None:
            return
        index = self.model.index(row, 0)
        if mods & Qt.KeyboardModifier.ShiftModifier and self.tree.currentIndex().isValid():
            anchor = self.tree.currentIndex().row()
            first, last = sorted((anchor, row))
            span = QItemSelection(self.model.index(first, 0), self.model.index(last, 0))
            selection.select(span, Flag.ClearAndSelect | Flag.Rows)
            selection.setCurrentIndex(index, Flag.NoUpdate)
        elif mods & Qt.KeyboardModifier.ControlModifier:
            selection.setCurrentIndex(index, Flag.Toggle | Flag.Rows)
        else:
            selection.setCurrentIndex(index, Flag.ClearAndSelect | Flag.Rows)
        self.chart.scroll_to_row(row)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.chart.selected = frozenset(self.selected_ids())
        self.chart.viewport().update()
        current = self.current_item_id()
        self.what_if_action.setEnabled(current is not None)
        self.item_selected.emit(current)

    # -- commands ----------------------------------------------------------------------------

    def go_to_today(self) -> None:
        self.chart.go_to(self._today())

    def ask_date(self) -> None:
        dialog = GoToDateDialog(self.chart.date_at_view_x(self.chart.viewport().width() / 5), self)
        dialog.accepted.connect(lambda: self._go_to(dialog.value()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _go_to(self, day: dt.date | None) -> None:
        if day is not None:
            self.chart.go_to(day)

    def _critical_toggled(self) -> None:
        self.chart.critical = self.critical_action.isChecked()
        self.chart.viewport().update()

    def open_item(self, item_id: int | None) -> None:
        """The item's fields in a window-modal dialog (double-click on a bar or a row)."""
        if item_id is None or self.editor is None:
            return
        self._close_dialog()
        dialog = self.dialog = ItemDialog(self.editor, item_id, self)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()

    def what_if(self) -> None:
        """Slip the current item in a window-modal dialog; the chart marks what would move."""
        item_id = self.current_item_id()
        if item_id is None or self.editor is None:
            return
        self._close_dialog()
        dialog = self.dialog = WhatIfDialog(self.editor, item_id, self.runner, self)
        dialog.moved.connect(self._highlight)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()

    def _highlight(self, ids: frozenset[int]) -> None:
        self.chart.highlighted = ids
        self.chart.viewport().update()

    def _dialog_closed(self, dialog: ItemDialog | WhatIfDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
