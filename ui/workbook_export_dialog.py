"""File › Export › Excel Workbook…: the whole plan or one release, written as a workbook.

The rows are copied out of the plan on this thread (only the GUI thread reads the plan
state) and written by app.spreadsheet.export, the same code as `gantry export xlsx`, on a
worker thread with a progress bar.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.errors import GantryError
from app.plan import Plan
from app.spreadsheet.export import WorkbookData, export_path, workbook_data, write_workbook
from ui.worker_dialog import WorkerDialog

WHOLE_PLAN = "Whole plan"


class WorkbookDialog(WorkerDialog):
    """Asks for the scope and the file, then writes the workbook without freezing the window."""

    def __init__(self, plan: Plan, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__("workbookProblems", parent)
        self.setWindowTitle("Export Excel Workbook")
        self._plan = plan
        self._today = today
        self.data: WorkbookData | None = None  # what was written, once done
        self.written: Path | None = None
        self.scope = QComboBox()
        self.scope.addItem(WHOLE_PLAN, None)
        for row in plan.releases.rows():
            self.scope.addItem(f"Release {row.name}", row.name)
        self.path = QLineEdit(str(plan.path.with_suffix(".xlsx")))
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(self._choose_file)

        form = QFormLayout()
        form.addRow("Export", self.scope)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(self.browse)
        form.addRow("File", where)
        self.ok_button.setText("Export")
        self.finish_layout(form)
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
            self.show_problem(str(exc))
            return
        self.data = data
        self.start(
            lambda progress: write_workbook(data, out, progress),
            "workbook-export",
            max(1, data.rows),
        )

    def done_work(self, result: object) -> None:
        assert isinstance(result, Path)
        self.written = result
        super().done_work(result)

    def summary(self) -> str:
        """What was written, for the window's status bar."""
        if self.data is None or self.written is None:
            return ""
        return f"Exported {self.written.name}: {self.data.describe()}"
