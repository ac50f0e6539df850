"""Undo commands: one class per kind of edit, each calling PlanService (never snapshots)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand
from typing_extensions import override

from app.errors import GantryError
from app.plan_data import DeletedItem
from app.plan_service import PlanService
from ui.busy import busy_cursor
from ui.error_report import ErrorReporter

Value = str | int | dt.date | None


class PlanCommand(QUndoCommand):
    """Applies its edit once before it is pushed, so a refused edit never reaches the stack.

    QUndoStack.push() calls redo() at once; the first call is skipped because `apply()`
    already made the change (and raised if the service refused it).
    """

    def __init__(self, service: PlanService, text: str, report: ErrorReporter) -> None:
        super().__init__(text)
        self.service = service
        self._report = report
        self._applied = False
        self._applied_once = False

    def apply(self) -> None:
        """Make the edit for the first time; raises GantryError when it is refused."""
        with busy_cursor():
            self._do()
        self._applied = self._applied_once = True

    def _do(self) -> None:
        raise NotImplementedError

    def redo_reason(self) -> str:
        """The audit reason of a redo; a first application gives none (the user's own edit)."""
        return f"Redo: {self.text()}" if self._applied_once else ""

    def undo_reason(self) -> str:
        return f"Undo: {self.text()}"

    def _undo(self) -> None:
        raise NotImplementedError

    @override
    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._guarded(self._do, "Redo")

    @override
    def undo(self) -> None:
        self._guarded(self._undo, "Undo")

    def _guarded(self, step: Callable[[], None], verb: str) -> None:
        try:
            with busy_cursor():
                step()
        except GantryError as exc:
            # The plan may have been changed elsewhere meanwhile; say so rather than crash.
            self._report(f"{verb} failed", f"{verb} of “{self.text()}” failed: {exc}")


class EditItemField(PlanCommand):
    """Set one field of a work item (name, key, duration, not-before date, owner, ...)."""

    def __init__(
        self,
        service: PlanService,
        item_id: int,
        field: str,
        old: Value,
        new: Value,
        report: ErrorReporter,
    ) -> None:
        key = service.item(item_id).key
        super().__init__(service, f"Edit {field.replace('_', ' ')} of {key}", report)
        self.item_id, self.field, self.old, self.new = item_id, field, old, new

    @override
    def _do(self) -> None:
        self.service.update_item(self.item_id, self.field, self.new, reason=self.redo_reason())

    @override
    def _undo(self) -> None:
        self.service.update_item(self.item_id, self.field, self.old, reason=self.undo_reason())


class EditPredecessors(PlanCommand):
    """Replace an item's predecessor list (MS Project text such as "A-3; A-4SS+2")."""

    def __init__(
        self, service: PlanService, item_id: int, old: str, new: str, report: ErrorReporter
    ) -> None:
        key = service.item(item_id).key
        super().__init__(service, f"Edit predecessors of {key}", report)
        self.item_id, self.old, self.new = item_id, old, new

    @override
    def _do(self) -> None:
        self.service.set_predecessors(self.item_id, self.new, reason=self.redo_reason())

    @override
    def _undo(self) -> None:
        self.service.set_predecessors(self.item_id, self.old, reason=self.undo_reason())


class EditReleaseField(PlanCommand):
    """Set one field of a release (name, status, start, freezes, target, actual date)."""

    def __init__(
        self,
        service: PlanService,
        release_id: int,
        field: str,
        old: Value,
        new: Value,
        report: ErrorReporter,
    ) -> None:
        name = service.release(release_id).name
        super().__init__(service, f"Edit {field.replace('_', ' ')} of {name}", report)
        self.release_id, self.field, self.old, self.new = release_id, field, old, new

    @override
    def _do(self) -> None:
        self.service.update_release(
            self.release_id, self.field, self.new, reason=self.redo_reason()
        )

    @override
    def _undo(self) -> None:
        self.service.update_release(
            self.release_id, self.field, self.old, reason=self.undo_reason()
        )


class AddItem(PlanCommand):
    """Create a task, milestone or phase; undo deletes it, redo puts the same item back."""

    def __init__(
        self,
        service: PlanService,
        release_id: int,
        kind: str,
        name: str,
        report: ErrorReporter,
        parent_id: int | None = None,
        after_id: int | None = None,
    ) -> None:
        super().__init__(service, f"Add {kind} “{name}”", report)
        self.release_id, self.kind, self.name = release_id, kind, name
        self.parent_id, self.after_id = parent_id, after_id
        self.item_id: int | None = None
        self._deleted: DeletedItem | None = None

    @override
    def _do(self) -> None:
        if self._deleted is None:
            self.item_id = self.service.create_item(
                self.release_id,
                self.kind,
                self.name,
                parent_id=self.parent_id,
                after_id=self.after_id,
            )
            self.setText(f"Add {self.kind} {self.service.item(self.item_id).key}")
        else:
            # Same id and key as the first time, so later commands on the stack still apply.
            self.service.restore_item(self._deleted, reason=f"Redo: {self.text()}")
            self._deleted = None

    @override
    def _undo(self) -> None:
        assert self.item_id is not None
        self._deleted = self.service.delete_item(self.item_id, reason=f"Undo: {self.text()}")


class DeleteItem(PlanCommand):
    """Delete an item with its children and links; undo restores all of it."""

    def __init__(self, service: PlanService, item_id: int, report: ErrorReporter) -> None:
        row = service.item(item_id)
        super().__init__(service, f"Delete {row.key} “{row.name}”", report)
        self.item_id = item_id
        self._deleted: DeletedItem | None = None

    @override
    def _do(self) -> None:
        self._deleted = self.service.delete_item(self.item_id)

    @override
    def _undo(self) -> None:
        assert self._deleted is not None
        self.service.restore_item(self._deleted, reason=f"Undo: {self.text()}")
        self._deleted = None


class AddRelease(PlanCommand):
    """Create an empty release; undo deletes it (a redo creates it again)."""

    def __init__(
        self,
        service: PlanService,
        name: str,
        version: str,
        start_date: dt.date | None,
        target_date: dt.date | None,
        report: ErrorReporter,
    ) -> None:
        super().__init__(service, f"Add release “{name}”", report)
        self.name, self.version = name, version
        self.start_date, self.target_date = start_date, target_date
        self.release_id: int | None = None

    @override
    def _do(self) -> None:
        # A redo re-creates the release under its first id, so later commands still find it.
        self.release_id = self.service.create_release(
            self.name, self.version, self.start_date, self.target_date, self.release_id
        )

    @override
    def _undo(self) -> None:
        assert self.release_id is not None
        self.service.delete_release(self.release_id, reason=f"Undo: {self.text()}")
