"""Undo commands: one generic field edit plus add/delete per kind, each calling app services.

A command never snapshots the plan. If its undo or redo is refused (the plan changed since,
say a key is now taken), the service has changed nothing; the command then marks itself
obsolete, so QUndoStack drops it instead of moving its index: the stack keeps describing the
plan as it is, and the user is told why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand
from typing_extensions import override

from app.errors import GantryError
from app.fields import FieldSet
from app.plan import Plan
from app.plan_data import DeletedItem
from app.records import RecordService
from app.releases import ReleaseService
from app.spreadsheet import importer
from app.work_calendar import WorkingCalendar, WorkingCalendarService
from app.work_items import WorkItemService
from ui.busy import busy_cursor
from ui.error_report import ErrorReporter

Value = str | int | dt.date | frozenset[int] | None


class FieldSource(Protocol):
    """Anything whose records' fields are edited one at a time: work items, releases, plan
    settings, calendar entries and every record service to come."""

    fields: FieldSet

    def label(self, record_id: int) -> str: ...

    def row(self, record_id: int) -> Any: ...

    def update(self, record_id: int, name: str, value: Any, reason: str = "") -> Any: ...


class PlanCommand(QUndoCommand):
    """Applies its edit once before it is pushed, so a refused edit never reaches the stack.

    QUndoStack.push() calls redo() at once; that first call is skipped because `apply()`
    already made the change (and raised if the service refused it).
    """

    def __init__(self, text: str, report: ErrorReporter) -> None:
        super().__init__(text)
        self._report = report
        self._pushed_applied = False
        self._applied_once = False

    def apply(self) -> None:
        """Make the edit for the first time; raises GantryError when it is refused."""
        with busy_cursor():
            self._do("")
        self._pushed_applied = self._applied_once = True

    def _do(self, reason: str) -> None:
        raise NotImplementedError

    def _undo(self, reason: str) -> None:
        raise NotImplementedError

    @override
    def redo(self) -> None:
        if self._pushed_applied:
            self._pushed_applied = False
            return
        self._guarded(self._do, "Redo")

    @override
    def undo(self) -> None:
        self._guarded(self._undo, "Undo")

    def _guarded(self, step: Callable[[str], None], verb: str) -> None:
        try:
            with busy_cursor():
                step(f"{verb}: {self.text()}")
        except GantryError as exc:
            # Nothing changed; leaving the stack's index where it is would make the stack lie
            # about the plan (a later redo of "Add item" would add a second item).
            self.setObsolete(True)
            self._report(
                f"{verb} failed",
                f"{verb} of “{self.text()}” failed, so it was taken off the undo history: {exc}",
            )


class EditField(PlanCommand):
    """Set one field of one record of any FieldSource; undo puts the old value back."""

    def __init__(
        self,
        source: FieldSource,
        record_id: int,
        field: str,
        old: Value,
        new: Value,
        report: ErrorReporter,
    ) -> None:
        noun = source.fields[field].noun if field in source.fields else field
        super().__init__(f"Edit {noun} of {source.label(record_id)}", report)
        self.source, self.record_id, self.field = source, record_id, field
        self.old, self.new = old, new

    @override
    def _do(self, reason: str) -> None:
        self.source.update(self.record_id, self.field, self.new, reason=reason)

    @override
    def _undo(self, reason: str) -> None:
        self.source.update(self.record_id, self.field, self.old, reason=reason)


class EditItemField(EditField):
    """Set one field of a work item on a day, for the scope lock: growing an item of a
    frozen release cites an approved change; undo gives no day (it puts back what was)."""

    def __init__(
        self,
        items: WorkItemService,
        item_id: int,
        field: str,
        old: Value,
        new: Value,
        report: ErrorReporter,
        today: dt.date,
        change: str = "",
    ) -> None:
        super().__init__(items, item_id, field, old, new, report)
        self.items, self.today, self.change = items, today, change

    @override
    def _do(self, reason: str) -> None:
        self.items.update(
            self.record_id, self.field, self.new, reason, today=self.today, change=self.change
        )


class ChangeWorkingCalendar(PlanCommand):
    """Apply a working calendar (work week and holidays) as one step; undo applies the one
    the plan had, which puts back the same settings and entries."""

    def __init__(
        self, service: WorkingCalendarService, calendar: WorkingCalendar, report: ErrorReporter
    ) -> None:
        super().__init__("Change working calendar", report)
        self.service = service
        self.new = calendar
        self.old: WorkingCalendar | None = None

    @override
    def _do(self, reason: str) -> None:
        self.old = self.service.apply(self.new, reason=reason)
        # Read back with the ids its new entries got, so a redo makes them under those ids.
        self.new = self.service.as_stored(self.new)

    @override
    def _undo(self, reason: str) -> None:
        assert self.old is not None
        self.service.apply(self.old, reason=reason)


class ReleaseAnyway(EditField):
    """Mark a release released over what holds it (open go/no-go items, unapproved changes),
    with the reason the user gave.

    The service records what was open and the reason in the audit trail; undo takes the
    release back (which nothing holds).
    """

    def __init__(
        self,
        releases: ReleaseService,
        release_id: int,
        field: str,
        old: Value,
        new: Value,
        override: str,
        report: ErrorReporter,
    ) -> None:
        super().__init__(releases, release_id, field, old, new, report)
        self.releases, self.override = releases, override
        self.setText(f"Release {releases.label(release_id)} over what holds it")

    @override
    def _do(self, reason: str) -> None:
        self.releases.update(self.record_id, self.field, self.new, reason, self.override)


class AddItem(PlanCommand):
    """Create a task, milestone or phase; undo deletes it, redo puts the same item back."""

    def __init__(
        self,
        items: WorkItemService,
        release_id: int,
        kind: str,
        name: str,
        report: ErrorReporter,
        parent_id: int | None = None,
        after_id: int | None = None,
        today: dt.date | None = None,
        change: str = "",
    ) -> None:
        super().__init__(f"Add {kind} “{name}”", report)
        self.items = items
        self.release_id, self.kind, self.name = release_id, kind, name
        self.parent_id, self.after_id = parent_id, after_id
        # For the scope lock: the day of the edit and the approved change it cites.
        self.today, self.change = today, change
        self.item_id: int | None = None
        self._deleted: DeletedItem | None = None

    @override
    def _do(self, reason: str) -> None:
        if self._deleted is None:
            self.item_id = self.items.create(
                self.release_id,
                self.kind,
                self.name,
                parent_id=self.parent_id,
                after_id=self.after_id,
                today=self.today,
                change=self.change,
            )
            self.setText(f"Add {self.kind} {self.items.label(self.item_id)}")
        else:
            # Same id and key as the first time, so later commands on the stack still apply.
            self.items.restore(self._deleted, reason=reason)
            self._deleted = None

    @override
    def _undo(self, reason: str) -> None:
        assert self.item_id is not None
        self._deleted = self.items.delete(self.item_id, reason=reason)


class DeleteItem(PlanCommand):
    """Delete an item with its children and links; undo restores all of it."""

    def __init__(
        self,
        items: WorkItemService,
        item_id: int,
        report: ErrorReporter,
        today: dt.date | None = None,
    ) -> None:
        row = items.row(item_id)
        super().__init__(f"Delete {row.key} “{row.name}”", report)
        self.items = items
        self.item_id = item_id
        self.today = today
        self._deleted: DeletedItem | None = None

    @override
    def _do(self, reason: str) -> None:
        self._deleted = self.items.delete(self.item_id, reason=reason, today=self.today)

    @override
    def _undo(self, reason: str) -> None:
        assert self._deleted is not None
        self.items.restore(self._deleted, reason=reason)
        self._deleted = None


class AddRelease(PlanCommand):
    """Create an empty release; undo deletes it (a redo creates it again under its id)."""

    def __init__(
        self,
        releases: ReleaseService,
        name: str,
        version: str,
        start_date: dt.date | None,
        target_date: dt.date | None,
        report: ErrorReporter,
    ) -> None:
        super().__init__(f"Add release “{name}”", report)
        self.releases = releases
        self.name, self.version = name, version
        self.start_date, self.target_date = start_date, target_date
        self.release_id: int | None = None

    @override
    def _do(self, reason: str) -> None:
        self.release_id = self.releases.create(
            self.name, self.version, self.start_date, self.target_date, self.release_id
        )

    @override
    def _undo(self, reason: str) -> None:
        assert self.release_id is not None
        self.releases.delete(self.release_id, reason=reason)


class AddRecord(PlanCommand):
    """Create a record of a generic record service; undo deletes it, redo restores it."""

    def __init__(
        self, records: RecordService, values: Mapping[str, Any], report: ErrorReporter
    ) -> None:
        super().__init__(f"Add {records.fields.noun}", report)
        self.records = records
        self.values = dict(values)
        self.record_id: int | None = None
        self._deleted: dict[str, Any] | None = None

    @override
    def _do(self, reason: str) -> None:
        if self._deleted is None:
            self.record_id = self.records.create(self.values, reason=reason)
            self.setText(f"Add {self.records.fields.noun} {self.records.label(self.record_id)}")
        else:
            self.records.restore(self._deleted, reason=reason)
            self._deleted = None

    @override
    def _undo(self, reason: str) -> None:
        assert self.record_id is not None
        self._deleted = self.records.delete(self.record_id, reason=reason)


class DeleteRecord(PlanCommand):
    """Delete one record of a generic record service; undo puts it back with its id."""

    def __init__(self, records: RecordService, record_id: int, report: ErrorReporter) -> None:
        super().__init__(f"Delete {records.fields.noun} {records.label(record_id)}", report)
        self.records = records
        self.record_id = record_id
        self._deleted: dict[str, Any] | None = None

    @override
    def _do(self, reason: str) -> None:
        self._deleted = self.records.delete(self.record_id, reason=reason)

    @override
    def _undo(self, reason: str) -> None:
        assert self._deleted is not None
        self.records.restore(self._deleted, reason=reason)
        self._deleted = None


class EditItems(PlanCommand):
    """Set fields of several work items at once (a chart drag); undo puts the old values
    back, again in one unit of work."""

    def __init__(
        self,
        items: WorkItemService,
        changes: Mapping[int, Mapping[str, Any]],
        text: str,
        report: ErrorReporter,
        today: dt.date | None = None,
        change: str = "",
    ) -> None:
        super().__init__(text, report)
        self.items = items
        self.new = {item_id: dict(values) for item_id, values in changes.items()}
        self.old: dict[int, dict[str, Any]] = {}
        self.today, self.change = today, change

    @override
    def _do(self, reason: str) -> None:
        self.old = self.items.update_many(
            self.new, reason=reason or self.text(), today=self.today, change=self.change
        )

    @override
    def _undo(self, reason: str) -> None:
        self.items.update_many(self.old, reason=reason)


class AddLink(PlanCommand):
    """Make one item depend on another; undo removes that link again."""

    def __init__(
        self,
        items: WorkItemService,
        predecessor_id: int,
        successor_id: int,
        link_type: str,
        report: ErrorReporter,
    ) -> None:
        pred, succ = items.label(predecessor_id), items.label(successor_id)
        super().__init__(f"Link {pred} → {succ} ({link_type})", report)
        self.items = items
        self.predecessor_id, self.successor_id, self.type = predecessor_id, successor_id, link_type

    @override
    def _do(self, reason: str) -> None:
        self.items.add_link(self.predecessor_id, self.successor_id, self.type, reason=reason)

    @override
    def _undo(self, reason: str) -> None:
        self.items.remove_link(self.predecessor_id, self.successor_id, reason=reason)


class ImportSheet(PlanCommand):
    """A committed import as one step: undo removes what it created and restores what it
    changed (app.spreadsheet.importer.undo); redo writes the same prepared import again."""

    def __init__(
        self,
        plan: Plan,
        prepared: importer.ImportPlan,
        done: importer.ImportDone,
        report: ErrorReporter,
    ) -> None:
        super().__init__(f"Import {prepared.report.source.split(' (')[0]}", report)
        self.plan, self.prepared, self.done = plan, prepared, done
        # The wizard has written it already (on a worker thread): push() must not redo it.
        self._pushed_applied = self._applied_once = True

    @override
    def _do(self, reason: str) -> None:
        self.done = importer.commit(self.plan, self.prepared)

    @override
    def _undo(self, reason: str) -> None:
        importer.undo(self.plan, self.done)
