"""The Gantt's small dialogs: an item's fields (double-click on a bar), and "Go to date…"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from app.unit_of_work import ChangeNotice
from app.work_items import WORK_ITEM_FIELDS
from ui.date_edit import DateField
from ui.field_form import FieldForm
from ui.formatting import kind_label
from ui.plan_editor import PlanEditor

# What the item dialog edits, in the order the Properties panel shows it.
ITEM_DIALOG_FIELDS = (
    "key",
    "name",
    "duration",
    "not_before",
    "predecessors",
    "owner",
    "status",
    "percent_complete",
    "actual_start",
    "actual_finish",
    "notes",
    "start",
    "finish",
    "total_slack",
)


class ItemDialog(QDialog):
    """One work item's fields; each change is its own undo step through the plan editor."""

    def __init__(self, editor: PlanEditor, item_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ganttItemDialog")
        self.editor = editor
        self.item_id = item_id
        self.form = FieldForm(WORK_ITEM_FIELDS, self._commit)
        for name in ITEM_DIALOG_FIELDS:
            self.form.field(name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())
        self.refresh()

    def refresh(self) -> None:
        try:
            row = self.editor.plan.work_items.row(self.item_id)
        except KeyError:  # deleted (an undo) while the dialog was open
            self.reject()
            return
        self.setWindowTitle(f"{row.key} — {row.name}")
        self.form.title.setText(row.name)
        self.form.subtitle.setText(f"{row.key} · {kind_label(row.kind)}")
        self.form.fill(row, self.editor.read_only, calendar_dates={"not_before": row.start})

    def apply_change(self, notice: ChangeNotice) -> None:
        if self.item_id in notice.ids("work_items"):
            self.refresh()

    def _commit(self, field: str, value: Any) -> bool:
        if self.editor.read_only:
            return False
        return self.editor.set_item_field(self.item_id, field, value)


class GoToDateDialog(QDialog):
    """Asks for a date (typed in any common form, or picked from the calendar)."""

    def __init__(self, day: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("goToDateDialog")
        self.setWindowTitle("Go to date")
        self.field = DateField(self, placeholder="a date")
        self.field.setValue(day)
        form = QFormLayout()
        form.addRow("Date:", self.field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if self.field.mark_if_invalid() or self.field.value() is None:
            return
        self.accept()

    def value(self) -> dt.date | None:
        return self.field.value()
