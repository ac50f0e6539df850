"""File › Import…: a wizard over app.spreadsheet (file, sheet, columns, preview, report).

Nothing reads the file on the GUI thread: opening it, finding its header and the mapping
page's first rows run on a worker with a busy bar and Cancel on the page (Cancel returns to the
page before, as it was); the whole sheet's preview and the commit run on a worker with a
progress dialog and Cancel. The import is one undo step."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from typing_extensions import override

from app.errors import GantryError
from app.spreadsheet.importer import (
    ImportCancelled,
    ImportDone,
    ImportOptions,
    ImportPlan,
    prepare,
    write,
)
from app.spreadsheet.mapping import ColumnMap, field_choices
from app.spreadsheet.reading import Row, Source
from app.spreadsheet.values import DateOrder, cell_text
from app.unit_of_work import Written
from ui.plan_editor import PlanEditor
from ui.plan_events import GuiThread

PREVIEW_ROWS = 50
SHEET_FILTER = "Spreadsheets (*.xlsx *.xlsm *.csv *.tsv *.txt)"
_PROBLEM = QBrush(QColor("#f8d7d3"))
_STATES = {"new": "New", "changed": "Changed", "unchanged": "Unchanged"}
_STATE_COLOURS = {"new": QBrush(QColor("#dcfce7")), "changed": QBrush(QColor("#fef3c7"))}
_ORDERS = (
    ("", "Work it out from the dates"),
    ("dmy", "Day first: 04/05/27 is 4 May 2027"),
    ("mdy", "Month first: 04/05/27 is April 5, 2027"),
)


@dataclass(frozen=True, slots=True)
class FirstRows:
    """The first rows prepared with the current choices, and the sheet's rows they came from
    (what the sheet and mapping pages show)."""

    prepared: ImportPlan
    rows: list[Row]


class BusyBar(QWidget):
    """What a page is reading, a busy bar and Cancel; hidden while the page is idle."""

    def __init__(self, cancel: Callable[[], None]) -> None:
        super().__init__()
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel)
        self.hide()

    def start(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    def stop(self) -> None:
        self.hide()


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ImportWizard(QWizard):
    """The pages share the wizard's choices; each page asks app/ and shows its answer."""

    imported = Signal(str)  # the summary, once the import is committed
    previewed = Signal()  # the whole sheet's preview is ready (or could not be made)
    read = Signal()  # a page's reading ended: done, failed or cancelled

    def __init__(self, editor: PlanEditor, path: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import a spreadsheet")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.resize(920, 620)
        self.editor = editor
        self.source: Source | None = None
        self.columns: ColumnMap | None = None
        self.prepared: ImportPlan | None = None
        self.done_: ImportDone | None = None
        self.file_page = FilePage(self)
        self.sheet_page = SheetPage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.report_page = ReportPage(self)
        for page in (
            self.file_page,
            self.sheet_page,
            self.mapping_page,
            self.preview_page,
            self.report_page,
        ):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Import")
        self._gui = GuiThread(self)
        self._cancel = threading.Event()
        self._progress: QProgressDialog | None = None
        # A page's reading: its number (a later one supersedes it), its Cancel, its bar.
        self._reading = 0
        self._reading_cancel = threading.Event()
        self._busy: BusyBar | None = None
        self.currentIdChanged.connect(self._page_changed)
        if path is not None:
            self.file_page.path.setText(str(path))

    def import_options(self) -> ImportOptions:
        order = self.mapping_page.order.currentData()
        release = self.mapping_page.release.text().strip() or None
        return ImportOptions(
            sheet=self.sheet_page.sheet.currentText() or None,
            release=release,
            date_order=DateOrder(order) if order else None,
            columns=self.columns,
            today=self.editor.today() if self.editor.today is not None else None,
        )

    def path(self) -> Path:
        return Path(self.file_page.path.text().strip())

    # -- a page's reading -----------------------------------------------------------------

    @property
    def reading(self) -> bool:
        return self._busy is not None

    def read_in_background(
        self, busy: BusyBar, label: str, work: Callable[[], Any], done: Callable[[Any, str], None]
    ) -> None:
        """Run `work` on a worker thread while `busy` shows; `done(result, problem)` follows on
        the GUI thread unless Cancel, leaving the page or a newer reading superseded it. The
        wizard is modal, so the plan state the worker reads is not edited meanwhile."""
        self._abandon()
        self._reading += 1
        number, cancel = self._reading, threading.Event()
        self._reading_cancel, self._busy = cancel, busy
        busy.start(label)
        self._complete_changed()

        def run() -> None:
            try:
                result, problem = work(), ""
            except GantryError as exc:
                result, problem = None, str(exc)
            except OSError as exc:  # the file went away or may not be read
                result, problem = None, f"{exc.filename or 'reading'}: {exc.strerror or exc}"
            if not cancel.is_set():
                self._gui.post(lambda: self._read(number, done, result, problem))

        threading.Thread(target=run, name="import-read", daemon=True).start()

    def first_rows_work(self) -> Callable[[], FirstRows]:
        """The work of reading the first rows with the current choices (taken now, on the GUI
        thread)."""
        plan, path, options = self.editor.plan, self.path(), self.import_options()

        def work() -> FirstRows:
            prepared = prepare(plan, path, options, limit=PREVIEW_ROWS)
            header_row = prepared.report.header_row or 0
            rows: list[Row] = []
            if prepared.report.columns is not None:
                source = Source(path)
                for number, cells in source.rows(prepared.report.sheet):
                    if number > header_row and any(c not in (None, "") for c in cells):
                        rows.append((number, cells))
                        if len(rows) >= PREVIEW_ROWS:
                            break
            return FirstRows(prepared, rows)

        return work

    def _read(
        self, number: int, done: Callable[[Any, str], None], result: Any, problem: str
    ) -> None:
        if number != self._reading or self._busy is None:
            return  # cancelled or superseded meanwhile
        self._busy.stop()
        self._busy = None
        done(result, problem)
        self._complete_changed()
        self.read.emit()

    def cancel_reading(self) -> None:
        """Cancel on a page's busy bar: the reading is dropped and the page before shows, as
        it was (the first page stays)."""
        self._abandon()
        if self.currentPage() is not self.file_page:
            self.back()
        self.read.emit()

    def _page_changed(self, _id: int) -> None:
        """Back (or on) while a page reads: that reading is dropped; the page now shown may
        have started its own."""
        if self._busy is not None and self._busy.parentWidget() is not self.currentPage():
            self._abandon()

    def _abandon(self) -> None:
        if self._busy is not None:
            self._reading_cancel.set()
            self._reading += 1
            self._busy.stop()
            self._busy = None
            self._complete_changed()

    def _complete_changed(self) -> None:
        page = self.currentPage()
        if page is not None:
            page.completeChanged.emit()

    # -- the preview of the whole sheet --------------------------------------------------

    def start_preview(self) -> None:
        """Prepare every row on a worker thread (a 100,000-row sheet takes seconds), with a
        progress dialog and Cancel; `previewed` follows. The dialog is window-modal, so the
        plan state the worker reads is not edited meanwhile."""
        self.prepared = None
        self._open_progress("Reading the sheet…")
        path, options = self.path(), self.import_options()
        threading.Thread(
            target=self._preview, args=(path, options), name="import-preview", daemon=True
        ).start()

    def _preview(self, path: Path, options: ImportOptions) -> None:
        """On the worker thread: read and check the whole sheet; the answer goes back to the
        GUI thread."""
        try:
            prepared = prepare(
                self.editor.plan,
                path,
                options,
                lambda done, total, what: self._gui.post(lambda: self._step(done, total, what)),
                self._cancel.is_set,
            )
        except ImportCancelled:
            self._gui.post(self._preview_cancelled)
            return
        except GantryError as exc:
            message = str(exc)
            self._gui.post(lambda: self._previewed(None, message))
            return
        self._gui.post(lambda: self._previewed(prepared, ""))

    def _previewed(self, prepared: ImportPlan | None, message: str) -> None:
        self._close_progress()
        self.prepared = prepared
        if message:
            self.editor.report("Cannot import", message)
        self.preview_page.show_prepared()
        self.previewed.emit()

    def _preview_cancelled(self) -> None:
        self._close_progress()
        self._cancel.clear()
        self.back()
        self.previewed.emit()

    # -- the commit ----------------------------------------------------------------------

    @override
    def accept(self) -> None:
        prepared = self.prepared
        if prepared is None or not prepared.report.ok or self._progress is not None:
            return
        self._open_progress("Importing…")
        threading.Thread(target=self._write, args=(prepared,), name="import", daemon=True).start()

    def _write(self, prepared: ImportPlan) -> None:
        """On the worker thread: write in one transaction; the state is updated back on the
        GUI thread (`Written.finish`)."""
        try:
            written = write(
                self.editor.plan,
                prepared,
                lambda done, total, what: self._gui.post(lambda: self._step(done, total, what)),
                self._cancel.is_set,
            )
        except GantryError as exc:
            message = str(exc)
            self._gui.post(lambda: self._failed(message))
            return
        self._gui.post(lambda: self._written(prepared, written))

    def _open_progress(self, label: str) -> None:
        self._progress = QProgressDialog(label, "Cancel", 0, 0, self)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.setMinimumDuration(0)
        # Reaching the last row is not the end (checking follows): only we close it.
        self._progress.setAutoReset(False)
        self._progress.setAutoClose(False)
        self._progress.canceled.connect(self._cancel.set)
        self._progress.show()

    def _step(self, done: int, total: int, what: str) -> None:
        """Progress from a worker; a total of 0 (rows still being counted) shows a busy bar."""
        if self._progress is not None:
            self._progress.setLabelText(f"{what}…")
            self._progress.setMaximum(total)
            self._progress.setValue(min(done, total))

    def _written(self, prepared: ImportPlan, written: Written[ImportDone]) -> None:
        self.done_ = written.finish()
        self.editor.imported(prepared, self.done_)
        self._close_progress()
        self.imported.emit(self.done_.summary)
        super().accept()

    def _failed(self, message: str) -> None:
        self._close_progress()
        self._cancel.clear()
        self.report_page.text.appendPlainText(f"\n{message}")

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setTitle("Which file?")
        self.setSubTitle("An Excel workbook (.xlsx, .xlsm) or a CSV / text export from Jira, "
                         "MS Project, Smartsheet or any sheet.")  # fmt: skip
        self.path = QLineEdit()
        self.path.setPlaceholderText("e.g. jira-export.csv")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b91c1c")
        self.busy = BusyBar(wizard.cancel_reading)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        layout.addWidget(self.busy)
        self.path.textChanged.connect(self.completeChanged)
        self._wizard = wizard

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Import a spreadsheet", "", SHEET_FILTER)
        if chosen:
            self.path.setText(chosen)

    @override
    def isComplete(self) -> bool:
        return bool(self.path.text().strip()) and not self._wizard.reading

    @override
    def validatePage(self) -> bool:
        """Next opens the file on a worker (a workbook's sheets, a text file's encoding); the
        page moves on once it is open."""
        wizard = self._wizard
        path = wizard.path()
        if wizard.source is not None and wizard.source.path == path:
            return True
        wizard.source = None
        self.problem.clear()
        wizard.read_in_background(
            self.busy, f"Opening {path.name}…", lambda: Source(path), self._opened
        )
        return False

    def _opened(self, source: Source | None, problem: str) -> None:
        if source is None:
            self.problem.setText(problem)
            return
        self._wizard.source = source
        self._wizard.next()


class SheetPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setTitle("Which sheet?")
        self._wizard = wizard
        self.sheet = QComboBox()
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.busy = BusyBar(wizard.cancel_reading)
        form = QFormLayout()
        form.addRow("Sheet:", self.sheet)
        form.addRow("Header row:", self.header)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.busy)
        self.sheet.currentTextChanged.connect(self._show_header)

    @override
    def initializePage(self) -> None:
        source = self._wizard.source
        assert source is not None
        self.setSubTitle(source.describe())
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(source.sheets)
        self.sheet.setCurrentText(source.default_sheet())
        self.sheet.blockSignals(False)
        self._show_header()

    @override
    def isComplete(self) -> bool:
        return self._wizard.columns is not None and not self._wizard.reading

    def _show_header(self) -> None:
        wizard = self._wizard
        wizard.columns = None
        self.header.clear()
        wizard.read_in_background(
            self.busy, "Looking for the header…", wizard.first_rows_work(), self._found
        )

    def _found(self, first: FirstRows | None, problem: str) -> None:
        report = first.prepared.report if first else None
        if report is None or report.columns is None:
            self.header.setText(
                problem or "No header row found: a row naming the columns (Name, Start …)."
            )
            return
        self._wizard.columns = report.columns
        names = " | ".join(h for h in report.columns.headers if h)
        self.header.setText(f"Row {report.header_row}: {names}")


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setTitle("Which column is which?")
        self.setSubTitle("Each column's field, with the first rows as Gantry reads them; cells "
                         "it cannot read are marked.")  # fmt: skip
        self._wizard = wizard
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.order = QComboBox()
        for value, label in _ORDERS:
            self.order.addItem(label, value)
        self.release = QLineEdit()
        self.release.setPlaceholderText(
            "the release of rows that name none (created if the plan has no such release)"
        )
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setStyleSheet("background: #fff3cd; padding: 4px")
        self.question.hide()
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b91c1c")
        self.busy = BusyBar(wizard.cancel_reading)
        form = QFormLayout()
        form.addRow("Dates like 04/05/27:", self.order)
        form.addRow("Release of rows without one:", self.release)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.question)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(self.busy)
        self.order.currentIndexChanged.connect(self.refresh)
        self.release.editingFinished.connect(self.refresh)
        self._combos: list[QComboBox] = []

    @override
    def initializePage(self) -> None:
        columns = self._wizard.columns
        if columns is None:
            return
        self.table.clear()
        self.table.setColumnCount(len(columns.headers))
        # Letters as the sheet shows them, which the problems name too.
        self.table.setHorizontalHeaderLabels(
            [f"{_letter(n)}  {h}".rstrip() for n, h in enumerate(columns.headers)]
        )
        self._combos = []
        for n, field in enumerate(columns.fields):
            combo = QComboBox()
            combo.addItem("(not imported)", "")
            for name, label in field_choices():
                combo.addItem(label, name)
            combo.setCurrentIndex(max(combo.findData(field), 0))
            combo.currentIndexChanged.connect(lambda _i, n=n, c=combo: self._choose(n, c))
            self._combos.append(combo)
        self.refresh()

    def _choose(self, column: int, combo: QComboBox) -> None:
        columns = self._wizard.columns
        assert columns is not None
        self._wizard.columns = columns.with_field(column, combo.currentData())
        for n, other in enumerate(self._combos):
            other.blockSignals(True)
            other.setCurrentIndex(max(other.findData(self._wizard.columns.fields[n]), 0))
            other.blockSignals(False)
        self.refresh()

    @override
    def isComplete(self) -> bool:
        return not self._wizard.reading

    def refresh(self) -> None:
        """Read the first rows again with the current choices (on a worker)."""
        wizard = self._wizard
        if wizard.columns is None:
            return
        wizard.read_in_background(
            self.busy, "Reading the first rows…", wizard.first_rows_work(), self._show
        )

    def _show(self, first: FirstRows | None, problem: str) -> None:
        """The first rows as read with the current choices; cells with problems marked."""
        if first is None:
            self.problems.setText(problem)
            return
        report, rows = first.prepared.report, first.rows
        marks = {(p.row, p.column.split(" ")[0]): p.message for p in report.problems if p.row}
        self.table.setRowCount(len(rows) + 1)
        self.table.setVerticalHeaderLabels(["Field"] + [str(number) for number, _ in rows])
        for n, combo in enumerate(self._combos):
            self.table.setCellWidget(0, n, combo)
        for r, (number, cells) in enumerate(rows, start=1):
            for n in range(self.table.columnCount()):
                value = cell_text(cells[n]) if n < len(cells) else ""
                item = QTableWidgetItem(value)
                letter = _letter(n)
                message = marks.get((number, letter))
                if message:
                    item.setBackground(_PROBLEM)
                    item.setToolTip(message)
                self.table.setItem(r, n, item)
        self.table.resizeColumnsToContents()
        ambiguous = next(
            (p.value for p in report.errors if "--date-order" in p.message and p.value), ""
        )
        errors = report.errors
        if report.date_order_needed:  # asked in words above, not as the CLI's problem
            errors = [p for p in errors if "--date-order" not in p.message]
        lines = [_where(p.row, p.column) + p.message for p in errors[:6]]
        if len(errors) > 6:
            lines.append(f"… and {len(errors) - 6:,} more")
        heading = f"{len(errors)} problem(s) in the first {len(rows)} rows (hover a marked cell):"
        self.problems.setText("\n".join([heading, *lines]) if errors else "")
        self.question.setVisible(report.date_order_needed)
        self.question.setText(
            f"Every date here could be read day first or month first (such as '{ambiguous}'). "
            "Which does the sheet use? Choose below."
        )
        self.order.setStyleSheet("background: #fff3cd" if report.date_order_needed else "")


