"""The "Add release" dialog: name, version, start and target dates, checked before it closes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from ui.date_edit import DateField


@dataclass(frozen=True, slots=True)
class NewRelease:
    name: str
    version: str
    start_date: dt.date | None
    target_date: dt.date | None


# The app's rules for a release about to be added: one sentence per problem, [] when it may be.
ReleaseValidator = Callable[[NewRelease], list[str]]


class ReleaseDialog(QDialog):
    """Asks for a new release's basics; OK closes it only once `validate` finds no problem.

    Problems show in red inside the dialog, and what the user typed stays as it was.
    """

    def __init__(
        self, today: dt.date, validate: ReleaseValidator, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add release")
        self._validate = validate
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Aurora 3.0")
        self.version = QLineEdit()
        self.version.setPlaceholderText("e.g. 3.0.0")
        self.start = DateField(placeholder="no start date")
        self.start.setValue(today)
        self.start.set_reference_date(today)
        self.target = DateField(placeholder="no target yet")
        self.target.set_reference_date(today)
        self.start.committed.connect(
            lambda: self.target.set_reference_date(self.start.value() or today)
        )
        self.problems = QLabel()
        self.problems.setObjectName("releaseProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b91c1c")
        self.problems.hide()
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Version", self.version)
        form.addRow("Start", self.start)
        form.addRow("Target", self.target)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._edited)
        for field in (self.start, self.target):
            field.textChanged.connect(self._edited)
        self._edited()
        self.setMinimumWidth(380)

    def value(self) -> NewRelease:
        return NewRelease(
            self.name.text().strip(),
            self.version.text().strip(),
            self.start.value(),
            self.target.value(),
        )

    def check(self) -> list[str]:
        """Every reason the release cannot be added as it stands."""
        problems = [
            f"{label}: {error}"
            for label, field in (("Start", self.start), ("Target", self.target))
            if (error := field.error()) is not None
        ]
        return problems or self._validate(self.value())

    @override
    def accept(self) -> None:
        problems = self.check()
        if problems:
            self._show_problems(problems)
            return
        super().accept()

    def _show_problems(self, problems: list[str]) -> None:
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        self.adjustSize()

    def _edited(self) -> None:
        self.ok_button.setEnabled(bool(self.name.text().strip()))
        if not self.problems.isHidden():  # once shown, the problems follow what is typed
            self._show_problems(self.check())
