"""File › Export › Excel Workbook…: the whole plan or one release, written as a workbook.

The rows are copied out of the plan on this thread (only the GUI thread reads the plan
state) and written by app.spreadsheet.export, the same code as `gantry export xlsx`, on a
worker thread with a progress bar.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import GantryError
from app.plan import Plan
from app.spreadsheet.export import WorkbookData, export_path, workbook_data, write_workbook
from ui.plan_events import GuiThread

WHOLE_PLAN = "Whole plan"


class WorkbookDialog(QDialog):
    """Asks for the scope and the file, then writes the workbook without freezing the window."""

    exported = Signal(object)  # the Path written
    failed = Signal(str)

    def __init__(self, plan: Plan, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Excel Workbook")
        self._plan = plan
        self._today = today
        self._gui = GuiThread(self)
        self._worker: threading.Thread | None = None
        self.data: WorkbookData | None = None  # what was written, once done
        self.written: Path | None = None
        self.scope = QComboBox()
        self.scope.addItem(WHOLE_PLAN, None)
        for row in plan.releases.rows():
            self.scope.addItem(f"Release {row.name}", row.name)
        self.path = QLineEdit(str(plan.path.with_suffix(".xlsx")))
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(self._choose_file)
        self.problems = QLabel()
        self.problems.setObjectName("workbookProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b91c1c")
        self.problems.hide()
        self.progress = QProgressBar()
        self.progress.hide()

        form = QFormLayout()
        form.addRow("Export", self.scope)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(self.browse)
        form.addRow("File", where)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.exported.connect(self._done)
        self.failed.connect(self._show_problem)
        self.setMinimumWidth(460)

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export Excel Workbook", self.path.text(), "Excel workbook (*.xlsx)"
        )
        if name:
            self.path.setText(name)

    def accept(self) -> None:
        try:
            out = export_path(Path(self.path.text()).expanduser())
            data = workbook_data(self._plan, self.scope.currentData(), self._today)
        except GantryError as exc:
            self._show_problem(str(exc))
            return
        self.problems.hide()
        self.ok_button.setEnabled(False)
        self.progress.setRange(0, max(1, data.rows))
        self.progress.setValue(0)
        self.progress.show()
        self.data = data
        self._worker = threading.Thread(
            target=self._write, args=(data, out), name="workbook-export", daemon=True
        )
        self._worker.start()

    def _write(self, data: WorkbookData, out: Path) -> None:
        """On the worker thread: write; results go back through signals."""
        try:
            written = write_workbook(
                data, out, lambda done, _total: self._gui.post(lambda: self.progress.setValue(done))
            )
        except (GantryError, OSError) as exc:
            message = str(exc) if isinstance(exc, GantryError) else f"{out}: {exc.strerror}"
            self.failed.emit(message)
            return
        self.exported.emit(written)

    def _done(self, written: Path) -> None:
        self._worker = None
        self.written = written
        super().accept()

    def reject(self) -> None:
        if self._worker is not None:
            return  # the workbook is being written; it appears whole or not at all
        super().reject()

    def summary(self) -> str:
        """What was written, for the window's status bar."""
        if self.data is None or self.written is None:
            return ""
        return f"Exported {self.written.name}: {self.data.describe()}"

    def _show_problem(self, message: str) -> None:
        self._worker = None
        self.progress.hide()
        self.ok_button.setEnabled(True)
        self.problems.setText(message)
        self.problems.show()
