"""Release train dialogs: "New train…", "Generate next releases…" and "Scope since freeze…".

The first two show the releases they would make as the user types (the app plans them; a
refusal shows in red and keeps OK disabled); the third lists a release's scope changes since
its feature freeze with the change request each cites.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import GantryError
from app.plan import Plan
from app.scope_lock import ScopeReport
from app.trains import (
    MAX_GENERATED,
    ORDINALS,
    WEEKDAYS,
    Cadence,
    Milestone,
    PlannedRelease,
    ReleaseTemplate,
)
from ui.date_edit import DateField
from ui.error_report import ChangeAsker

PROBLEM_STYLE = "color: #b91c1c"
PREVIEW_SHOWN = 8  # releases listed in the preview before "and N more"


def _offset_box(value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(-250, 0)
    box.setValue(value)
    box.setSuffix(" working days")
    return box


def preview_text(planned: Sequence[PlannedRelease]) -> str:
    """One line per release: name, day, and its freezes."""
    lines = []
    for release in planned[:PREVIEW_SHOWN]:
        dates = [
            f"{label} {day:%a %d %b}"
            for label, day in (
                ("FF", release.dates.get("feature_freeze")),
                ("CF", release.dates.get("code_freeze")),
            )
            if day is not None
        ]
        extra = f"  ({', '.join(dates)})" if dates else ""
        lines.append(f"{release.name}: {release.target_date:%a %d %b %Y}{extra}")
    if len(planned) > PREVIEW_SHOWN:
        lines.append(f"… and {len(planned) - PREVIEW_SHOWN} more")
    return "\n".join(lines)


class _Preview(QLabel):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("trainPreview")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setMinimumHeight(120)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

    def show_planned(self, planned: Sequence[PlannedRelease]) -> None:
        self.setStyleSheet("")
        self.setText(preview_text(planned))

    def show_problems(self, problems: Sequence[str]) -> None:
        self.setStyleSheet(PROBLEM_STYLE)
        self.setText("\n".join(problems))


class NewTrainDialog(QDialog):
    """Name, first version and day, cadence, release template and how many releases."""

    def __init__(self, plan: Plan, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newTrainDialog")
        self.setWindowTitle("New release train")
        self._plan = plan
        self.planned: list[PlannedRelease] = []

        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Atlas")
        self.version = QLineEdit()
        self.version.setPlaceholderText("e.g. 3.7")
        self.first_day = DateField(placeholder="the first release day")
        self.first_day.setValue(today)
        self.first_day.set_reference_date(today)
        self.count = QSpinBox()
        self.count.setRange(1, MAX_GENERATED)
        self.count.setValue(6)

        self.cadence = QComboBox()
        self.cadence.addItem("Every N weeks", "weeks")
        self.cadence.addItem("Monthly on a weekday", "monthly")
        self.weeks = QSpinBox()
        self.weeks.setRange(1, 52)
        self.weeks.setValue(2)
        self.weeks.setPrefix("every ")
        self.weeks.setSuffix(" weeks")
        self.ordinal = QComboBox()
        for n, label in ORDINALS.items():
            self.ordinal.addItem(label, n)
        self.weekday = QComboBox()
        for n, label in enumerate(WEEKDAYS):
            self.weekday.addItem(label, n)
        self.weekday.setCurrentIndex(1)
        monthly = QWidget()
        monthly_row = QHBoxLayout(monthly)
        monthly_row.setContentsMargins(0, 0, 0, 0)
        monthly_row.addWidget(QLabel("the"))
        monthly_row.addWidget(self.ordinal)
        monthly_row.addWidget(self.weekday)
        monthly_row.addWidget(QLabel("of each month"), 1)
        self.cadence_detail = QStackedWidget()
        self.cadence_detail.addWidget(self.weeks)
        self.cadence_detail.addWidget(monthly)
        self.cadence.currentIndexChanged.connect(self.cadence_detail.setCurrentIndex)

        self.start = _offset_box(-30)
        self.feature_freeze = _offset_box(-10)
        self.code_freeze = _offset_box(-5)
        self.go_no_go = _offset_box(-1)
        self.checklists: list[tuple[QCheckBox, int | str]] = []
        template = QGroupBox("Release template (working days before the release day)")
        template_form = QFormLayout(template)
        template_form.addRow("Start", self.start)
        template_form.addRow("Feature freeze", self.feature_freeze)
        template_form.addRow("Code freeze", self.code_freeze)
        template_form.addRow("Go/no-go milestone", self.go_no_go)
        for key, label in plan.checklists.template_choices():
            box = QCheckBox(f"Checklist: {label}")
            box.setChecked(key == "go_no_go" or label == "Go/No-Go")
            self.checklists.append((box, key))
            template_form.addRow(box)
        self.runbooks: list[tuple[QCheckBox, int]] = []
        for book in plan.runbooks.runbooks(None):
            if book.is_template:
                box = QCheckBox(f"Runbook: {book.name}")
                self.runbooks.append((box, book.id))
                template_form.addRow(box)

        form = QFormLayout()
        form.addRow("Train name", self.name)
        form.addRow("First version", self.version)
        form.addRow("First release day", self.first_day)
        form.addRow("Cadence", self.cadence)
        form.addRow("", self.cadence_detail)
        form.addRow("Releases to generate", self.count)
        self.preview = _Preview()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Generate")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(template)
        layout.addWidget(QLabel("<b>Releases</b> (a weekend or holiday moves to the day before)"))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.buttons)

        self.name.textChanged.connect(self.refresh)
        self.version.textChanged.connect(self.refresh)
        self.first_day.textChanged.connect(self.refresh)
        spins = (self.count, self.weeks, self.start, self.feature_freeze, self.code_freeze)
        for spin in (*spins, self.go_no_go):
            spin.valueChanged.connect(self.refresh)
        for combo in (self.cadence, self.ordinal, self.weekday):
            combo.currentIndexChanged.connect(self.refresh)
        self.setMinimumWidth(520)
        self.refresh()

    def cadence_value(self) -> Cadence:
        if self.cadence.currentData() == "weeks":
            return Cadence.weekly(self.weeks.value())
        return Cadence.monthly(int(self.ordinal.currentData()), int(self.weekday.currentData()))

    def template(self) -> ReleaseTemplate:
        return ReleaseTemplate(
            start_date=self.start.value(),
            feature_freeze=self.feature_freeze.value(),
            code_freeze=self.code_freeze.value(),
            milestones=(Milestone("Go/no-go", self.go_no_go.value()),),
            checklists=tuple(key for box, key in self.checklists if box.isChecked()),
            runbooks=tuple(key for box, key in self.runbooks if box.isChecked()),
        )

    def refresh(self) -> None:
        """Plan the releases again and show them, or why not."""
        day = self.first_day.value()
        problems = [] if day is not None else ["Give the first release day"]
        self.planned = []
        if not problems:
            try:
                self.planned = self._plan.trains.plan_new(
                    self.name.text(),
                    self.cadence_value(),
                    self.template(),
                    day,  # type: ignore[arg-type]  # checked above
                    self.version.text(),
                    self.count.value(),
                )
            except GantryError as exc:
                problems = list(getattr(exc, "problems", [str(exc)]))
        if problems:
            self.preview.show_problems(problems)
        else:
            self.preview.show_planned(self.planned)
        self.ok_button.setEnabled(bool(self.planned))


class GenerateDialog(QDialog):
    """Which train, and how many of its next releases."""

    def __init__(self, plan: Plan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("generateDialog")
        self.setWindowTitle("Generate next releases")
        self._plan = plan
        self.planned: list[PlannedRelease] = []
        self.train = QComboBox()
        for row in plan.trains.rows():
            self.train.addItem(f"{row.name} — {row.cadence.label}", row.id)
        self.count = QSpinBox()
        self.count.setRange(1, MAX_GENERATED)
        self.count.setValue(3)
        self.template = QLabel()
        self.template.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Train", self.train)
        form.addRow("Template", self.template)
        form.addRow("Releases to generate", self.count)
        self.preview = _Preview()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Generate")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.buttons)
        self.train.currentIndexChanged.connect(self.refresh)
        self.count.valueChanged.connect(self.refresh)
        self.setMinimumWidth(460)
        self.refresh()

    def train_id(self) -> int | None:
        data = self.train.currentData()
        return None if data is None else int(data)

    def refresh(self) -> None:
        train_id = self.train_id()
        self.planned = []
        if train_id is None:
            self.preview.show_problems(["The plan has no train yet: make one with New train…"])
        else:
            self.template.setText(self._plan.trains.row(train_id).template.describe())
            try:
                self.planned = self._plan.trains.plan_next(train_id, self.count.value())
                self.preview.show_planned(self.planned)
            except GantryError as exc:
                self.preview.show_problems(list(getattr(exc, "problems", [str(exc)])))
        self.ok_button.setEnabled(bool(self.planned))


SCOPE_COLUMNS = ("Change", "Item", "Duration", "Exception", "Who", "When (UTC)", "Why")
KIND_LABELS = {"added": "Added", "removed": "Removed", "grown": "Grown"}


def _duration(old: int | None, new: int | None) -> str:
    if old is None:
        return f"{new} d"
    if new is None:
        return f"{old} d"
    return f"{old} d → {new} d"


class ScopeDialog(QDialog):
    """A release's scope changes since its feature freeze, from the audit trail."""

    def __init__(
        self, plan: Plan, today: dt.date, release_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scopeDialog")
        self.setWindowTitle("Scope since feature freeze")
        self._plan, self._today = plan, today
        self.release = QComboBox()
        for row in plan.releases.rows():
            self.release.addItem(row.name, row.id)
        if release_id is not None:
            self.release.setCurrentIndex(max(0, self.release.findData(release_id)))
        self.summary = QLabel()
        self.summary.setObjectName("scopeSummary")
        self.summary.setStyleSheet("font-weight: 600; padding: 4px 0")
        self.table = QTableWidget(0, len(SCOPE_COLUMNS))
        self.table.setObjectName("scopeTable")
        self.table.setHorizontalHeaderLabels(list(SCOPE_COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel("Release"))
        top.addWidget(self.release, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.release.currentIndexChanged.connect(self.refresh)
        self.resize(900, 380)
        self.refresh()

    def refresh(self) -> None:
        data = self.release.currentData()
        if data is None:
            self.summary.setText("The plan has no releases")
            self.table.setRowCount(0)
            return
        report: ScopeReport = self._plan.scope.report(int(data), self._today)
        self.summary.setText(report.summary)
        self.table.setRowCount(len(report.changes))
        for row, change in enumerate(report.changes):
            cells = (
                KIND_LABELS[change.kind],
                f"{change.key} {change.name}",
                _duration(change.old_duration, change.new_duration),
                change.change or ("—" if change.kind == "removed" else "none"),
                change.actor,
                change.at[:16].replace("T", " "),
                change.reason,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()


class ScopeExceptionDialog(QDialog):
    """The scope lock's refusal, in red, and the approved change requests to proceed under."""

    def __init__(self, title: str, refusal: str, keys: Sequence[str], parent: QWidget | None):
        super().__init__(parent)
        self.setObjectName("scopeExceptionDialog")
        self.setWindowTitle(title)
        self.refusal = QLabel(f"{refusal}.")
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet(f"{PROBLEM_STYLE}; font-weight: 600")
        self.change = QComboBox()
        self.change.addItems(list(keys))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.proceed = buttons.addButton(
            "Proceed as an Exception", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.refusal)
        layout.addWidget(QLabel("Proceed under this approved change request, recorded with it:"))
        layout.addWidget(self.change)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        self.setMaximumWidth(640)


def change_key_asker(parent: QWidget) -> ChangeAsker:
    """Show why the scope lock refused, and offer to proceed under an approved change."""

    def ask(title: str, refusal: str, keys: Sequence[str]) -> str | None:
        dialog = ScopeExceptionDialog(title, refusal, keys, parent)
        return dialog.change.currentText() if dialog.exec() == QDialog.DialogCode.Accepted else None

    return ask
