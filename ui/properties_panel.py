"""The Properties dock: the selected item's or release's fields, edited through undo commands."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QStackedWidget, QWidget

from app.plan_data import ItemRow, ReleaseRow
from app.releases import RELEASE_FIELDS
from app.signing.record import release_history
from app.unit_of_work import ChangeNotice
from app.work_items import WORK_ITEM_FIELDS
from ui.baseline_choice import BaselineChoice
from ui.field_form import FieldForm
from ui.formatting import (
    format_date,
    format_span,
    history_html,
    kind_label,
    variance_text,
    working_days,
)
from ui.plan_editor import PlanEditor

HISTORY_SHOWN = 8  # the latest changes; the whole trail is for `gantry audit` and the record


class PropertiesPanel(QScrollArea):
    """Shows one work item or release; every change goes through the PlanEditor."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._editor: PlanEditor | None = None
        self._choice: BaselineChoice | None = None
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

    def _build_item_form(self) -> FieldForm:
        form = FieldForm(WORK_ITEM_FIELDS, self._commit_item)
        for name in ("key", "name", "kind", "duration", "not_before", "predecessors", "owner"):
            form.field(name)
        for name in ("status", "percent_complete", "actual_start", "actual_finish", "notes"):
            form.field(name)
        problem = form.value("problem", "Problem", hide_empty=True)
        problem.setStyleSheet("color: #b91c1c; font-weight: 600")
        form.section("Schedule")
        form.field("start")
        form.field("finish")
        form.value("late", "Late dates", "Latest start and finish that keep the target")
        form.value("total_slack", "Total slack", WORK_ITEM_FIELDS["total_slack"].tip)
        form.value("free_slack", "Free slack", WORK_ITEM_FIELDS["free_slack"].tip)
        form.value("critical", "Critical")
        form.value(
            "baseline", "Baseline", "Its dates in the baseline shown (Schedule › Baselines…)"
        )
        form.value("variance", "Variance", "Working days its finish has moved", hide_empty=True)
        form.section("History")
        form.block("history")
        return form

    def _build_release_form(self) -> FieldForm:
        form = FieldForm(RELEASE_FIELDS, self._commit_release)
        for name in ("name", "version", "status", "owner"):
            form.field(name)
        form.section("Dates")
        for name in ("start_date", "feature_freeze", "code_freeze", "target_date", "actual_date"):
            form.field(name)
        form.field("description")
        form.section("Schedule")
        form.value("items", "Work items")
        form.value("finish", "Scheduled finish")
        form.value("late", "Late by")
        form.section("History")
        form.block("history")
        return form

    # -- what is shown ---------------------------------------------------------------------

    def set_baseline_choice(self, choice: BaselineChoice) -> None:
        """Show the item's dates in the baseline `choice` shows for its release."""
        self._choice = choice
        choice.changed.connect(self._baseline_changed)

    def _baseline_changed(self, release_id: int) -> None:
        if self._item_id is not None and self._editor is not None:
            record = self._editor.plan.state.items.get(self._item_id)
            if record is not None and record.release_id == release_id:
                self.refresh()

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

    def apply_change(self, notice: ChangeNotice) -> None:
        if (
            self._item_id in notice.ids("work_items")
            or (self._item_id is not None and notice.touches("calendar_entries", "plan_settings"))
            or self._release_id in notice.ids("releases")
            or (self._release_id is not None and notice.touches("document_signatures"))
            or notice.structural("work_items")
        ):
            self.refresh()

    def refresh(self) -> None:
        editor = self._editor
        if editor is None:
            self.show_nothing()
            return
        try:
            if self._item_id is not None:
                self._fill_item(editor.plan.work_items.row(self._item_id), editor.read_only)
                self._show_page(self.item_form)
            elif self._release_id is not None:
                self._fill_release(editor.plan.releases.row(self._release_id), editor.read_only)
                self._show_page(self.release_form)
            else:
                self.show_nothing()
        except KeyError:  # deleted meanwhile
            self.show_nothing()

    def _fill_item(self, row: ItemRow, read_only: bool) -> None:
        form = self.item_form
        form.title.setText(row.name)
        form.subtitle.setText(f"{row.key} · {kind_label(row.kind)}")
        assert self._editor is not None
        history = self._editor.plan.item_history(row.id, HISTORY_SHOWN)
        shown = {
            "problem": row.problem,
            "late": f"{format_date(row.late_start)} – {format_date(row.late_finish)}"
            if row.late_start
            else "",
            "total_slack": _slack_text(row.total_slack),
            "free_slack": _slack_text(row.free_slack),
            "critical": "Yes — on the critical path" if row.critical else "No",
            **self._baseline_values(row),
            "history": history_html(history),
        }
        # Where an empty date field's calendar opens.
        calendar_dates = {
            "not_before": row.start,
            "actual_start": row.start,
            "actual_finish": row.finish,
        }
        form.fill(row, read_only, shown, calendar_dates)

    def _baseline_values(self, row: ItemRow) -> dict[str, str]:
        """The "baseline" and "variance" values: the item against the baseline shown."""
        assert self._editor is not None
        baseline_id = self._choice.shown(row.release_id) if self._choice is not None else None
        if baseline_id is None:
            return {"baseline": "none shown", "variance": ""}
        baselines = self._editor.plan.baselines
        name = baselines.label(baseline_id)
        held = baselines.item_dates(baseline_id, row.id)
        if held is None:
            return {"baseline": f"not in “{name}” (added since)", "variance": ""}
        variance = baselines.variance(baseline_id, row.id)
        return {
            "baseline": f"{format_span(held.start, held.finish)} in “{name}”",
            "variance": variance_text(variance, name, held.finish),
        }

    def _fill_release(self, row: ReleaseRow, read_only: bool) -> None:
        assert self._editor is not None
        form = self.release_form
        form.title.setText(row.name)
        form.subtitle.setText(f"Release {row.version}".strip() if row.version else "Release")
        shown = {
            "items": f"{row.item_count:,}",
            "finish": format_date(row.finish) or "—",
            "late": _slack_text(row.late_by) if row.late_by > 0 else "On time",
            "history": history_html(release_history(self._editor.plan, row.id, HISTORY_SHOWN)),
        }
        around = row.start_date or row.target_date
        calendar_dates = {
            "start_date": row.target_date,
            "feature_freeze": around,
            "code_freeze": around,
            "target_date": row.start_date,
            "actual_date": row.target_date or row.start_date,
        }
        form.fill(row, read_only, shown, calendar_dates)

    # -- edits -----------------------------------------------------------------------------

    def _commit_item(self, field: str, value: Any) -> bool:
        if self._editor is None or self._item_id is None or self._editor.read_only:
            return False
        return self._editor.set_item_field(self._item_id, field, value)

    def _commit_release(self, field: str, value: Any) -> bool:
        if self._editor is None or self._release_id is None or self._editor.read_only:
            return False
        return self._editor.set_release_field(self._release_id, field, value)


def _slack_text(days: int | None) -> str:
    if days is None:
        return "being scheduled…"
    if days < 0:
        return f"{working_days(days)} (late by {-days})"
    return working_days(days)
