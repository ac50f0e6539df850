"""Undo commands of the Checklists tab: each calls app.checklists and undoes with what the
first call returned (a placement, deleted rows), never a snapshot of the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from typing_extensions import override

from app.checklists import ChecklistService, DeletedChecklist, DeletedItems, Placement
from ui.commands import PlanCommand
from ui.error_report import ErrorReporter


def _items(count: int) -> str:
    return "item" if count == 1 else f"{count} items"


class NewChecklist(PlanCommand):
    """A release's checklist from a template; undo deletes it, redo puts the same rows back."""

    def __init__(
        self,
        service: ChecklistService,
        release_id: int,
        template: int | str,
        label: str,
        report: ErrorReporter,
    ) -> None:
        super().__init__(f"New checklist from {label}", report)
        self.service, self.release_id, self.template = service, release_id, template
        self.checklist_id: int | None = None
        self._deleted: DeletedChecklist | None = None

    @override
    def _do(self, reason: str) -> None:
        if self._deleted is None:
            self.checklist_id = self.service.create_from_template(self.release_id, self.template)
        else:
            self.service.restore_checklist(self._deleted, reason=reason)
            self._deleted = None

    @override
    def _undo(self, reason: str) -> None:
        assert self.checklist_id is not None
        self._deleted = self.service.delete_checklist(self.checklist_id, reason=reason)


class MoveChecklistItems(PlanCommand):
    """Items dropped into a section at a row (a reorder or a move between sections)."""

    def __init__(
        self,
        service: ChecklistService,
        item_ids: Sequence[int],
        section_id: int,
        row: int,
        report: ErrorReporter,
    ) -> None:
        section = service.section(section_id).name
        super().__init__(f"Move {_items(len(item_ids))} to {section}", report)
        self.service, self.item_ids, self.section_id, self.row = (
            service,
            list(item_ids),
            section_id,
            row,
        )
        self._was: Placement = {}

    @override
    def _do(self, reason: str) -> None:
        self._was = self.service.move_items(
            self.item_ids, self.section_id, self.row, reason=reason or self.text()
        )

    @override
    def _undo(self, reason: str) -> None:
        self.service.set_placement(self._was, reason=reason)


class PasteChecklistItems(PlanCommand):
    """Items added to a section (pasted, or a new one); undo deletes them, redo restores
    them under the same ids."""

    def __init__(
        self,
        service: ChecklistService,
        drafts: Sequence[Mapping[str, Any]],
        section_id: int,
        row: int | None,
        text: str,
        report: ErrorReporter,
    ) -> None:
        super().__init__(text, report)
        self.service, self.drafts, self.section_id, self.row = service, drafts, section_id, row
        self.item_ids: list[int] = []
        self._deleted: DeletedItems | None = None

    @override
    def _do(self, reason: str) -> None:
        if self._deleted is None:
            self.item_ids = self.service.paste_items(
                self.drafts, self.section_id, self.row, reason=reason or self.text()
            )
        else:
            self.service.restore_items(self._deleted, reason=reason)
            self._deleted = None

    @override
    def _undo(self, reason: str) -> None:
        self._deleted = self.service.delete_items(self.item_ids, reason=reason)


class DeleteChecklistItems(PlanCommand):
    def __init__(
        self, service: ChecklistService, item_ids: Sequence[int], report: ErrorReporter
    ) -> None:
        super().__init__(f"Delete {_items(len(item_ids))}", report)
        self.service, self.item_ids = service, list(item_ids)
        self._deleted: DeletedItems | None = None

    @override
    def _do(self, reason: str) -> None:
        self._deleted = self.service.delete_items(self.item_ids, reason=reason or self.text())

    @override
    def _undo(self, reason: str) -> None:
        assert self._deleted is not None
        self.service.restore_items(self._deleted, reason=reason)
        self._deleted = None


class RecordDecision(PlanCommand):
    """A go/no-go decision; undo takes it back, redo records it again under its id."""

    def __init__(
        self,
        service: ChecklistService,
        checklist_id: int,
        values: Mapping[str, str],
        at: dt.datetime | None,
        report: ErrorReporter,
    ) -> None:
        label = service.checklist(checklist_id).name
        super().__init__(f"Decide {values.get('decision', '')} on {label}", report)
        self.service, self.checklist_id, self.values, self.at = service, checklist_id, values, at
        self.decision_id: int | None = None
        self._deleted: Mapping[str, Any] | None = None

    @override
    def _do(self, reason: str) -> None:
        if self._deleted is None:
            v = self.values
            self.decision_id = self.service.record_decision(
                self.checklist_id, v["decision"], v["person"], v["role"], v["reason"], self.at
            )
        else:
            self.service.restore_decision(self._deleted, reason=reason)
            self._deleted = None

    @override
    def _undo(self, reason: str) -> None:
        assert self.decision_id is not None
        self._deleted = self.service.delete_decision(self.decision_id, reason=reason)


class AddChecklistSection(PlanCommand):
    """A new, empty section at the end of a checklist; undo deletes it."""

    def __init__(
        self, service: ChecklistService, checklist_id: int, name: str, report: ErrorReporter
    ) -> None:
        super().__init__(f"Add section {name}", report)
        self.service, self.checklist_id, self.name = service, checklist_id, name
        self.section_id: int | None = None
        self._deleted: Mapping[str, Any] | None = None

    @override
    def _do(self, reason: str) -> None:
        if self._deleted is None:
            self.section_id = self.service.add_section(self.checklist_id, self.name)
        else:
            self.service.restore_section(self._deleted, reason=reason)
            self._deleted = None

    @override
    def _undo(self, reason: str) -> None:
        assert self.section_id is not None
        self._deleted = self.service.delete_section(self.section_id, reason=reason)
