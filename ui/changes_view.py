"""The Changes tab: change requests (filters, form, workflow buttons, approval panel,
history), the release's risk register with its 5x5 matrix, and the generic record pages for
risks, mitigations and approval rules. Every edit goes through the PlanEditor: one undo step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import risk_matrix
from app.changes import APPROVAL_RULE_FIELDS, CHANGE_FIELDS, DECISION_LABELS, STATUS_LABELS
from app.plan import Plan
from app.risks import MITIGATION_FIELDS, RISK_FIELDS
from app.unit_of_work import ChangeNotice
from ui.approval_dialog import ApprovalDialog
from ui.field_form import FieldForm
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.records_view import RecordPage, RecordsView

_ENTITIES = (
    "change_requests",
    "approvals",
    "change_components",
    "change_environments",
    "risks",
    "approval_rules",
    "approvers",
    "releases",
)
LIST_COLUMNS = ("Key", "Title", "Release", "Category", "Status", "Risk", "Requested by")


def _labelled(level: str | None) -> str:
    return level.capitalize() if level else "Not assessed"


class RiskMatrix(QTableWidget):
    """The 5x5 matrix: likelihood up the side (5 at the top), impact along the bottom; each
    cell shows how many risks sit there in its band's colour. Clicking a cell filters."""

    cell_picked = Signal(object)  # (likelihood, impact) or None for all

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(5, 5, parent)
        self.setObjectName("riskMatrix")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalHeaderLabels(
            [f"{n}\n{t}" for n, t in zip(risk_matrix.SCALE, risk_matrix.IMPACT_LABELS, strict=True)]
        )
        self.setVerticalHeaderLabels(
            [
                f"{n} {t}"
                for n, t in reversed(
                    list(zip(risk_matrix.SCALE, risk_matrix.LIKELIHOOD_LABELS, strict=True))
                )
            ]
        )
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setMinimumSize(420, 260)
        self.cellClicked.connect(self._clicked)

    @staticmethod
    def cell_of(row: int, column: int) -> tuple[int, int]:
        return 5 - row, column + 1

    def show_counts(self, counts: dict[tuple[int, int], int]) -> None:
        for row in range(5):
            for column in range(5):
                likelihood, impact = self.cell_of(row, column)
                count = counts.get((likelihood, impact), 0)
                level = risk_matrix.level(likelihood, impact)
                item = QTableWidgetItem(str(count) if count else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                color = QColor(risk_matrix.LEVEL_COLORS[level])
                if not count:
                    color.setAlpha(90)
                item.setBackground(QBrush(color))
                item.setToolTip(
                    f"Likelihood {likelihood} × impact {impact} = "
                    f"{likelihood * impact} ({level}): {count} risk(s)"
                )
                font = item.font()
                font.setBold(True)
                font.setPointSizeF(font.pointSizeF() * 1.3)
                item.setFont(font)
                self.setItem(row, column, item)

    def _clicked(self, row: int, column: int) -> None:
        self.cell_picked.emit(self.cell_of(row, column))


class RiskRegister(QWidget):
    """A release's risks: the matrix and the list, which a matrix cell filters."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plan: Plan | None = None
        self.cell: tuple[int, int] | None = None
        self.release = QComboBox()
        self.release.setObjectName("registerRelease")
        self.release.currentIndexChanged.connect(lambda _n: self.refresh())
        self.matrix = RiskMatrix()
        self.matrix.cell_picked.connect(self.filter_cell)
        self.show_all = QPushButton("Show all")
        self.show_all.setObjectName("registerShowAll")
        self.show_all.clicked.connect(lambda: self.filter_cell(None))
        self.caption = QLabel()
        self.caption.setObjectName("registerCaption")
        self.table = QTableWidget(0, 8)
        self.table.setObjectName("registerTable")
        self.table.setHorizontalHeaderLabels(
            ["Key", "Risk", "Change", "L×I", "Level", "Residual", "Owner", "Status"]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(QLabel("Release"))
        top.addWidget(self.release)
        top.addStretch(1)
        top.addWidget(self.caption)
        top.addWidget(self.show_all)
        axes = QLabel("Likelihood (up) × impact (across); click a cell to list its risks")
        axes.setStyleSheet("color: #6b7280")
        left = QVBoxLayout()
        left.addWidget(self.matrix, 1)
        left.addWidget(axes)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addWidget(self.table, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)

    def set_plan(self, plan: Plan | None) -> None:
        self._plan = plan
        self.release.blockSignals(True)
        self.release.clear()
        if plan is not None:
            for row in plan.releases.rows():
                self.release.addItem(row.name, row.id)
        self.release.blockSignals(False)
        self.refresh()

    def show_release(self, release_id: int | None) -> None:
        index = self.release.findData(release_id)
        if index >= 0:
            self.release.setCurrentIndex(index)

    def filter_cell(self, cell: tuple[int, int] | None) -> None:
        self.cell = cell
        self.refresh()

    def refresh(self) -> None:
        plan, release_id = self._plan, self.release.currentData()
        if plan is None or release_id is None:
            self.matrix.show_counts({})
            self.table.setRowCount(0)
            return
        rows = plan.risks.register(release_id)
        self.matrix.show_counts(risk_matrix.cell_counts((r.likelihood, r.impact) for r in rows))
        shown = [r for r in rows if self.cell is None or (r.likelihood, r.impact) == self.cell]
        self.caption.setText(
            f"{len(shown)} of {len(rows)} risks, likelihood {self.cell[0]} × impact {self.cell[1]}"
            if self.cell
            else f"{len(rows)} risks"
        )
        self.table.setRowCount(len(shown))
        for n, r in enumerate(shown):
            residual = f"{r.residual[0]}×{r.residual[1]} ({r.residual_level})" if r.residual else ""
            values = [
                r.key,
                r.title,
                r.change_key,
                f"{r.likelihood}×{r.impact} = {r.score}",
                r.level.capitalize(),
                residual,
                r.owner,
                r.status.capitalize(),
            ]
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column == 4:
                    item.setBackground(QBrush(QColor(risk_matrix.LEVEL_COLORS[r.level])))
                self.table.setItem(n, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)


class ChangeRequestsPage(QWidget):
    """The list of change requests with its filters, and the selected change beside it."""

    def __init__(self, clock: Callable[[], dt.datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._plan: Plan | None = None
        self._editor: PlanEditor | None = None
        self.change_id: int | None = None
        self.status = QComboBox()
        self.status.setObjectName("filterStatus")
        self.status.addItem("Any status", None)
        for value, label in STATUS_LABELS.items():
            self.status.addItem(label, value)
        self.category = QComboBox()
        self.category.setObjectName("filterCategory")
        self.category.addItem("Any category", None)
        for value, label in CHANGE_FIELDS["category"].choices:
            self.category.addItem(label, value)
        self.release = QComboBox()
        self.release.setObjectName("filterRelease")
        self.mine = QCheckBox("Mine")
        self.mine.setObjectName("filterMine")
        self.mine.setToolTip("Only the changes you requested")
        for box in (self.status, self.category, self.release):
            box.currentIndexChanged.connect(lambda _n: self.refresh())
        self.mine.toggled.connect(lambda _on: self.refresh())
        self.add = QPushButton("Add change")
        self.add.setObjectName("addChange")
        self.add.clicked.connect(self.add_change)
        bar = QHBoxLayout()
        for widget in (self.status, self.category, self.release, self.mine):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.add)

        self.table = QTableWidget(0, len(LIST_COLUMNS))
        self.table.setObjectName("changesTable")
        self.table.setHorizontalHeaderLabels(list(LIST_COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._selected)

        self.detail = QWidget()
        detail = self._detail_layout = QVBoxLayout(self.detail)
        self.form = self._build_form()
        self.touches = QLabel()
        self.touches.setObjectName("changeTouches")
        self.touches.setWordWrap(True)
        self.edit_links = QPushButton("Environments and components…")
        self.edit_links.setObjectName("editChangeLinks")
        self.edit_links.clicked.connect(self.choose_links)
        self.moves = QHBoxLayout()
        self.moves_box = QGroupBox("Workflow")
        self.moves_box.setLayout(self.moves)
        self.approval_box = QGroupBox("Approvals")
        approvals = QVBoxLayout(self.approval_box)
        self.required = QLabel()
        self.required.setObjectName("requiredRoles")
        self.required.setWordWrap(True)
        self.decisions = QListWidget()
        self.decisions.setObjectName("decisions")
        self.decisions.setMinimumHeight(150)
        self.decisions.setWordWrap(True)
        buttons = QHBoxLayout()
        self.decide_buttons: dict[str, QPushButton] = {}
        for decision, label in DECISION_LABELS.items():
            button = QPushButton(f"{label}…")
            button.setObjectName(f"decide_{decision}")
            button.clicked.connect(lambda _c=False, d=decision: self.sign(d))
            buttons.addWidget(button)
            self.decide_buttons[decision] = button
        approvals.addWidget(self.required)
        approvals.addWidget(self.decisions)
        approvals.addLayout(buttons)
        self.history = QListWidget()
        self.history.setObjectName("changeHistory")
        self.history.setWordWrap(True)
        history_box = QGroupBox("History")
        QVBoxLayout(history_box).addWidget(self.history)
        detail.addWidget(self.form)
        detail.addWidget(self.touches)
        detail.addWidget(self.edit_links, 0, Qt.AlignmentFlag.AlignLeft)
        detail.addWidget(self.moves_box)
        detail.addWidget(self.approval_box)
        detail.addWidget(history_box)
        detail.addStretch(1)
        side = QScrollArea()
        side.setWidgetResizable(True)
        side.setFrameShape(QFrame.Shape.NoFrame)
        side.setWidget(self.detail)
        side.setMinimumWidth(420)
        # The detail follows the pane's width (labels wrap) rather than scrolling sideways.
        side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.table, 1)
        splitter.addWidget(left)
        splitter.addWidget(side)
        splitter.setSizes([620, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._show_detail()

    # -- plan ------------------------------------------------------------------------------

    def set_plan(self, plan: Plan | None, editor: PlanEditor | None) -> None:
        self._plan, self._editor = plan, editor
        self.release.blockSignals(True)
        self.release.clear()
        self.release.addItem("Any release", None)
        if plan is not None:
            for row in plan.releases.rows():
                self.release.addItem(row.name, row.id)
        self.release.blockSignals(False)
        self.change_id = None
        self._replace_form()
        self.refresh()

    def _build_form(self) -> FieldForm:
        form = FieldForm(CHANGE_FIELDS, self._commit, self._options)
        for field in CHANGE_FIELDS:
            form.field(field.name)
        return form

    def _replace_form(self) -> None:
        """A new form whose reference combos offer this plan's releases and runbooks."""
        old, self.form = self.form, self._build_form()
        self._detail_layout.replaceWidget(old, self.form)
        old.setParent(None)
        old.deleteLater()

    def _options(self, name: str) -> list[tuple[Any, str]]:
        return self._plan.changes.options(name) if self._plan is not None else []

    def shown_ids(self) -> list[int]:
        plan = self._plan
        if plan is None:
            return []
        status, category = self.status.currentData(), self.category.currentData()
        release = self.release.currentData()
        me = plan.changes.actor.casefold()
        return [
            r.id
            for r in plan.changes.rows()
            if (status is None or r.status == status)
            and (category is None or r.category == category)
            and (release is None or r.release_id == release)
            and (not self.mine.isChecked() or r.requested_by.casefold() == me)
        ]

    def refresh(self) -> None:
        plan = self._plan
        ids = self.shown_ids()
        self.table.blockSignals(True)
        self.table.setRowCount(len(ids))
        if plan is not None:
            releases = {r.id: r.name for r in plan.releases.rows()}
            for n, change_id in enumerate(ids):
                row = plan.changes.row(change_id)
                level = plan.changes.risk_level(change_id)
                values = [
                    row.key,
                    row.title,
                    releases.get(row.release_id, ""),
                    CHANGE_FIELDS["category"].choice_label(row.category),
                    STATUS_LABELS[row.status],
                    _labelled(level),
                    row.requested_by,
                ]
                for column, text in enumerate(values):
                    item = QTableWidgetItem(text)
                    item.setData(Qt.ItemDataRole.UserRole, change_id)
                    if column == 5 and level:
                        item.setBackground(QBrush(QColor(risk_matrix.LEVEL_COLORS[level])))
                    self.table.setItem(n, column, item)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, 200)  # titles are long: elided, whole in the form
        self.table.horizontalHeader().setStretchLastSection(True)
        if self.change_id in ids:
            self.table.selectRow(ids.index(self.change_id))
        self.table.blockSignals(False)
        self.add.setEnabled(plan is not None and not plan.read_only and bool(plan.releases.rows()))
        self._show_detail()

    def select(self, change_id: int) -> None:
        ids = self.shown_ids()
        if change_id in ids:
            self.table.selectRow(ids.index(change_id))

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.change_id = int(rows[0].data(Qt.ItemDataRole.UserRole)) if rows else None
        self._show_detail()

    # -- the selected change ---------------------------------------------------------------

    def _show_detail(self) -> None:
        plan, change_id = self._plan, self.change_id
        self.detail.setVisible(plan is not None and change_id is not None)
        if plan is None or change_id is None:
            return
        try:
            row = plan.changes.row(change_id)
        except KeyError:
            self.change_id = None
            self.detail.setVisible(False)
            return
        writable = not plan.read_only and self._editor is not None
        self.edit_links.setEnabled(writable)
        self.form.title.setText(f"{row.key} {row.title}")
        self.form.subtitle.setText(f"Change request · {STATUS_LABELS[row.status]}")
        self.form.fill(row, not writable)
        components, environments = plan.changes.link_names(change_id)
        touched = [
            f"Environments: {', '.join(environments) or '—'}",
            f"Components: {', '.join(components) or '—'}",
        ]
        if row.rollback_runbook_id is not None:
            runbooks = dict(plan.changes.options("rollback_runbook_id"))
            touched.append(
                f"Rollback: the rollback section of “{runbooks[row.rollback_runbook_id]}”"
            )
        self.touches.setText("\n".join(touched))
        while self.moves.count():
            taken = self.moves.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.setParent(None)  # out of findChild's reach now
                widget.deleteLater()
        for transition, refused in plan.changes.transitions(change_id):
            button = QPushButton(transition.label)
            button.setObjectName(f"move_{transition.target}")
            button.setEnabled(writable and not refused)
            button.setToolTip(refused or f"Move {row.key} to {STATUS_LABELS[transition.target]}")
            button.clicked.connect(
                lambda _c=False, t=transition.target, label=transition.label: self.move_to(t, label)
            )
            self.moves.addWidget(button)
        if not plan.changes.transitions(change_id):
            self.moves.addWidget(QLabel(f"{STATUS_LABELS[row.status]}: the workflow ends here."))
        state = plan.changes.approval_state(change_id)
        needs = [
            f"{r.requirement.role} × {r.requirement.count}"
            + (" (after the fact allowed)" if r.requirement.after_the_fact else "")
            + (" ✓" if not r.missing else "")
            for r in state.roles
        ]
        self.required.setText(
            f"Risk: {_labelled(state.level)}. "
            f"Needs: {'; '.join(needs) if needs else 'no approvals'}"
            + (f"\nStill missing: {', '.join(state.missing())}" if state.missing() else "")
        )
        self.decisions.clear()
        for decision in state.decisions:
            signed = QListWidgetItem(decision.manifestation)
            if decision.comment:
                signed.setToolTip(decision.comment)
                signed.setText(f"{decision.manifestation}\n   “{decision.comment}”")
            self.decisions.addItem(signed)
        can_decide = (
            writable and row.status in ("submitted", "implemented") and bool(state.missing())
        )
        for button in self.decide_buttons.values():
            button.setEnabled(can_decide)
        self.history.clear()
        for entry in plan.changes.history(change_id, limit=40):
            what = ", ".join(f"{f}: {old!r} → {new!r}" for f, old, new in entry.changes[:4])
            self.history.addItem(
                f"{entry.at:%Y-%m-%d %H:%M} UTC · {entry.actor} · {entry.action} "
                f"{entry.entity.replace('_', ' ')}"
                + (f" — {entry.reason}" if entry.reason else "")
                + (f"\n   {what}" if what else "")
            )

    def _commit(self, name: str, value: Any) -> bool:
        if self._editor is None or self._plan is None or self.change_id is None:
            return False
        return self._editor.set_field(self._plan.changes, self.change_id, name, value)

    def move_to(self, target: str, label: str) -> bool:
        if self._editor is None or self.change_id is None:
            return False
        return self._editor.move_change(self.change_id, target, label)

    def add_change(self) -> int | None:
        plan, editor = self._plan, self._editor
        if plan is None or editor is None:
            return None
        release = self.release.currentData() or plan.releases.rows()[0].id
        change_id = editor.add_record(plan.changes, {"title": "New change", "release_id": release})
        if change_id is not None:
            self.change_id = change_id
            self.refresh()
        return change_id

    def approval_dialog(self, decision: str) -> ApprovalDialog | None:
        plan, change_id = self._plan, self.change_id
        if plan is None or change_id is None:
            return None
        state = plan.changes.approval_state(change_id)
        roles = [r.requirement.role for r in state.roles if r.missing]

        def check(*values: str) -> list[str]:
            return plan.changes.check_decision(change_id, *values)

        return ApprovalDialog(
            plan.changes.row(change_id).key, decision, roles, plan.changes.actor, check, self
        )

    def links_dialog(self) -> LinksDialog | None:
        plan, change_id = self._plan, self.change_id
        if plan is None or change_id is None:
            return None
        components, environments = plan.changes.link_choices()
        chosen = plan.changes.links(change_id)
        return LinksDialog(
            plan.changes.row(change_id).key, (components, environments), chosen, self
        )

    def choose_links(self) -> bool:
        dialog = self.links_dialog()
        if dialog is None or self._editor is None or self.change_id is None:
            return False
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self._editor.set_change_links(self.change_id, *dialog.chosen())

    def sign(self, decision: str) -> bool:
        dialog = self.approval_dialog(decision)
        if dialog is None or self._editor is None or self.change_id is None:
            return False
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self._editor.decide_change(self.change_id, dialog.values(), self._clock())


