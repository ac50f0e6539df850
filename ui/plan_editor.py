"""Every edit the widgets make: build the undo command, apply it, push it or report why not."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QUndoStack

from app.errors import GantryError
from app.plan_service import PlanService
from ui.commands import (
    AddItem,
    AddRelease,
    DeleteItem,
    EditItemField,
    EditPredecessors,
    EditReleaseField,
    PlanCommand,
    Value,
)
from ui.error_report import ErrorReporter


class PlanEditor:
    """The widgets' single entry point for changing a plan (table, properties, menus).

    A refused edit raises GantryError inside the service, which leaves the plan unchanged;
    the editor reports its message and pushes nothing.
    """

    def __init__(self, service: PlanService, stack: QUndoStack, report: ErrorReporter) -> None:
        self.service = service
        self.stack = stack
        self.report = report

    @property
    def read_only(self) -> bool:
        return self.service.store.read_only

    def _run(self, command: PlanCommand, title: str) -> bool:
        try:
            command.apply()
        except GantryError as exc:
            self.report(title, str(exc))
            return False
        self.stack.push(command)
        return True

    def set_item_field(self, item_id: int, field: str, value: Value) -> bool:
        if isinstance(value, str):
            value = value.strip()
        try:
            old = getattr(self.service.item(item_id), field)
        except (KeyError, AttributeError):
            self.report("Cannot edit", f"There is no work item field '{field}' to edit.")
            return False
        if old == value:
            return True
        command = EditItemField(self.service, item_id, field, old, value, self.report)
        return self._run(command, "Edit refused")

    def set_predecessors(self, item_id: int, text: str) -> bool:
        old = self.service.item(item_id).predecessors
        if _normalise_links(old) == _normalise_links(text):
            return True
        command = EditPredecessors(self.service, item_id, old, text.strip(), self.report)
        return self._run(command, "Predecessors refused")

    def set_release_field(self, release_id: int, field: str, value: Value) -> bool:
        if isinstance(value, str):
            value = value.strip()
        try:
            old = getattr(self.service.release(release_id), field)
        except (KeyError, AttributeError):
            self.report("Cannot edit", f"There is no release field '{field}' to edit.")
            return False
        if old == value:
            return True
        command = EditReleaseField(self.service, release_id, field, old, value, self.report)
        return self._run(command, "Edit refused")

    def add_item(
        self,
        release_id: int,
        kind: str,
        name: str,
        parent_id: int | None = None,
        after_id: int | None = None,
    ) -> int | None:
        """Add an item; returns its id, or None when it was refused."""
        command = AddItem(
            self.service,
            release_id,
            kind,
            name,
            self.report,
            parent_id=parent_id,
            after_id=after_id,
        )
        return command.item_id if self._run(command, "Cannot add item") else None

    def delete_item(self, item_id: int) -> bool:
        command = DeleteItem(self.service, item_id, self.report)
        return self._run(command, "Cannot delete item")

    def add_release(
        self, name: str, version: str, start_date: dt.date | None, target_date: dt.date | None
    ) -> int | None:
        command = AddRelease(self.service, name, version, start_date, target_date, self.report)
        return command.release_id if self._run(command, "Cannot add release") else None


def _normalise_links(text: str) -> str:
    return ";".join(part.strip() for part in text.replace(",", ";").split(";") if part.strip())
