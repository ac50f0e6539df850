"""File › Export Chart… and File › Print Chart…: which release, dates, paper and fit.

Export writes through app.chart_export (the same code as `gantry export chart`) on a worker
thread, with a progress bar; the chart's rows are copied out of the plan first, on this
thread, because only the GUI thread reads the plan state.
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

from app.chart_export import (
    ChartDocument,
    ChartRequest,
    chart_document,
    current_release,
    describe,
    release_range,
    write_chart,
)
from app.errors import GantryError
from app.plan import Plan
from app.timeline.pages import PAPERS, Fit
from ui.date_edit import DateField
from ui.plan_events import GuiThread

PAPER_LABELS = {"a4": "A4", "a3": "A3", "letter": "Letter", "tabloid": "Tabloid"}
FIT_LABELS = {Fit.WIDTH: "Fit to page width", Fit.TILES: "Tiles (readable day width)"}


class ChartDialog(QDialog):
    """Asks what to print or export; with ``export=True`` also the format and the file."""

    exported = Signal(list)  # the files written
    failed = Signal(str)

    def __init__(
        self, plan: Plan, today: dt.date, *, export: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Chart" if export else "Print Chart")
        self._plan = plan
        self._today = today
        self._export = export
        self._gui = GuiThread(self)
        self._worker: threading.Thread | None = None
        self.chart: ChartDocument | None = None  # what was asked for, once accepted
        self.written: list[Path] = []  # the files an export wrote
        self.format = QComboBox()
        self.format.addItem("PDF document", "pdf")
        self.format.addItem("PNG images (one per page)", "png")
        self.release = QComboBox()
        for row in plan.releases.rows():
            self.release.addItem(row.name, row.id)
        current = current_release(plan)
        self.release.setCurrentIndex(self.release.findData(current.id))
        self.baseline = QComboBox()
        self.first = DateField(placeholder="release start")
        self.last = DateField(placeholder="release end")
        self.paper = QComboBox()
        for key in PAPERS:
            self.paper.addItem(PAPER_LABELS[key], key)
        self.fit = QComboBox()
        for fit, label in FIT_LABELS.items():
            self.fit.addItem(label, fit)
        self.path = QLineEdit()
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(self._choose_file)
        self.problems = QLabel()
        self.problems.setObjectName("chartProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b91c1c")
        self.problems.hide()
        self.progress = QProgressBar()
        self.progress.hide()

        form = QFormLayout()
        if export:
            form.addRow("Format", self.format)
        form.addRow("Release", self.release)
        form.addRow("Baseline", self.baseline)
        form.addRow("From", self.first)
        form.addRow("To", self.last)
        form.addRow("Paper (landscape)", self.paper)
        form.addRow("Layout", self.fit)
        if export:
            where = QHBoxLayout()
            where.addWidget(self.path, 1)
            where.addWidget(self.browse)
            form.addRow("File", where)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Export" if export else "Preview…")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.release.currentIndexChanged.connect(self._release_chosen)
        self.format.currentIndexChanged.connect(self._format_chosen)
        self.exported.connect(self._done)
        self.failed.connect(self._show_problem)
        self._release_chosen()
        self.path.setText(str(plan.path.with_name(f"{plan.path.stem}-chart.pdf")))
        self.setMinimumWidth(460)

    def _release_chosen(self) -> None:
        release = self._plan.releases.row(self.release.currentData())
        self.baseline.clear()
        self.baseline.addItem("None", None)
        for row in self._plan.baselines.rows(release.id):
            self.baseline.addItem(row.name, row.name)
        self.baseline.setEnabled(self.baseline.count() > 1)
        try:
            first, last = release_range(self._plan, release)
        except GantryError:
            return  # no dates yet: the user gives them
        self.first.setValue(first)
        self.last.setValue(last)

    def _format_chosen(self) -> None:
        path = Path(self.path.text())
        self.path.setText(str(path.with_suffix("." + self.format.currentData())))

    def _choose_file(self) -> None:
        kind = self.format.currentData()
        name, _ = QFileDialog.getSaveFileName(
            self, "Export Chart", self.path.text(), f"{kind.upper()} (*.{kind})"
        )
        if name:
            self.path.setText(name)

    def request(self) -> ChartRequest:
        return ChartRequest(
            release=self._plan.releases.row(self.release.currentData()).name,
            first=self.first.value(),
            last=self.last.value(),
            paper=self.paper.currentData(),
            fit=self.fit.currentData(),
            baseline=self.baseline.currentData(),
        )

    def document(self) -> ChartDocument | None:
        """The pages asked for, or None with the reason shown in the dialog."""
        try:
            return chart_document(self._plan, self.request(), self._today)
        except GantryError as exc:
            self._show_problem(str(exc))
            return None

    def accept(self) -> None:
        document = self.document()
        if document is None:
            return
        if not self._export:
            self.chart = document
            super().accept()
            return
        out = Path(self.path.text()).expanduser()
        self.problems.hide()
        self.ok_button.setEnabled(False)
        self.progress.setRange(0, len(document.layout.pages))
        self.progress.setValue(0)
        self.progress.show()
        self.chart = document
        self._worker = threading.Thread(
            target=self._write, args=(document, out), name="chart-export", daemon=True
        )
        self._worker.start()

    def _write(self, document: ChartDocument, out: Path) -> None:
        """On the worker thread: draw and write; results go back through signals."""
        try:
            written = write_chart(
                document, out, lambda done, _total: self._gui.post(lambda: self._step(done))
            )
        except (GantryError, OSError) as exc:
            message = str(exc) if isinstance(exc, GantryError) else f"{out}: {exc.strerror}"
            self.failed.emit(message)
            return
        self.exported.emit(written)

    def _step(self, done: int) -> None:
        self.progress.setValue(done)

    def _done(self, written: list[Path]) -> None:
        self._worker = None
        self.written = written
        super().accept()

    def reject(self) -> None:
        if self._worker is not None:
            return  # the files are being written; closing now would leave half of them
        super().reject()

    def summary(self) -> str:
        """What was written, for the window's status bar."""
        if self.chart is None or not self.written:
            return ""
        files = self.written[0].name if len(self.written) == 1 else f"{len(self.written)} images"
        return f"Exported the chart to {files}: {describe(self.chart)}"

    def _show_problem(self, message: str) -> None:
        self._worker = None
        self.progress.hide()
        self.ok_button.setEnabled(True)
        self.problems.setText(message)
        self.problems.show()
