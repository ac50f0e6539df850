"""The Components tab: components, a release's configuration baseline, dependencies, the
baseline of two releases compared, and the graph of the services the release touches.

The three lists are generic record pages (ui/records_view.py), so every edit is one undo
step, audited; the baseline page shows the navigator's release only. The comparison and the
graph are read from app/components.py and app/component_graph.py when the tab is shown and
again on every notice touching what they read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QObject, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app.component_graph import ComponentLayout, release_graph
from app.components import (
    COMPONENT_DEPENDENCIES,
    COMPONENT_VERSIONS,
    COMPONENTS,
    BaselineDelta,
    compare_baselines,
    previous_version,
)
from app.plan import Plan
from app.unit_of_work import ChangeNotice
from ui.component_graph_view import BADGE_COLOURS, CONFLICT, ComponentGraphCanvas
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.record_table_model import NO_PARENT, Index
from ui.records_view import RecordPage, RecordsView
from ui.view_actions import view_action

# What the comparison and the graph read; a notice touching one of these refreshes them.
ENTITIES = ("components", "component_versions", "component_dependencies", "releases", "work_items")
CHANGE_COLOURS = {
    "added": QColor("#15803d"),
    "removed": QColor("#b91c1c"),
    "upgraded": QColor("#1d4ed8"),
    "downgraded": QColor("#b45309"),
    "unchanged": QColor("#6b7280"),
}
CHANGE_FILLS = {
    "added": QColor("#dcfce7"),
    "removed": QColor("#fee2e2"),
    "upgraded": QColor("#dbeafe"),
    "downgraded": QColor("#fef3c7"),
}
ORIGIN_MARKERS = {origin: colour.name() for origin, colour in BADGE_COLOURS.items()}
RISK_MARKERS = {"low": "#22c55e", "medium": "#f59e0b", "high": "#ef4444", "critical": "#7f1d1d"}


class BaselineComparison(QAbstractTableModel):
    """The deltas between two releases' baselines: component, version in each, the change."""

    COLUMNS = ("Component", "Before", "After", "Change")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.deltas: list[BaselineDelta] = []
        self.titles = ("", "")

    def set_deltas(self, deltas: list[BaselineDelta], titles: tuple[str, str]) -> None:
        self.beginResetModel()
        self.deltas, self.titles = deltas, titles
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 1, 2)

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.deltas)

    @override
    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section in (1, 2) and self.titles[section - 1]:
            return self.titles[section - 1]
        return self.COLUMNS[section]

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        delta = self.deltas[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            values = (delta.component, delta.before or "—", delta.after or "—", delta.change)
            return values[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            if index.column() == 3 or delta.change == "unchanged":
                return QBrush(CHANGE_COLOURS[delta.change])
            return None
        if role == Qt.ItemDataRole.BackgroundRole and delta.change in CHANGE_FILLS:
            return QBrush(CHANGE_FILLS[delta.change])
        return None


class ComponentsView(QWidget):
    """Components and baselines, edited; the comparison and the graph of one release."""

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("componentsView")
        self._today = today
        self._plan: Plan | None = None
        self._events: PlanEvents | None = None
        self.release_id: int | None = None
        self._stale = False
        self._fitted_for: tuple[Plan, int] | None = None
        self.graph: ComponentLayout | None = None
        self.canvas = ComponentGraphCanvas()

        self.components = RecordsView(
            RecordPage(
                fields=COMPONENTS.fields,
                plural="components",
                columns=("name", "origin", "owner", "supplier"),
                new_record=self._new_component,
                empty_text="No components yet.\nAdd the services and libraries releases ship.",
                add_icon="new",
                markers={"origin": ORIGIN_MARKERS},
            ),
            today,
        )
        self.components.setObjectName("componentsList")
        self.versions = RecordsView(
            RecordPage(
                fields=COMPONENT_VERSIONS.fields,
                plural="component versions",
                columns=("component_id", "version", "risk", "notes"),
                new_record=self._new_version,
                empty_text="This release ships no recorded component versions yet.\n"
                "Add one: a component and the version this release ships.",
                add_icon="release",
                markers={"risk": RISK_MARKERS},
                edit_first="version",
            ),
            today,
        )
        self.versions.setObjectName("baselineList")
        self.requirements = RecordsView(
            RecordPage(
                fields=COMPONENT_DEPENDENCIES.fields,
                plural="component dependencies",
                columns=("component_id", "depends_on_id", "version_constraint"),
                new_record=self._new_requirement,
                empty_text="No dependencies between components yet.",
                add_icon="new",
                edit_first="version_constraint",
            ),
            today,
        )
        self.requirements.setObjectName("componentDependencies")
        self.components.table.selectionModel().selectionChanged.connect(
            lambda _s, _d: self.canvas.select(self.components.current_record_id())
        )

        self.details = QTabWidget()
        self.details.setDocumentMode(True)
        self.details.addTab(self.versions, "Baseline")
        self.details.addTab(self.requirements, "Dependencies")
        self.details.addTab(self._build_comparison(), "Compare releases")
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.components)
        top.addWidget(self.details)
        top.setStretchFactor(1, 1)
        self.top = top
        self._sized = False

        self.canvas.component_clicked.connect(self.components.select_record)
        self.heading = QLabel()
        self.heading.setObjectName("componentGraphHeading")
        self.heading.setStyleSheet("color: #334155; padding: 0 8px")
        self.conflict_list = QListWidget()
        self.conflict_list.setObjectName("componentConflicts")
        self.conflict_list.setWordWrap(True)
        self.conflict_list.setMaximumHeight(110)
        self.conflict_list.itemActivated.connect(self._conflict_picked)
        self.conflict_list.itemClicked.connect(self._conflict_picked)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.setSpacing(0)
        below_layout.addWidget(self._build_graph_toolbar())
        below_layout.addWidget(self.canvas, 1)
        below_layout.addWidget(self.conflict_list)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(below)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([380, 10_000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    def _build_comparison(self) -> QWidget:
        self.release_a = QComboBox()
        self.release_a.setObjectName("compareFrom")
        self.release_b = QComboBox()
        self.release_b.setObjectName("compareTo")
        self.only_changes = QCheckBox("Only changes")
        self.only_changes.setChecked(True)
        for combo in (self.release_a, self.release_b):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(lambda _n: self.compare())
        self.only_changes.toggled.connect(lambda _on: self.compare())
        self.comparison = BaselineComparison(self)
        self.comparison_table = QTableView()
        self.comparison_table.setObjectName("baselineComparison")
        self.comparison_table.setModel(self.comparison)
        self.comparison_table.setShowGrid(False)
        vertical = self.comparison_table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)  # as the record lists
        self.comparison_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.comparison_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.comparison_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.comparison_summary = QLabel()
        self.comparison_summary.setStyleSheet("color: #6b7280; padding: 0 8px")
        choose = QHBoxLayout()
        choose.setContentsMargins(8, 4, 8, 4)
        choose.addWidget(QLabel("From"))
        choose.addWidget(self.release_a)
        choose.addWidget(QLabel("to"))
        choose.addWidget(self.release_b)
        choose.addWidget(self.only_changes)
        choose.addWidget(self.comparison_summary, 1)
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addLayout(choose)
        box.addWidget(self.comparison_table, 1)
        return page

    def _build_graph_toolbar(self) -> QToolBar:
        bar = QToolBar("Component graph")
        bar.setObjectName("componentGraphToolbar")
        bar.setIconSize(QSize(18, 18))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        title = QLabel("Component graph")
        title.setStyleSheet("font-weight: 600; color: #334155; padding: 0 8px")
        bar.addWidget(title)
        for action in (
            view_action(
                self, "", "zoom-out", "Zoom out (Ctrl+wheel)", ["Ctrl+-"],
                lambda: self.canvas.step_zoom(-1),
            ),
            view_action(
                self, "", "zoom-in", "Zoom in", ["Ctrl+=", "Ctrl++"],
                lambda: self.canvas.step_zoom(1),
            ),
            view_action(
                self, "Fit", "zoom-fit", "Zoom to fit the graph", ["Ctrl+0"], self.canvas.fit
            ),
        ):  # fmt: skip
            bar.addAction(action)
        bar.addWidget(self.heading)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        return bar

    # -- the plan ---------------------------------------------------------------------------

    def set_plan(
        self, plan: Plan | None, editor: PlanEditor | None, events: PlanEvents | None
    ) -> None:
        if self._events is not None:
            self._events.changed.disconnect(self._changed)
        self._plan, self._events = plan, events
        self.release_id = None
        self.components.set_source(plan.components if plan else None, editor, events)
        self.versions.set_source(plan.component_versions if plan else None, editor, events)
        self.requirements.set_source(plan.component_dependencies if plan else None, editor, events)
        if events is not None:
            events.changed.connect(self._changed)
        self._fill_releases()
        self.refresh()

    def show_release(self, release_id: int | None) -> None:
        """Show a release's baseline and graph (the navigator's release)."""
        if release_id == self.release_id:
            return
        self.release_id = release_id
        self.versions.set_scope(
            None if release_id is None else lambda record: record.release_id == release_id
        )
        self._choose_comparison()
        self.refresh()

    def _changed(self, notice: ChangeNotice) -> None:
        if notice.touches("releases"):
            self._fill_releases()
        if notice.touches(*ENTITIES):
            self.refresh()

    def refresh(self) -> None:
        """Read the comparison and the graph again (now if shown, else when next shown)."""
        if not self.isVisible() and self._plan is not None:
            self._stale = True
            return
        self._stale = False
        self.compare()
        self._rebuild_graph()

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized and self.width() > 0:
            self._sized = True
            width = self.top.width()
            self.top.setSizes([width // 2, width - width // 2])
            # The lists show every field worth a column; their forms start folded away.
            for page in (self.components, self.versions, self.requirements):
                page.splitter.setSizes([10_000, 0])
        if self._stale:
            self.refresh()

    # -- comparison -------------------------------------------------------------------------

    def _fill_releases(self) -> None:
        plan = self._plan
        for combo in (self.release_a, self.release_b):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            if plan is not None:
                for release_id in plan.state.release_order:
                    combo.addItem(plan.state.releases[release_id].name, release_id)
            found = combo.findData(chosen)
            combo.setCurrentIndex(max(found, 0) if combo.count() else -1)
            combo.blockSignals(False)

    def _choose_comparison(self) -> None:
        """The shown release against the one before it in the plan."""
        plan, release_id = self._plan, self.release_id
        if plan is None or release_id not in plan.state.release_order:
            return
        order = plan.state.release_order
        at = order.index(release_id)
        self.choose_releases(order[max(at - 1, 0)], release_id)

    def choose_releases(self, release_a: int, release_b: int) -> None:
        for combo, release_id in ((self.release_a, release_a), (self.release_b, release_b)):
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(release_id))
            combo.blockSignals(False)
        self.compare()

    def compare(self) -> None:
        plan = self._plan
        a, b = self.release_a.currentData(), self.release_b.currentData()
        if plan is None or a is None or b is None:
            self.comparison.set_deltas([], ("", ""))
            self.comparison_summary.setText("")
            return
        deltas = compare_baselines(plan, a, b)
        counts = {change: sum(d.change == change for d in deltas) for change in CHANGE_COLOURS}
        if self.only_changes.isChecked():
            deltas = [d for d in deltas if d.change != "unchanged"]
        self.comparison.set_deltas(
            deltas, (self.release_a.currentText(), self.release_b.currentText())
        )
        self.comparison_table.resizeColumnsToContents()
        self.comparison_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch
        )
        self.comparison_summary.setText(
            ", ".join(f"{n} {change}" for change, n in counts.items() if n) or "No components"
        )

    # -- graph ------------------------------------------------------------------------------

    def _rebuild_graph(self) -> None:
        plan, release_id = self._plan, self.release_id
        if plan is None or release_id not in plan.state.releases:
            self.graph = None
            self.canvas.set_layout(None)
            self.heading.setText("")
            self.conflict_list.clear()
            return
        assert release_id is not None
        self.graph = release_graph(plan, release_id, self._today())
        self.canvas.set_layout(self.graph)
        self.canvas.select(self.components.current_record_id())
        touched = sum(node.touched for node in self.graph.nodes.values())
        release = plan.state.releases[release_id].name
        conflicts = self.graph.conflicts
        count = f"{len(conflicts)} conflict" + ("s" if len(conflicts) != 1 else "")
        self.heading.setText(
            f"{touched} components {release} touches, left to right from what others need; "
            + (f"{count} in red" if conflicts else "no conflicts")
        )
        self.conflict_list.clear()
        for message in conflicts:
            item = QListWidgetItem(f"⚠ {message}")
            item.setForeground(CONFLICT)
            self.conflict_list.addItem(item)
        if not conflicts:
            self.conflict_list.addItem(QListWidgetItem(f"No component conflicts in {release}."))
        # A new release starts at its overview, showing the selected component; an edit
        # keeps the user's zoom and place.
        if self._fitted_for != (plan, release_id):
            self._fitted_for = (plan, release_id)
            self.canvas.overview()
            if self.canvas.selected_id is not None:
                self.canvas.reveal(self.canvas.selected_id)

    def _conflict_picked(self, item: QListWidgetItem) -> None:
        """Select the component a conflict is on (the first node whose problems hold it)."""
        graph = self.graph
        if graph is None:
            return
        text = item.text().removeprefix("⚠ ")
        for node in graph.nodes.values():
            if text in node.problems:
                self.canvas.select(node.id)
                self.canvas.reveal(node.id)
                self.components.select_record(node.id)
                return

    # -- what Add makes ---------------------------------------------------------------------

    def _new_component(self, _today: dt.date) -> dict[str, Any]:
        names = {str(r.name) for r in self._plan.components.rows()} if self._plan else set()
        name, n = "new-component", 1
        while name in names:
            n += 1
            name = f"new-component-{n}"
        return {"name": name, "origin": "built_here"}

    def _new_version(self, _today: dt.date) -> dict[str, Any]:
        """The selected component (else the first one this release does not ship yet) at the
        version the release before shipped, ready to be raised."""
        plan, release_id = self._plan, self.release_id
        assert plan is not None
        shipped = {
            r.component_id for r in plan.component_versions.rows() if r.release_id == release_id
        }
        selected = self.components.current_record_id()
        rows = plan.components.rows()
        if selected is None or selected in shipped:
            selected = next((r.id for r in rows if r.id not in shipped), selected)
        # A release manager raises the version the component runs now; 1.0.0 only for a
        # component no earlier release ships.
        previous = None
        if selected is not None and release_id is not None:
            previous = previous_version(plan, release_id, selected)
        version = previous or "1.0.0"
        return {"component_id": selected, "release_id": release_id, "version": version}

    def _new_requirement(self, _today: dt.date) -> dict[str, Any]:
        """The selected component (else the first) on the first other one it does not need yet."""
        plan = self._plan
        assert plan is not None
        ids = [r.id for r in plan.components.rows()]
        existing = {(r.component_id, r.depends_on_id) for r in plan.component_dependencies.rows()}
        component = self.components.current_record_id() or next(iter(ids), None)
        needed = next((i for i in ids if i != component and (component, i) not in existing), None)
        return {"component_id": component, "depends_on_id": needed, "version_constraint": ""}
