"""File > Plan Settings…: a dialog made from the settings registry, each change one undo step."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.holiday_sets import place_label
from app.plan import PLAN_RECORD
from app.plan_settings import SETTING_FIELDS
from app.unit_of_work import ChangeNotice
from ui.field_form import FieldForm
from ui.field_widgets import display
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents

_SECTIONS = (
    ("Plan", ("name", "description", "key_prefix")),
    ("Calendar", ("work_week", "holiday_country", "time_zone")),
    ("Deployments", ("promotion_gate",)),
    ("Recorded by Gantry", ("created", "demo_date")),
)
# Shown here, chosen in File › Working Calendar… (which keeps the holidays in step).
_CALENDAR_OWNED = "holiday_country"


class PlanSettingsDialog(QDialog):
    """The open plan's settings, applied as they are changed (no OK to forget): each change
    goes through the PlanEditor, so it is audited and the Undo History shows it. A refusal is
    shown inside the dialog and the field shows the stored value again."""

    def __init__(
        self, editor: PlanEditor, events: PlanEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("planSettings")
        self.setWindowTitle("Plan Settings")
        self.plan = editor.plan
        self._settings = editor.plan.settings
        self._fallback = editor.report
        # The same plan and undo stack; only refusals are told here rather than in a box.
        self._editor = PlanEditor(editor.plan, editor.stack, self._report)
        self.form = FieldForm(SETTING_FIELDS, self._commit)
        self.form.setObjectName("planSettingsForm")
        self._computed: list[str] = []
        for heading, names in _SECTIONS:
            self.form.section(heading)
            for name in names:
                field = SETTING_FIELDS[name]
                if field.computed:  # a row that hides while the plan has no such value
                    self.form.value(name, field.label, field.tip, hide_empty=True)
                    self._computed.append(name)
                elif name == _CALENDAR_OWNED:
                    self.form.value(name, field.label, field.why_not_editable(None) or "")
                else:
                    self.form.field(name)
        self.problem = QLabel()
        self.problem.setObjectName("settingsProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(
            "color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca;"
            " border-radius: 4px; padding: 6px 8px"
        )
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        events.changed.connect(self._changed)
        self.refresh()

    def refresh(self) -> None:
        """Show the stored settings; every field read-only on a read-only plan."""
        values = self._settings.values()
        read_only = self._settings.read_only
        self.form.title.setText(values.name or "Untitled plan")
        where = str(self.plan.path)
        self.form.subtitle.setText(f"{where} — read-only" if read_only else where)
        shown = {
            name: display(SETTING_FIELDS[name], getattr(values, name)) for name in self._computed
        }
        place = place_label(values.holiday_country, values.holiday_subdivision)
        years = values.holiday_years.replace("-", "–")
        shown[_CALENDAR_OWNED] = f"{place}, {years}" if values.holiday_country and years else place
        self.form.fill(values, read_only, shown)

    def _commit(self, name: str, value: Any) -> bool:
        self._show_problem("")
        return self._editor.set_field(self._settings, PLAN_RECORD, name, value)

    def _report(self, title: str, message: str) -> None:
        if self.isVisible():
            self._show_problem(message)
        else:  # an undo of a settings change failed after the dialog was closed
            self._fallback(title, message)

    def _changed(self, notice: ChangeNotice) -> None:
        if notice.touches("plan_settings"):
            self._show_problem("")
            self.refresh()

    def _show_problem(self, message: str) -> None:
        if message == self.problem.text() and self.problem.isHidden() != bool(message):
            return  # as shown already
        self.problem.setText(message)
        self.problem.setVisible(bool(message))
        self.adjustSize()  # room for the message rather than squeezed fields, and back


def show_plan_settings(
    window: QWidget, editor: PlanEditor, events: PlanEvents, plan_closed: SignalInstance
) -> PlanSettingsDialog:
    """Show the settings of `editor`'s plan beside `window`: one dialog per plan, which
    goes with the plan (`plan_closed`), after the undo stack that may report through it."""
    for dialog in window.findChildren(PlanSettingsDialog):
        if dialog.plan is editor.plan:
            break
    else:
        dialog = PlanSettingsDialog(editor, events, window)
        plan_closed.connect(dialog.close)
        plan_closed.connect(dialog.deleteLater)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
