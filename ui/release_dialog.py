"""The "Add release" dialog: name, version, start and target dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.date_edit import DateField


@dataclass(frozen=True, slots=True)
class NewRelease:
    name: str
    version: str
    start_date: dt.date | None
    target_date: dt.date | None


class ReleaseDialog(QDialog):
    """Asks for a new release's basics; validation stays in PlanService."""

    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add release")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Aurora 3.0")
        self.version = QLineEdit()
        self.version.setPlaceholderText("e.g. 3.0.0")
        self.start = DateField()
        self.start.setValue(today)
        self.target = DateField()
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Version", self.version)
        form.addRow("Start", self.start)
        form.addRow("Target", self.target)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(360, self.sizeHint().height())

    def value(self) -> NewRelease:
        return NewRelease(
            self.name.text().strip(),
            self.version.text().strip(),
            self.start.value(),
            self.target.value(),
        )
