"""Schedule › Set Baseline… and Schedule › Baselines…: name a new baseline; list, choose,
rename and delete a release's baselines, each change one undo step."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    SignalInstance,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app.baselines import BASELINE_FIELDS, BaselineRow, BaselineService
from app.unit_of_work import ChangeNotice
from ui.baseline_choice import BaselineChoice
from ui.formatting import format_moment
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()
_PROBLEM_STYLE = (
    "color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca;"
    " border-radius: 4px; padding: 6px 8px"
)

# A name for a new baseline of the release: one sentence per problem, [] when it may be set.
NameValidator = Callable[[str], list[str]]


class BaselineNameDialog(QDialog):
    """Asks for the new baseline's name (a free one suggested); OK closes only once
    `validate` finds no problem, and the problems show inside the dialog."""

    def __init__(
        self,
        release: str,
        suggested: str,
        validate: NameValidator,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("setBaseline")
        self.setWindowTitle("Set Baseline")
        self._validate = validate
        intro = QLabel(
            f"Keep the scheduled dates of every item of {release} under a name, to compare "
            "the plan with later."
        )
        intro.setWordWrap(True)
        self.name = QLineEdit(suggested)
        self.name.setPlaceholderText(BASELINE_FIELDS["name"].placeholder)
        self.name.selectAll()
        self.problems = QLabel()
        self.problems.setObjectName("baselineProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b91c1c")
        self.problems.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Set Baseline")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.name)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._edited)
        self.setMinimumWidth(380)

    def value(self) -> str:
        return self.name.text().strip()

    @override
    def accept(self) -> None:
        problems = self._validate(self.value())
        if problems:
            self.problems.setText("\n".join(problems))
            self.problems.show()
            self.adjustSize()
            return
        super().accept()

    def _edited(self) -> None:
        self.ok_button.setEnabled(bool(self.value()))
        if not self.problems.isHidden():  # once shown, the problems follow what is typed
            self.problems.setText("\n".join(self._validate(self.value())))


class BaselineColumn(IntEnum):
    SHOWN = 0
    NAME = 1
    SET_ON = 2
    ITEMS = 3


_HEADERS = {
    BaselineColumn.SHOWN: "Shown",
    BaselineColumn.NAME: BASELINE_FIELDS["name"].label,
    BaselineColumn.SET_ON: BASELINE_FIELDS["created_at"].label,
    BaselineColumn.ITEMS: BASELINE_FIELDS["item_count"].label,
}
_TIPS = {
    BaselineColumn.SHOWN: "The baseline the Work items table compares with",
    BaselineColumn.SET_ON: BASELINE_FIELDS["created_at"].tip,
    BaselineColumn.ITEMS: BASELINE_FIELDS["item_count"].tip,
}
BASELINE_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class BaselinesModel(QAbstractTableModel):
    """One release's baselines, oldest first; checking "Shown" chooses the one compared with,
    editing a name renames the baseline (through `rename`, one undo step)."""

    def __init__(
        self,
        baselines: BaselineService,
        choice: BaselineChoice,
        release_id: int,
        rename: Callable[[int, str], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._baselines, self._choice, self.release_id = baselines, choice, release_id
        self._rename = rename
        self._rows: list[BaselineRow] = []
        self._bold = QFont()
        self._bold.setBold(True)
        choice.changed.connect(self._choice_changed)
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self._baselines.rows(self.release_id)
        self.endResetModel()

    def apply_change(self, notice: ChangeNotice) -> None:
        if notice.touches(BASELINE_FIELDS.entity):
            self.reload()

    def baseline_at(self, row: int) -> BaselineRow:
        return self._rows[row]

    def row_of(self, baseline_id: int) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.id == baseline_id), None)

    def _choice_changed(self, release_id: int) -> None:
        if release_id == self.release_id and self._rows:
            last = len(BaselineColumn) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, last))

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    @override
    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(BaselineColumn)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(BaselineColumn):
            return None
        column = BaselineColumn(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _TIPS.get(column)
        return None

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == BaselineColumn.SHOWN:
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == BaselineColumn.NAME and not self._baselines.read_only:
            return flags | Qt.ItemFlag.ItemIsEditable
        return flags

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        shown = self._choice.shown(self.release_id) == row.id
        if role == BASELINE_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.CheckStateRole and column == BaselineColumn.SHOWN:
            return Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if shown else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            match column:
                case BaselineColumn.NAME:
                    return row.name
                case BaselineColumn.SET_ON:
                    return format_moment(row.created_at)
                case BaselineColumn.ITEMS:
                    return f"{row.item_count:,}"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == BaselineColumn.ITEMS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @override
    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not self.flags(index) & (
            Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable
        ):
            return False
        row = self._rows[index.row()]
        if index.column() == BaselineColumn.SHOWN and role == Qt.ItemDataRole.CheckStateRole:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            self._choice.choose(self.release_id, row.id if checked else None)
            return True
        if index.column() == BaselineColumn.NAME and role == Qt.ItemDataRole.EditRole:
            # The notice of the rename reloads the rows.
            return self._rename(row.id, "" if value is None else str(value))
        return False


class BaselinesDialog(QDialog):
    """A release's baselines: which one the plan is compared with, renamed and deleted here.

    Changes apply at once through the PlanEditor (each one undo step); a refusal shows inside
    the dialog. It stays open beside the window and follows the plan's changes.
    """

    def __init__(
        self,
        editor: PlanEditor,
        events: PlanEvents,
        choice: BaselineChoice,
        release_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("baselines")
        self.plan = editor.plan
        self.release_id = release_id
        release = self.plan.releases.label(release_id)
        self.setWindowTitle(f"Baselines of {release}")
        self._fallback = editor.report
        # The same plan and undo stack; only refusals are told here rather than in a box.
        self._editor = PlanEditor(editor.plan, editor.stack, self._report)
        self.model = BaselinesModel(
            self.plan.baselines, choice, release_id, self._editor.rename_baseline, self
        )
        self.table = QTableView()
        self.table.setObjectName("baselinesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(BaselineColumn.NAME, QHeaderView.ResizeMode.Stretch)
        for column in (BaselineColumn.SHOWN, BaselineColumn.SET_ON, BaselineColumn.ITEMS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel(
            f"{release} has no baselines yet: set one with Schedule › Set Baseline…"
        )
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #6b7280")
        self.problem = QLabel()
        self.problem.setObjectName("baselinesProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(_PROBLEM_STYLE)
        self.problem.hide()

        self.rename_button = QPushButton("&Rename")
        self.rename_button.setToolTip("Give the selected baseline another name")
        self.rename_button.clicked.connect(self.rename_selected)
        self.delete_button = QPushButton("&Delete")
        self.delete_button.setToolTip("Delete the selected baseline (Edit › Undo puts it back)")
        self.delete_button.clicked.connect(self.delete_selected)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(self.rename_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        row.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.problem)
        layout.addLayout(row)
        self.setMinimumSize(520, 260)
        events.changed.connect(self._changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    def selected(self) -> int | None:
        """The selected baseline's id."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.baseline_at(rows[0].row()).id if rows else None

    def select(self, baseline_id: int) -> bool:
        row = self.model.row_of(baseline_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def rename_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.table.edit(rows[0].siblingAtColumn(BaselineColumn.NAME))

    def delete_selected(self) -> bool:
        baseline_id = self.selected()
        if baseline_id is None:
            return False
        self._show_problem("")
        return self._editor.delete_baseline(baseline_id)

    def _changed(self, notice: ChangeNotice) -> None:
        if not notice.touches(BASELINE_FIELDS.entity):
            return
        kept = self.selected()
        self._show_problem("")
        self.model.apply_change(notice)
        if kept is not None:
            self.select(kept)
        self._update_buttons()

    def _update_buttons(self) -> None:
        writable = not self.plan.read_only
        chosen = self.selected() is not None
        self.rename_button.setEnabled(writable and chosen)
        self.delete_button.setEnabled(writable and chosen)
        self.empty.setVisible(self.model.rowCount() == 0)

    def _report(self, title: str, message: str) -> None:
        if self.isVisible():
            self._show_problem(message)
        else:  # an undo of a baseline change failed after the dialog was closed
            self._fallback(title, message)

    def _show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.setVisible(bool(message))


def show_baselines(
    window: QWidget,
    editor: PlanEditor,
    events: PlanEvents,
    choice: BaselineChoice,
    release_id: int,
    plan_closed: SignalInstance,
) -> BaselinesDialog:
    """Show a release's baselines beside `window`: one dialog per plan and release, which
    goes with the plan (`plan_closed`)."""
    for dialog in window.findChildren(BaselinesDialog):
        if dialog.plan is editor.plan and dialog.release_id == release_id:
            break
    else:
        dialog = BaselinesDialog(editor, events, choice, release_id, window)
        plan_closed.connect(dialog.close)
        plan_closed.connect(dialog.deleteLater)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
