"""File › Verify a PDF…: the signatures of a PDF checked, with the report `gantry verify`
prints under a verdict in green or red.

Verification is app.signing.verify (the same code as the command); this only asks for the
file and the certificates to trust, and shows the outcome.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import GantryError
from ui.busy import busy_cursor

GOOD = "background: #dcfce7; color: #166534; border: 1px solid #16a34a"
BAD = "background: #fee2e2; color: #991b1b; border: 1px solid #dc2626"


class VerifyDialog(QDialog):
    """Choose a PDF (and certificates to trust), press Verify, read the report."""

    def __init__(self, now: dt.datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Verify a PDF")
        self._now = now
        self.ok: bool | None = None  # the last verdict
        self.file = QLineEdit()
        self.file.setPlaceholderText("a signed PDF")
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(self._choose_file)
        self.trust = QLineEdit()
        self.trust.setPlaceholderText("optional: certificates to trust (.pem), separated by ;")
        self.trust_browse = QPushButton("Browse…")
        self.trust_browse.clicked.connect(self._choose_trust)
        self.verdict = QLabel()
        self.verdict.setObjectName("verifyVerdict")
        self.verdict.setWordWrap(True)
        font = self.verdict.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.verdict.setFont(font)
        self.verdict.setMargin(8)
        self.verdict.hide()
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.report.setPlaceholderText("The signatures' report appears here.")

        form = QFormLayout()
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.browse)
        form.addRow("PDF", file_row)
        trust_row = QHBoxLayout()
        trust_row.addWidget(self.trust, 1)
        trust_row.addWidget(self.trust_browse)
        form.addRow("Trust", trust_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.verify_button = self.buttons.addButton(
            "Verify", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.verify_button.clicked.connect(self.verify)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.verdict)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 480)

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Verify a PDF", self.file.text(), "PDF document (*.pdf)"
        )
        if name:
            self.file.setText(name)
            self.verify()

    def _choose_trust(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Certificates to Trust", "", "Certificates (*.pem *.crt *.cer *.der)"
        )
        if names:
            self.trust.setText("; ".join(names))

    def trusted(self) -> list[Path]:
        return [Path(p.strip()).expanduser() for p in self.trust.text().split(";") if p.strip()]

    def verify(self) -> None:
        """Check the chosen file and show the verdict and the report."""
        # pyHanko costs a second of start-up; it is loaded when a file is verified.
        from app.signing.keys import load_certificates
        from app.signing.verify import verify_pdf

        path = Path(self.file.text().strip()).expanduser()
        try:
            with busy_cursor():
                report = verify_pdf(path, load_certificates(self.trusted()), self._now)
        except GantryError as exc:
            self._show(False, "Cannot verify", str(exc))
            return
        except OSError as exc:
            self._show(False, "Cannot verify", f"{path}: {exc.strerror}")
            return
        count = len(report.signatures)
        if report.ok:
            headline = f"Valid: {count} signature{'s' if count != 1 else ''}, all intact" + (
                " and trusted" if report.trust_checked else ""
            )
        else:
            first, more = report.problems[0], len(report.problems) - 1
            headline = f"NOT valid: {first}" + (f" (and {more} more)" if more else "")
        self._show(report.ok, headline, "\n".join(report.lines()))

    def _show(self, ok: bool, headline: str, text: str) -> None:
        self.ok = ok
        self.verdict.setText(("✔ " if ok else "✘ ") + headline)
        self.verdict.setStyleSheet(GOOD if ok else BAD)
        self.verdict.show()
        self.report.setPlainText(text)
