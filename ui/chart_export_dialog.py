"""File › Export Chart… and File › Print Chart…: which release, dates, paper and fit.

Export writes through app.chart_export (the same code as `gantry export chart`) on a worker
thread, with a progress bar; the chart's rows are copied out of the plan first, on this
thread, because only the GUI thread reads the plan state.
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
from ui.worker_dialog import WorkerDialog

PAPER_LABELS = {"a4": "A4", "a3": "A3", "letter": "Letter", "tabloid": "Tabloid"}
FIT_LABELS = {Fit.WIDTH: "Fit to page width", Fit.TILES: "Tiles (readable day width)"}


class ChartDialog(WorkerDialog):
    """Asks what to print or export; with ``export=True`` also the format and the file."""

    def __init__(
        self, plan: Plan, today: dt.date, *, export: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__("chartProblems", parent)
        self.setWindowTitle("Export Chart" if export else "Print Chart")
        self._plan = plan
        self._today = today
        self._export = export
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
        self.ok_button.setText("Export" if export else "Preview…")
        self.finish_layout(form)
        self.release.currentIndexChanged.connect(self._release_chosen)
        self.format.currentIndexChanged.connect(self._format_chosen)
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
            self.show_problem(str(exc))
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
        self.chart = document
        self.start(
            lambda progress: write_chart(document, out, progress),
            "chart-export",
            len(document.layout.pages),
        )

    def done_work(self, result: object) -> None:
        assert isinstance(result, list)
        self.written = result
        super().done_work(result)

    def summary(self) -> str:
        """What was written, for the window's status bar."""
        if self.chart is None or not self.written:
            return ""
        files = self.written[0].name if len(self.written) == 1 else f"{len(self.written)} images"
        return f"Exported the chart to {files}: {describe(self.chart)}"
