"""Small dialogs of the Runbook tab: choose steps to wait for, a new runbook (blank or
from a template, its variables previewed), and a run's recorded times corrected by hand.

They collect choices only; the tab hands them to the plan editor or the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.runbooks import VARIABLES, RunbookRow, StepRow, fill_variables
from ui.date_edit import DateField

VariableValues = Callable[[int | None, dt.datetime | None], dict[str, str]]


class ChooseStepsDialog(QDialog):
    """Tick the steps the current one waits for."""

    def __init__(self, step: StepRow, others: Sequence[StepRow], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{step.label} waits for")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{step.label}</b> starts when these steps have finished:"))
        self.list = QListWidget()
        self.list.setObjectName("chooseSteps")
        for other in others:
            item = QListWidgetItem(other.label)
            item.setData(Qt.ItemDataRole.UserRole, other.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(420, 460)

    def check(self, step_ids: Sequence[int]) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) in step_ids:
                item.setCheckState(Qt.CheckState.Checked)

    def chosen(self) -> list[int]:
        items = (self.list.item(r) for r in range(self.list.count()))
        return [
            int(i.data(Qt.ItemDataRole.UserRole))
            for i in items
            if i.checkState() == Qt.CheckState.Checked
        ]


class PlannedStartField(QWidget):
    """T0 as the plan's date field and a time of day (no date: no T0)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.date = DateField(placeholder="no T0")
        self.date.setObjectName("t0Date")
        self.time = QTimeEdit()
        self.time.setObjectName("t0Time")
        self.time.setDisplayFormat("HH:mm")
        layout.addWidget(self.date, 1)
        layout.addWidget(self.time)

    def value(self) -> dt.datetime | None:
        day = self.date.value()
        if day is None:
            return None
        time = self.time.time()
        return dt.datetime.combine(day, dt.time(time.hour(), time.minute()))

    def set_value(self, value: dt.datetime | None) -> None:
        self.date.setValue(value.date() if value is not None else None)
        moment = value.time() if value is not None else dt.time(19, 0)
        self.time.setTime(QTime(moment.hour, moment.minute))


class NewRunbookDialog(QDialog):
    """A blank runbook or one from a template, in an environment, from a T0; a template's
    variables are shown with the values they will take and the name they give."""

    def __init__(
        self,
        templates: Sequence[RunbookRow],
        environments: Sequence[tuple[int, str]],
        values: VariableValues,
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New runbook")
        self._templates = {t.id: t for t in templates}
        self._values = values
        form = QFormLayout(self)
        self.source = QComboBox()
        self.source.setObjectName("runbookSource")
        self.source.addItem("Blank runbook", None)
        for template in templates:
            self.source.addItem(f"Template: {template.name}", template.id)
        form.addRow("Start from", self.source)
        self.name = QLineEdit()
        self.name.setObjectName("runbookName")
        form.addRow("Name", self.name)
        self.environment = QComboBox()
        self.environment.addItem("No environment", None)
        for env_id, env_name in environments:
            self.environment.addItem(env_name, env_id)
        form.addRow("Environment", self.environment)
        self.start = PlannedStartField()
        form.addRow("T0 (planned start)", self.start)
        self.preview = QLabel()
        self.preview.setObjectName("variablePreview")
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        form.addRow("Variables", self.preview)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.source.currentIndexChanged.connect(self._update)
        self.environment.currentIndexChanged.connect(self._update)
        self.start.date.committed.connect(self._update)
        self.start.time.timeChanged.connect(self._update)
        self.name.textChanged.connect(self._update_ok)
        self.resize(560, 300)
        self._update()

    def template_id(self) -> int | None:
        data = self.source.currentData()
        return int(data) if data is not None else None

    def environment_id(self) -> int | None:
        data = self.environment.currentData()
        return int(data) if data is not None else None

    def _update(self) -> None:
        template = self._templates.get(self.template_id() or -1)
        values = self._values(self.environment_id(), self.start.value())
        self.name.setReadOnly(template is not None)
        if template is None:
            self.preview.setText("A blank runbook has no variables.")
        else:
            self.name.setText(fill_variables(template.name, values))
            rows = "".join(
                f"<tr><td><code>{{{name}}}</code></td><td>&nbsp;→&nbsp;</td>"
                f"<td>{values[name] or '<i>empty</i>'}</td></tr>"
                for name in VARIABLES
            )
            self.preview.setText(f"<table>{rows}</table>Filled in every step's text.")
        self._update_ok()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.name.text().strip()))


class CorrectTimesDialog(QDialog):
    """A step's recorded start and finish in a run, set by hand with the reason why."""

    def __init__(
        self,
        step: StepRow,
        started: dt.datetime | None,
        finished: dt.datetime | None,
        fallback: dt.datetime,
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Correct the times of {step.label}")
        form = QFormLayout(self)
        note = QLabel(
            "A run is a log of what happened, so a correction is not undone with Undo: it "
            "is recorded in the audit trail as a new edit, with your reason."
        )
        note.setWordWrap(True)
        form.addRow(note)
        self.started_at, self.has_started = self._moment(started, fallback)
        form.addRow("Started", self._row(self.started_at, self.has_started))
        self.finished_at, self.has_finished = self._moment(finished, fallback)
        form.addRow("Finished", self._row(self.finished_at, self.has_finished))
        self.reason = QLineEdit()
        self.reason.setObjectName("correctionReason")
        self.reason.setPlaceholderText("Why the recorded time was wrong (required)")
        form.addRow("Reason", self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.reason.textChanged.connect(self._update_ok)
        self._update_ok()

    @staticmethod
    def _moment(
        value: dt.datetime | None, fallback: dt.datetime
    ) -> tuple[QDateTimeEdit, QCheckBox]:
        moment = value or fallback
        edit = QDateTimeEdit(
            QDateTime(
                QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute)
            )
        )
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        edit.setEnabled(value is not None)
        recorded = QCheckBox("recorded")
        recorded.setChecked(value is not None)
        recorded.toggled.connect(edit.setEnabled)
        return edit, recorded

    @staticmethod
    def _row(edit: QDateTimeEdit, recorded: QCheckBox) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        layout.addWidget(recorded)
        return row

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason.text().strip()))

    def times(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        def value(edit: QDateTimeEdit, recorded: QCheckBox) -> dt.datetime | None:
            if not recorded.isChecked():
                return None
            moment = edit.dateTime().toPython()
            assert isinstance(moment, dt.datetime)
            return moment.replace(second=0, microsecond=0)

        return (
            value(self.started_at, self.has_started),
            value(self.finished_at, self.has_finished),
        )
