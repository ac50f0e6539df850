"""The Properties dock: the selected item's or release's fields, edited through undo commands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app.plan_data import ItemRow, ReleaseRow
from app.plan_service import PlanChange
from ui.date_edit import DateField
from ui.formatting import (
    ITEM_STATUSES,
    RELEASE_STATUSES,
    format_date,
    history_html,
    kind_label,
    status_label,
    working_days,
)
from ui.plan_editor import PlanEditor

HISTORY_SHOWN = 8  # the latest changes; the whole trail is for `gantry audit` and the record

EditorWidget = QLineEdit | QSpinBox | DateField | QComboBox | QPlainTextEdit
_W = TypeVar("_W", QLineEdit, QSpinBox, DateField, QComboBox, "NotesEdit")


class NotesEdit(QPlainTextEdit):
    """Multi-line notes that commit when focus leaves them."""

    editingFinished = Signal()  # noqa: N815  (named like QLineEdit's signal)

    @override
    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.editingFinished.emit()


class _Form(QWidget):
    """A QFormLayout of field editors and read-only values, filled from one plain row."""

    def __init__(self, commit: Callable[[str, Any], bool]) -> None:
        super().__init__()
        self._commit = commit
        self._editors: dict[str, EditorWidget] = {}
        self._values: dict[str, QLabel] = {}
        self._filling = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 10, 10, 10)
        self.title = QLabel()
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.2)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet("color: #6b7280")
        outer.addWidget(self.title)
        outer.addWidget(self.subtitle)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        outer.addLayout(self.form)
        outer.addStretch(1)

    def section(self, text: str) -> None:
        label = QLabel(text.upper())
        label.setStyleSheet("color: #6b7280; font-size: 8pt; font-weight: 600; padding-top: 8px")
        self.form.addRow(label)

    def text_field(self, field: str, label: str, tip: str = "", placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.editingFinished.connect(lambda: self._changed(field, edit.text()))
        return self._add(field, label, edit, tip)

    def spin_field(
        self, field: str, label: str, maximum: int, suffix: str, tip: str = ""
    ) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, maximum)
        spin.setSuffix(suffix)
        # A spin box insists on room for its widest text ("9999 working days"); in a narrow
        # dock it may shrink instead of making the whole panel scroll sideways.
        spin.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        spin.editingFinished.connect(lambda: self._changed(field, spin.value()))
        return self._add(field, label, spin, tip)

    def date_field(self, field: str, label: str, tip: str = "") -> DateField:
        edit = DateField()
        edit.committed.connect(lambda: self._changed(field, edit.value()))
        return self._add(field, label, edit, tip or edit.toolTip())

    def combo_field(self, field: str, label: str, choices: tuple[str, ...]) -> QComboBox:
        combo = QComboBox()
        for choice in choices:
            combo.addItem(status_label(choice), choice)
        combo.activated.connect(lambda _n: self._changed(field, combo.currentData()))
        return self._add(field, label, combo, "")

    def notes_field(self, field: str, label: str) -> NotesEdit:
        notes = NotesEdit()
        notes.setFixedHeight(72)
        notes.setTabChangesFocus(True)
        notes.editingFinished.connect(lambda: self._changed(field, notes.toPlainText()))
        return self._add(field, label, notes, "Free text; saved when you leave the box")

    def value_field(self, name: str, label: str, tip: str = "") -> QLabel:
        value = QLabel()
        value.setWordWrap(True)  # a long value wraps rather than widen a narrow dock
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        value.setToolTip(tip)
        self._values[name] = value
        self.form.addRow(label, value)
        return value

    def block_field(self, name: str) -> QLabel:
        """A read-only value that spans the form's width (rich text)."""
        value = QLabel()
        value.setWordWrap(True)
        value.setTextFormat(Qt.TextFormat.RichText)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._values[name] = value
        self.form.addRow(value)
        return value

    def _add(self, field: str, label: str, widget: _W, tip: str) -> _W:
        widget.setToolTip(tip)
        self._editors[field] = widget
        self.form.addRow(label, widget)
        return widget

    def _changed(self, field: str, value: Any) -> None:
        if not self._filling:
            self._commit(field, value)

    def fill(
        self,
        values: dict[str, Any],
        shown: dict[str, str],
        read_only: bool,
        calendar_dates: dict[str, dt.date | None],
    ) -> None:
        """Show a row's values without committing anything.

        `calendar_dates` says where an empty date field's calendar opens.
        """
        self._filling = True
        try:
            for field, widget in self._editors.items():
                value = values.get(field)
                if isinstance(widget, DateField):  # a QLineEdit too: first
                    widget.setValue(value)
                    widget.setReadOnly(read_only)
                elif isinstance(widget, QLineEdit):
                    if widget.text() != (value or ""):
                        widget.setText(value or "")
                        widget.setCursorPosition(0)
                    widget.setReadOnly(read_only)
                elif isinstance(widget, QSpinBox):
                    widget.setValue(int(value or 0))
                    widget.setReadOnly(read_only)
                elif isinstance(widget, QComboBox):
                    widget.setCurrentIndex(max(0, widget.findData(value)))
                    widget.setEnabled(not read_only)
                elif isinstance(widget, QPlainTextEdit):
                    if widget.toPlainText() != (value or ""):
                        widget.setPlainText(value or "")
                    widget.setReadOnly(read_only)
            for name, label in self._values.items():
                label.setText(shown.get(name, ""))
            for field, date in calendar_dates.items():
                widget = self._editors[field]
                if isinstance(widget, DateField):
                    widget.set_reference_date(date)
        finally:
            self._filling = False

    def editor(self, field: str) -> EditorWidget:
        return self._editors[field]