class LinksDialog(QDialog):
    """Ticks the components and environments a change touches."""

    def __init__(
        self,
        key: str,
        offered: tuple[list[tuple[int, str]], list[tuple[int, str]]],
        chosen: tuple[frozenset[int], frozenset[int]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"What {key} touches")
        self.lists: list[QListWidget] = []
        columns = QHBoxLayout()
        for title, choices, ticked in (
            ("Components", offered[0], chosen[0]),
            ("Environments", offered[1], chosen[1]),
        ):
            box = QGroupBox(title)
            items = QListWidget()
            items.setObjectName(f"links_{title.lower()}")
            for record_id, name in choices:
                item = QListWidgetItem(name)
                item.setData(Qt.ItemDataRole.UserRole, record_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                checked = record_id in ticked
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                items.addItem(item)
            QVBoxLayout(box).addWidget(items)
            columns.addWidget(box)
            self.lists.append(items)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(buttons)

    def chosen(self) -> tuple[frozenset[int], frozenset[int]]:
        def ticked(items: QListWidget) -> frozenset[int]:
            return frozenset(
                int(items.item(n).data(Qt.ItemDataRole.UserRole))
                for n in range(items.count())
                if items.item(n).checkState() == Qt.CheckState.Checked
            )

        return ticked(self.lists[0]), ticked(self.lists[1])


def _new_risk(_today: dt.date) -> dict[str, Any]:
    return {"title": "New risk", "likelihood": 3, "impact": 3}


def _new_mitigation(today: dt.date) -> dict[str, Any]:
    return {"action": "New action", "due_date": today}


def _new_rule(_today: dt.date) -> dict[str, Any]:
    return {"category": "normal", "min_level": "low", "role": "New role", "count": 1}


RISKS_PAGE = RecordPage(
    fields=RISK_FIELDS,
    plural="risks",
    columns=("key", "title", "release_id", "change_request_id", "likelihood", "impact", "status"),
    new_record=_new_risk,
    empty_text="No risks yet. Add one; a change's risk sets which approvals it needs.",
    edit_first="title",
)
MITIGATIONS_PAGE = RecordPage(
    fields=MITIGATION_FIELDS,
    plural="mitigations",
    columns=("risk_id", "action", "owner", "due_date", "status"),
    new_record=_new_mitigation,
    empty_text="No mitigations yet.",
    edit_first="action",
)
RULES_PAGE = RecordPage(
    fields=APPROVAL_RULE_FIELDS,
    plural="approval rules",
    columns=("category", "min_level", "role", "count", "after_the_fact"),
    new_record=_new_rule,
    empty_text="No approval rules: no change needs an approval.",
    edit_first="role",
)


class ChangesView(QWidget):
    """The Changes tab."""

    def __init__(
        self,
        clock: Callable[[], dt.datetime],
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._plan: Plan | None = None
        self._editor: PlanEditor | None = None
        self._events: PlanEvents | None = None
        self.requests = ChangeRequestsPage(clock)
        self.register = RiskRegister()
        self.risks = RecordsView(RISKS_PAGE, today)
        self.mitigations = RecordsView(MITIGATIONS_PAGE, today)
        self.rules = RecordsView(RULES_PAGE, today)
        self.pages = QTabWidget()
        self.pages.setObjectName("changesPages")
        self.pages.addTab(self.requests, "Change requests")
        self.pages.addTab(self.register, "Risk register")
        self.pages.addTab(self.risks, "Risks")
        self.pages.addTab(self.mitigations, "Mitigations")
        self.pages.addTab(self.rules, "Approval rules")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def set_plan(
        self, plan: Plan | None, editor: PlanEditor | None, events: PlanEvents | None
    ) -> None:
        if self._events is not None:
            self._events.changed.disconnect(self.apply_change)
        self._plan, self._editor, self._events = plan, editor, events
        if events is not None:
            events.changed.connect(self.apply_change)
        self.requests.set_plan(plan, editor)
        self.register.set_plan(plan)
        self.risks.set_source(plan.risks if plan else None, editor, events)
        self.mitigations.set_source(plan.mitigations if plan else None, editor, events)
        self.rules.set_source(plan.approval_rules if plan else None, editor, events)

    def show_release(self, release_id: int | None) -> None:
        self.register.show_release(release_id)

    def apply_change(self, notice: ChangeNotice) -> None:
        if notice.touches(*_ENTITIES, "risk_mitigations", "runbooks"):
            if notice.structural("releases") or notice.structural("runbooks"):
                self.set_plan(self._plan, self._editor, self._events)
                return
            self.requests.refresh()
            self.register.refresh()
