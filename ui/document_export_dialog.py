"""File › Export › Document PDF… and File › Print Document…: which document (runbook or
release record) of which release on which paper; for an export the file and, if asked, a
signature.

The plan is read on this thread (app.pdf.signed_export.prepare); rendering and signing, the
slow part, run on a worker into a scratch folder beside the target, so Cancel leaves
nothing; the finished file is renamed into place and its signature recorded in the plan here.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.chart_export import current_release
from app.errors import GantryError
from app.pdf.export import pdf_path
from app.pdf.signed_export import (
    Exported,
    Prepared,
    Signer,
    prepare,
    put_in_place,
    record,
    write,
)
from app.pdf.styles import PAPERS
from app.plan import Plan
from app.signing.meanings import MEANINGS
from ui.worker_dialog import WorkerDialog

KINDS = {"runbook": "Runbook", "record": "Release record"}
PAPER_LABELS = {"a4": "A4", "letter": "Letter"}


class DocumentDialog(WorkerDialog):
    """Asks for the document; with ``export=True`` also the file and the signature."""

    def __init__(
        self,
        plan: Plan,
        now: dt.datetime,
        kind: str = "runbook",
        *,
        export: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("documentProblems", parent)
        self.setWindowTitle("Export Document PDF" if export else "Print Document")
        self.cancellable = True
        self._plan = plan
        self._now = now
        self._export = export
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self.prepared: Prepared | None = None
        self.exported: Exported | None = None  # the file written, once done
        self.kind = QComboBox()
        for key, label in KINDS.items():
            self.kind.addItem(label, key)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.release = QComboBox()
        for row in plan.releases.rows():
            self.release.addItem(row.name, row.name)
        if self.release.count():
            self.release.setCurrentIndex(self.release.findData(current_release(plan).name))
        self.paper = QComboBox()
        for key in PAPERS:
            self.paper.addItem(PAPER_LABELS[key], key)
        self.path = QLineEdit()
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(self._choose_file)

        self.sign = QGroupBox("Sign now")
        self.sign.setCheckable(True)
        self.sign.setChecked(False)
        self.key = QLineEdit()
        self.key.setPlaceholderText("your signing key (.p12)")
        self.key_browse = QPushButton("Browse…")
        self.key_browse.clicked.connect(self._choose_key)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.meaning = QComboBox()
        for meaning in MEANINGS:
            self.meaning.addItem(meaning.capitalize(), meaning)
        self.name = QLineEdit()
        self.name.setPlaceholderText("the certificate's name")
        key_row = QHBoxLayout()
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.key_browse)
        sign_form = QFormLayout(self.sign)
        sign_form.addRow("Key file", key_row)
        sign_form.addRow("Password", self.password)
        sign_form.addRow("Meaning", self.meaning)
        sign_form.addRow("Name shown", self.name)

        form = QFormLayout()
        form.addRow("Document", self.kind)
        form.addRow("Release", self.release)
        form.addRow("Paper", self.paper)
        if export:
            where = QHBoxLayout()
            where.addWidget(self.path, 1)
            where.addWidget(self.browse)
            form.addRow("File", where)
            form.addRow(self.sign)
        self.ok_button.setText("Export" if export else "Preview…")
        self.finish_layout(form)
        self.kind.currentIndexChanged.connect(self._suggest_file)
        self.release.currentIndexChanged.connect(self._suggest_file)
        self._suggest_file()
        self.setMinimumWidth(480)

    def _suggest_file(self) -> None:
        stem = f"{self._plan.path.stem}-{self.release.currentData()}-{self.kind.currentData()}"
        self.path.setText(str(self._plan.path.with_name(f"{stem}.pdf")))

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.windowTitle(), self.path.text(), "PDF document (*.pdf)"
        )
        if name:
            self.path.setText(name)

    def _choose_key(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Signing Key", self.key.text(), "PKCS#12 key (*.p12 *.pfx)"
        )
        if name:
            self.key.setText(name)

    def _signer(self) -> Signer | None:
        """The loaded key, or None when not signing; a wrong password raises GantryError."""
        if not self._export or not self.sign.isChecked():
            return None
        from app.signing.keys import load_key  # pyHanko: only when signing

        if not self.key.text().strip():
            raise GantryError("choose your signing key (.p12) to sign with")
        try:
            key = load_key(Path(self.key.text()).expanduser(), self.password.text())
        except GantryError as exc:
            raise GantryError(f"Nothing was written: {exc}.") from None
        return Signer(key, self.meaning.currentData(), self.name.text().strip() or None)

    def accept(self) -> None:
        if self.release.count() == 0:
            self.show_problem("The plan has no release to write a document of.")
            return
        try:
            target = pdf_path(Path(self.path.text()).expanduser()) if self._export else None
            signer = self._signer()
            self.prepared = prepare(
                self._plan,
                self.kind.currentData(),
                self.release.currentData(),
                self.paper.currentData(),
                self._now,
            )
            if target is None:  # printing: the window previews self.prepared
                QDialog.accept(self)
                return
            scratch = tempfile.TemporaryDirectory(prefix=".gantry-export-", dir=target.parent)
        except (GantryError, OSError) as exc:
            self.show_problem(str(exc))
            return
        self._scratch = scratch
        prepared, now = self.prepared, self._now
        unsigned = Path(scratch.name) / target.name
        self.start(lambda _progress: write(prepared, unsigned, now, signer), "document-export")

    def done_work(self, result: object) -> None:
        assert isinstance(result, Exported) and self.prepared is not None
        target = Path(self.path.text()).expanduser()
        try:
            exported = put_in_place(result, target)
            record(self._plan, self.prepared, exported)
        except (GantryError, OSError) as exc:
            self.show_problem(str(exc))
            return
        finally:
            self._clean_up()
        self.exported = exported
        super().done_work(result)

    def discard(self, result: object) -> None:
        self._clean_up()

    def show_problem(self, message: str) -> None:
        self._clean_up()
        super().show_problem(message)

    def _clean_up(self) -> None:
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def summary(self) -> str:
        """What was written, for the window's status bar."""
        if self.exported is None or self.prepared is None:
            return ""
        written, cover = self.exported.written, self.prepared.document.cover
        text = f"Exported {written.path.name}: {cover.title.lower()} of {cover.release}"
        if self.exported.signed is not None:
            text += f", signed by {self.exported.signed.signer} ({self.exported.signed.meaning})"
        return text
