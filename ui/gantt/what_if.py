"""The Calendar tab's "What if…" dialog: slip an item or change its duration, see what moves.

The question is asked on the GUI thread (app.impact.ask: a few milliseconds at 100,000
items); the answer, a scheduling run over a copy of the plan's inputs (half a second at that
size), comes from a worker thread, so typing in the dialog never waits for it. Apply makes
the change for real as one undo step through the plan editor; Close leaves the plan as it is.
"""

from __future__ import annotations

import threading
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app.errors import GantryError
from app.impact import ImpactReport, MovedItem, MovedRelease, Question, answer, ask
from app.unit_of_work import ChangeNotice
from ui.formatting import format_date, format_variance
from ui.plan_editor import PlanEditor
from ui.plan_events import GuiThread

Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()
MISSED = QColor("#fde2e1")  # a release whose target the change would miss
MISSED_TEXT = QColor("#a61b1b")
_LONGEST = 9999  # working days: the duration field's own limit


class ItemColumn(IntEnum):
    KEY = 0
    NAME = 1
    FINISH = 2
    NEW_FINISH = 3
    DELTA = 4


class ReleaseColumn(IntEnum):
    NAME = 0
    TARGET = 1
    FINISH = 2
    NEW_FINISH = 3
    DELTA = 4
    LATE_BY = 5


_ITEM_HEADERS = ("Key", "Name", "Finish", "New finish", "Δ")
_RELEASE_HEADERS = ("Release", "Target", "Finish", "New finish", "Δ", "Late by")


