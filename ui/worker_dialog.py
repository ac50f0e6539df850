"""A dialog that writes a file on a worker thread, with a progress bar and its problems shown.

Chart, workbook and document exports share it: the dialog reads the plan on the GUI thread
(only that thread reads the plan state), hands the slow writing to a worker, and takes the
outcome back through signals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLayout,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from app.errors import GantryError
from ui.plan_events import GuiThread

Progress = Callable[[int, int], None]


class WorkerDialog(QDialog):
    """Subclasses build their form, call `finish_layout`, and `start` the work on accept.

    With `cancellable`, Cancel while the work runs closes the dialog at once and the outcome
    is handed to `discard` when it arrives; otherwise Cancel waits for the work to end.
    """

    worked = Signal(object)  # what the work returned
    failed = Signal(str)

    def __init__(self, problems_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._gui = GuiThread(self)
        self._worker: threading.Thread | None = None
        self._cancelled = False
        self.cancellable = False
        self.problems = QLabel()
        self.problems.setObjectName(problems_name)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b91c1c")
        self.problems.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.worked.connect(self._worked)
        self.failed.connect(self.show_problem)

    def finish_layout(self, form: QLayout) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

    @property
    def working(self) -> bool:
        return self._worker is not None

    def start(self, work: Callable[[Progress], object], name: str, steps: int = 0) -> None:
        """Run `work` on a worker thread; `steps` 0 shows a busy bar instead of a count."""
        self.problems.hide()
        self.ok_button.setEnabled(False)
        self.progress.setRange(0, steps)
        self.progress.setValue(0)
        self.progress.show()
        self._cancelled = False
        self._worker = threading.Thread(target=self._run, args=(work,), name=name, daemon=True)
        self._worker.start()

    def _run(self, work: Callable[[Progress], object]) -> None:
        """On the worker thread; the outcome goes back through signals."""
        try:
            result = work(lambda done, _total: self._gui.post(lambda: self.progress.setValue(done)))
        except (GantryError, OSError) as exc:
            if isinstance(exc, GantryError):
                self.failed.emit(str(exc))
            else:
                self.failed.emit(f"{exc.filename or 'writing'}: {exc.strerror or exc}")
            return
        self.worked.emit(result)

    def _worked(self, result: object) -> None:
        self._worker = None
        if self._cancelled:
            self.discard(result)
            return
        self.done_work(result)

    def done_work(self, result: object) -> None:
        """On the GUI thread once the work succeeded; the default closes the dialog."""
        super().accept()

    def discard(self, result: object) -> None:
        """The work of a cancelled dialog ended; undo what it wrote."""

    def reject(self) -> None:
        if self._worker is not None:
            if not self.cancellable:
                return  # the file is being written; it appears whole or not at all
            self._cancelled = True
        super().reject()

    def show_problem(self, message: str) -> None:
        if self._cancelled:
            self._worker = None
            return
        self._worker = None
        self.progress.hide()
        self.ok_button.setEnabled(True)
        self.problems.setText(message)
        self.problems.show()