def _where(row: int | None, column: str) -> str:
    """A problem's cell as the wizard names it (the sheet is the one chosen)."""
    if row is None:
        return ""
    return f"Row {row}, column {column}: " if column else f"Row {row}: "


def _letter(column: int) -> str:
    letters = ""
    n = column + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setTitle("What will change")
        self.setSubTitle("Every row of the sheet as it would go into the plan. Rows whose key "
                         "the plan has update that item; nothing is written yet.")  # fmt: skip
        self._wizard = wizard
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.table = _table(["", "Sheet row", "Key", "Name", "Changes"])
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(self.table, 1)

    @override
    def initializePage(self) -> None:
        self.table.setRowCount(0)
        self.counts.setText("Reading the sheet…")
        self._wizard.start_preview()

    def show_prepared(self) -> None:
        """The whole sheet's preview, once the worker has prepared it."""
        prepared = self._wizard.prepared
        if prepared is None:
            self.counts.setText("The sheet could not be read.")
            return
        report = prepared.report
        if not report.ok:
            self.counts.setText(
                f"{len(report.errors)} problem(s): nothing can be imported until they are fixed."
            )
            lines = [(p.row, _where(None, p.column) + p.message, p.column) for p in report.errors]
            shown_problems = lines[:1000]
            self.table.setRowCount(len(shown_problems))
            for r, (row, text, column) in enumerate(shown_problems):
                state = QTableWidgetItem("Problem")
                state.setBackground(_PROBLEM)
                self.table.setItem(r, 0, state)
                self.table.setItem(r, 1, QTableWidgetItem(str(row or "")))
                self.table.setItem(r, 4, QTableWidgetItem(f"{column}: {text}" if column else text))
        else:
            warnings = len(report.warnings)
            self.counts.setText(
                f"Rows: {report.summary()}."
                + (
                    f" {warnings:,} warning(s): see the report on the next page."
                    if warnings
                    else ""
                )
                + (
                    f" The first 1,000 of {len(report.rows):,} are listed."
                    if len(report.rows) > 1000
                    else ""
                )
            )
            shown = report.rows[:1000]
            self.table.setRowCount(len(shown))
            for r, outcome in enumerate(shown):
                changes = "; ".join(c.text("→") for c in outcome.changes)
                for n, text in enumerate(
                    (_STATES[outcome.state], str(outcome.row), outcome.key, outcome.name, changes)
                ):
                    cell = QTableWidgetItem(text)
                    if n == 0 and outcome.state in _STATE_COLOURS:
                        cell.setBackground(_STATE_COLOURS[outcome.state])
                    self.table.setItem(r, n, cell)
        self.table.resizeColumnsToContents()
        self.completeChanged.emit()

    @override
    def isComplete(self) -> bool:
        prepared = self._wizard.prepared
        return prepared is not None and prepared.report.ok


class ReportPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setTitle("Report")
        self.setSubTitle("Nothing is written until you press Import; Edit › Undo takes the "
                         "whole import back in one step.")  # fmt: skip
        self._wizard = wizard
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)

    @override
    def initializePage(self) -> None:
        prepared = self._wizard.prepared
        self.text.setPlainText("\n".join(prepared.report.lines()) if prepared else "")