class MovedItemsModel(QAbstractTableModel):
    """The items a what-if moves, as its report lists them; the changed item in bold."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: tuple[MovedItem, ...] = ()
        self.changed_id: int | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    def set_report(self, report: ImpactReport | None) -> None:
        self.beginResetModel()
        self.items = report.items if report is not None else ()
        self.changed_id = report.change.item_id if report is not None else None
        self.endResetModel()

    @override
    def rowCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.items)

    @override
    def columnCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(ItemColumn)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _ITEM_HEADERS[section] if 0 <= section < len(_ITEM_HEADERS) else None
        return None

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item, column = self.items[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                ItemColumn.KEY: item.key,
                ItemColumn.NAME: item.name,
                ItemColumn.FINISH: format_date(item.finish),
                ItemColumn.NEW_FINISH: format_date(item.new_finish),
                ItemColumn.DELTA: format_variance(item.finish_delta),
            }.get(ItemColumn(column))
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{item.key} starts {format_date(item.new_start)} "
                f"(was {format_date(item.start)}) and finishes {format_date(item.new_finish)} "
                f"(was {format_date(item.finish)})"
            )
        if role == Qt.ItemDataRole.FontRole and item.id == self.changed_id:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ItemColumn.DELTA:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class MovedReleasesModel(QAbstractTableModel):
    """The releases whose finish or lateness a what-if changes; a missed target stands out."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.releases: tuple[MovedRelease, ...] = ()
        self._bold = QFont()
        self._bold.setBold(True)

    def set_report(self, report: ImpactReport | None) -> None:
        self.beginResetModel()
        self.releases = report.releases if report is not None else ()
        self.endResetModel()

    @override
    def rowCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.releases)

    @override
    def columnCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(ReleaseColumn)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _RELEASE_HEADERS[section] if 0 <= section < len(_RELEASE_HEADERS) else None
        return None

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.releases):
            return None
        release, column = self.releases[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            late = f"{release.new_late_by} d" if release.new_late_by else "on time"
            return {
                ReleaseColumn.NAME: release.name,
                ReleaseColumn.TARGET: format_date(release.target) or "no target",
                ReleaseColumn.FINISH: format_date(release.finish),
                ReleaseColumn.NEW_FINISH: format_date(release.new_finish),
                ReleaseColumn.DELTA: format_variance(release.finish_delta),
                ReleaseColumn.LATE_BY: late,
            }.get(ReleaseColumn(column))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ReleaseColumn.DELTA:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and release.misses_target:
            return (
                f"{release.name} would miss its target by {release.new_late_by} working "
                f"day{'' if release.new_late_by == 1 else 's'}"
            )
        if release.misses_target:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(MISSED)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(MISSED_TEXT)
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        return None


class WhatIfRunner(QObject):
    """Answers what-if questions on a worker thread, one at a time; while one is answered,
    only the newest question asked meanwhile waits, and only the answer to the newest
    question asked is delivered."""

    answered = Signal(object)  # ImpactReport
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._gui = GuiThread(self)
        self._asked = 0  # questions asked so far; an answer to an older one is dropped
        self._busy = False
        self._waiting: tuple[int, Question] | None = None

    @property
    def busy(self) -> bool:
        return self._busy

    def request(self, question: Question) -> None:
        self._asked += 1
        if self._busy:
            self._waiting = (self._asked, question)
        else:
            self._start(self._asked, question)

    def cancel(self) -> None:
        """Deliver nothing for the questions asked so far (the dialog closed, or the last
        question was refused before it reached the worker)."""
        self._asked += 1
        self._waiting = None

    def _start(self, number: int, question: Question) -> None:
        self._busy = True
        threading.Thread(
            target=self._work, args=(number, question), name="what-if", daemon=True
        ).start()

    def _work(self, number: int, question: Question) -> None:
        """On the worker thread: answer, and hand the result to the GUI thread."""
        try:
            report: ImpactReport | None = answer(question)
            message = ""
        except GantryError as exc:
            report, message = None, str(exc)
        try:
            self._gui.post(lambda: self._done(number, report, message))
        except RuntimeError:
            pass  # the window closed while the answer was worked out: nobody waits for it

    def _done(self, number: int, report: ImpactReport | None, message: str) -> None:
        self._busy = False
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self._start(*waiting)  # a newer question: this answer is already out of date
        elif number == self._asked:
            if report is None:
                self.failed.emit(message)
            else:
                self.answered.emit(report)


class WhatIfDialog(QDialog):
    """Slip the item by N working days or give it a duration, and see what would move."""

    moved = Signal(object)  # frozenset[int]: the items the change would move, for the chart

    def __init__(
        self,
        editor: PlanEditor,
        item_id: int,
        runner: WhatIfRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("whatIfDialog")
        self.editor = editor
        self.item_id = item_id
        self.runner = runner
        self.report: ImpactReport | None = None
        self._applying = False
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.by_slip = QRadioButton("Finishes later by")
        self.by_duration = QRadioButton("Takes")
        row = editor.plan.work_items.row(item_id)
        self.slip = QSpinBox()
        self.slip.setRange(-_LONGEST, _LONGEST)
        self.slip.setValue(1)
        self.duration = QSpinBox()
        self.duration.setRange(0, _LONGEST)
        self.duration.setValue(row.duration)
        self.by_slip.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_slip)
        group.addButton(self.by_duration)
        choice = QGridLayout()
        for line, (button, spin) in enumerate(
            ((self.by_slip, self.slip), (self.by_duration, self.duration))
        ):
            choice.addWidget(button, line, 0)
            choice.addWidget(spin, line, 1)
            choice.addWidget(QLabel("working days"), line, 2)
        choice.setColumnStretch(3, 1)
        self.summary = QLabel()
        self.summary.setObjectName("whatIfSummary")
        self.summary.setWordWrap(True)
        self.release_model = MovedReleasesModel(self)
        self.releases = _table(
            self.release_model,
            ReleaseColumn.NAME,
            (ReleaseColumn.TARGET, ReleaseColumn.FINISH, ReleaseColumn.NEW_FINISH),
        )
        self.item_model = MovedItemsModel(self)
        self.items = _table(
            self.item_model, ItemColumn.NAME, (ItemColumn.FINISH, ItemColumn.NEW_FINISH)
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setToolTip("Make this change to the plan (one undo step)")
        buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.ApplyRole)
        buttons.rejected.connect(self.reject)
        self.apply_button.clicked.connect(self.apply)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(choice)
        layout.addWidget(self.summary)
        layout.addWidget(self.releases)
        layout.addWidget(self.items, 1)
        layout.addWidget(buttons)
        self.resize(640, 520)

        runner.answered.connect(self._answered)
        runner.failed.connect(self._refused)
        for spin in (self.slip, self.duration):
            spin.valueChanged.connect(self.ask)
        self.by_slip.toggled.connect(self.ask)
        self.finished.connect(self._closed)
        self.setWindowTitle(f"What if {row.key} slips?")
        self.releases.hide()
        self.ask()

    def ask(self) -> None:
        """Ask the question the controls hold; the answer arrives from the runner."""
        try:
            row = self.editor.plan.work_items.row(self.item_id)
        except KeyError:  # deleted (an undo) while the dialog was open
            self.reject()
            return
        self.heading.setText(f"<b>{row.key}</b> — {row.name}")
        self.slip.setEnabled(self.by_slip.isChecked())
        self.duration.setEnabled(self.by_duration.isChecked())
        try:
            if self.by_slip.isChecked():
                question = ask(self.editor.plan, row.key, slip=self.slip.value())
            else:
                question = ask(self.editor.plan, row.key, duration=self.duration.value())
        except GantryError as exc:
            self.runner.cancel()
            self._refused(str(exc))
            return
        self.report = None
        self.apply_button.setEnabled(False)
        self.summary.setText("Working out what moves…")
        self.runner.request(question)

    def _answered(self, report: ImpactReport) -> None:
        self.report = report
        self.summary.setText(report.summary())
        self.release_model.set_report(report)
        self.releases.setVisible(bool(report.releases))
        _fit_rows(self.releases)
        self.item_model.set_report(report)
        self.apply_button.setEnabled(not self.editor.read_only and not report.change.empty)
        self.moved.emit(frozenset(item.id for item in report.items))

    def _refused(self, message: str) -> None:
        self.report = None
        self.summary.setText(message)
        self.release_model.set_report(None)
        self.releases.setVisible(False)
        self.item_model.set_report(None)
        self.apply_button.setEnabled(False)
        self.moved.emit(frozenset())

    def apply(self) -> None:
        """Make the change for real (one undo step) and close; a refusal keeps it open."""
        report = self.report
        if report is None or report.change.empty or self.editor.read_only:
            return
        change = report.change
        self._applying = True  # the edit's own notices need no new answer: we close
        try:
            done = self.editor.set_item_field(change.item_id, change.field, change.new)
        finally:
            self._applying = False
        if done:
            self.accept()

    def apply_change(self, notice: ChangeNotice) -> None:
        """The plan changed (new dates arrived): the answer may have too."""
        if not self._applying and self.isVisible():
            self.ask()

    def _closed(self) -> None:
        self.runner.cancel()
        self.moved.emit(frozenset())


def _table(model: QAbstractTableModel, stretch: int, dates: tuple[int, ...]) -> QTableView:
    """A read-only table whose columns are sized from the text they hold, not measured row
    by row (a slip early in a large plan lists 100,000 items)."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    rows = table.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    text = table.fontMetrics().horizontalAdvance
    for column in range(model.columnCount()):
        title = str(model.headerData(column, Qt.Orientation.Horizontal))
        sample = "00 Mmm 0000" if column in dates else "ATL-0000"
        header.resizeSection(column, max(text(sample), text(title)) + 24)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _fit_rows(table: QTableView) -> None:
    """As tall as its rows (a plan has a few releases): the items below get the rest."""
    rows = table.model().rowCount()
    table.setFixedHeight(
        table.horizontalHeader().height()
        + rows * table.verticalHeader().defaultSectionSize()
        + 2 * table.frameWidth()
    )