class PropertiesPanel(QScrollArea):
    """Shows one work item or release; every change goes through the PlanEditor."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._editor: PlanEditor | None = None
        self._item_id: int | None = None
        self._release_id: int | None = None
        self._pages = QStackedWidget()
        self._empty = QLabel("Select a work item or a release to see its properties.")
        self._empty.setWordWrap(True)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setStyleSheet("color: #6b7280; padding: 24px")
        self.item_form = self._build_item_form()
        self.release_form = self._build_release_form()
        for page in (self._empty, self.item_form, self.release_form):
            self._pages.addWidget(page)
        self.setWidget(self._pages)
        self._show_page(self._empty)

    def _show_page(self, page: QWidget) -> None:
        # A stack is as large as its largest page; size it to the page shown, so the panel
        # scrolls only when that page needs it (not the short hint for the item form's sake).
        for other in (self._empty, self.item_form, self.release_form):
            policy = QSizePolicy.Policy.Preferred if other is page else QSizePolicy.Policy.Ignored
            other.setSizePolicy(policy, policy)
        self._pages.setCurrentWidget(page)
        self._pages.adjustSize()

    def _build_item_form(self) -> _Form:
        form = _Form(self._commit_item)
        form.text_field("key", "Key", "Unique key, used in predecessor lists")
        form.text_field("name", "Name")
        form.value_field("kind", "Kind")
        duration = form.spin_field(
            "duration",
            "Duration",
            9999,
            " working days",
            "Working days; milestones have none, phases take their items' span",
        )
        duration.valueChanged.connect(
            lambda days: duration.setSuffix(" working day" if days == 1 else " working days")
        )
        form.date_field(
            "not_before", "Not before", "Start no earlier than this date; empty: no such limit"
        )
        form.text_field(
            "predecessors",
            "Predecessors",
            "MS Project form: key, type and lag",
            placeholder="e.g. A-3; A-4SS+2",
        )
        form.text_field("owner", "Owner")
        form.combo_field("status", "Status", ITEM_STATUSES)
        form.spin_field("percent_complete", "Complete", 100, " %")
        form.date_field("actual_start", "Actual start")
        form.date_field("actual_finish", "Actual finish")
        form.notes_field("notes", "Notes")
        form.section("Schedule")
        form.value_field("start", "Start")
        form.value_field("finish", "Finish")
        form.value_field("late", "Late dates", "Latest start and finish that keep the target")
        form.value_field("total_slack", "Total slack")
        form.value_field("free_slack", "Free slack")
        form.value_field("critical", "Critical")
        form.value_field("baseline", "Baseline")
        form.section("History")
        form.block_field("history")
        return form

    def _build_release_form(self) -> _Form:
        form = _Form(self._commit_release)
        form.text_field("name", "Name")
        form.text_field("version", "Version")
        form.combo_field("status", "Status", RELEASE_STATUSES)
        form.text_field("owner", "Owner")
        form.section("Dates")
        form.date_field("start_date", "Start")
        form.date_field("feature_freeze", "Feature freeze")
        form.date_field("code_freeze", "Code freeze")
        form.date_field("target_date", "Target")
        form.date_field("actual_date", "Actual release")
        form.section("Schedule")
        form.value_field("items", "Work items")
        form.value_field("finish", "Scheduled finish")
        form.value_field("late", "Late by")
        return form

    # -- what is shown ---------------------------------------------------------------------

    def set_editor(self, editor: PlanEditor | None) -> None:
        self._editor = editor
        self.show_nothing()

    def show_nothing(self) -> None:
        self._item_id = self._release_id = None
        self._show_page(self._empty)

    def show_item(self, item_id: int | None) -> None:
        if item_id is None or self._editor is None:
            self.show_nothing()
            return
        self._item_id, self._release_id = item_id, None
        self.refresh()

    def show_release(self, release_id: int | None) -> None:
        if release_id is None or self._editor is None:
            self.show_nothing()
            return
        self._item_id, self._release_id = None, release_id
        self.refresh()

    @property
    def shown_item(self) -> int | None:
        return self._item_id

    @property
    def shown_release(self) -> int | None:
        return self._release_id

    def apply_change(self, change: PlanChange) -> None:
        if (
            change.structural
            or self._item_id in change.item_ids
            or self._release_id in change.release_ids
        ):
            self.refresh()

    def refresh(self) -> None:
        editor = self._editor
        if editor is None:
            self.show_nothing()
            return
        try:
            if self._item_id is not None:
                self._fill_item(editor.service.item(self._item_id), editor.read_only)
                self._show_page(self.item_form)
            elif self._release_id is not None:
                self._fill_release(editor.service.release(self._release_id), editor.read_only)
                self._show_page(self.release_form)
            else:
                self.show_nothing()
        except KeyError:  # deleted meanwhile
            self.show_nothing()

    def _fill_item(self, row: ItemRow, read_only: bool) -> None:
        form = self.item_form
        form.title.setText(row.name)
        form.subtitle.setText(f"{row.key} · {kind_label(row.kind)}")
        values = {
            name: getattr(row, name)
            for name in (
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
            )
        }
        slack = _slack_text
        shown = {
            "kind": kind_label(row.kind),
            "start": format_date(row.start),
            "finish": format_date(row.finish),
            "late": f"{format_date(row.late_start)} – {format_date(row.late_finish)}"
            if row.late_start
            else "",
            "total_slack": slack(row.total_slack),
            "free_slack": slack(row.free_slack),
            "critical": "Yes — on the critical path" if row.critical else "No",
            "baseline": f"{format_date(row.baseline_start)} – {format_date(row.baseline_finish)}"
            if row.baseline_start
            else "not set",
            "history": history_html(self._editor.service.item_history(row.id, HISTORY_SHOWN))
            if self._editor
            else "",
        }
        calendar_dates = {
            "not_before": row.start,
            "actual_start": row.start,
            "actual_finish": row.finish,
        }
        form.fill(values, shown, read_only, calendar_dates)
        # Duration belongs to tasks; a phase's predecessors belong to its items.
        duration = form.editor("duration")
        duration.setEnabled(row.kind == "task")
        form.editor("predecessors").setEnabled(row.kind != "phase")

    def _fill_release(self, row: ReleaseRow, read_only: bool) -> None:
        form = self.release_form
        form.title.setText(row.name)
        form.subtitle.setText(f"Release {row.version}".strip() if row.version else "Release")
        values = {
            name: getattr(row, name)
            for name in (
                "name",
                "version",
                "status",
                "owner",
                "start_date",
                "feature_freeze",
                "code_freeze",
                "target_date",
                "actual_date",
            )
        }
        shown = {
            "items": f"{row.item_count:,}",
            "finish": format_date(row.finish) or "—",
            "late": _slack_text(row.late_by) if row.late_by > 0 else "On time",
        }
        around = row.start_date or row.target_date
        calendar_dates = {
            "start_date": row.target_date,
            "feature_freeze": around,
            "code_freeze": around,
            "target_date": row.start_date,
            "actual_date": row.target_date or row.start_date,
        }
        form.fill(values, shown, read_only, calendar_dates)

    # -- edits -----------------------------------------------------------------------------

    def _commit_item(self, field: str, value: Any) -> bool:
        if self._editor is None or self._item_id is None or self._editor.read_only:
            return False
        if field == "predecessors":
            ok = self._editor.set_predecessors(self._item_id, str(value))
        else:
            ok = self._editor.set_item_field(self._item_id, field, value)
        if not ok:
            self.refresh()  # put the stored value back in the widget
        return ok

    def _commit_release(self, field: str, value: Any) -> bool:
        if self._editor is None or self._release_id is None or self._editor.read_only:
            return False
        ok = self._editor.set_release_field(self._release_id, field, value)
        if not ok:
            self.refresh()
        return ok


def _slack_text(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return f"{working_days(days)} (late by {-days})"
    return working_days(days)
