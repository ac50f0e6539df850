"""Every edit the widgets make: build the undo command, apply it, push it or report why not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtGui import QUndoStack

from app.errors import GantryError
from app.links import same_links
from app.plan import Plan
from app.records import RecordService
from app.runbooks import block_moves
from app.scope_lock import ScopeLocked
from app.spreadsheet.importer import ImportDone, ImportPlan
from app.trains import Cadence, Generated, ReleaseTemplate
from app.work_calendar import WorkingCalendar
from ui.baseline_commands import DeleteBaseline, RenameBaseline, SetBaseline
from ui.change_commands import DecideChange, MoveChange, SetChangeLinks
from ui.checklist_commands import (
    AddChecklistSection,
    DeleteChecklistItems,
    MoveChecklistItems,
    NewChecklist,
    PasteChecklistItems,
    RecordDecision,
)
from ui.commands import (
    AddItem,
    AddLink,
    AddRecord,
    AddRelease,
    ChangeWorkingCalendar,
    DeleteItem,
    DeleteRecord,
    EditField,
    EditItemField,
    EditItems,
    FieldSource,
    ImportSheet,
    PlanCommand,
    ReleaseAnyway,
    Value,
)
from ui.error_report import ChangeAsker, ErrorReporter, MoveAsker, ReasonAsker
from ui.notes_commands import DraftNotes, MarkForNotes, MarkSent, MoveNote
from ui.runbook_commands import (
    AddStep,
    AddWaits,
    CreateRunbook,
    DeleteSteps,
    MoveStep,
    MoveSteps,
    RemoveWait,
    SetDurations,
    SetEnvironment,
    SetPlannedStart,
)
from ui.train_commands import GenerateTrain, MoveTrainRelease


class PlanEditor:
    """The widgets' single entry point for changing a plan (tables, forms, menus).

    A refused edit raises GantryError inside the service, which leaves the plan unchanged;
    the editor reports its message and pushes nothing.
    """

    def __init__(
        self,
        plan: Plan,
        stack: QUndoStack,
        report: ErrorReporter,
        ask_reason: ReasonAsker | None = None,
        today: Callable[[], dt.date] | None = None,
        ask_change: ChangeAsker | None = None,
        ask_move: MoveAsker | None = None,
    ) -> None:
        self.plan = plan
        self.stack = stack
        self.report = report
        self.ask_reason = ask_reason
        # The day edits are made on, for the scope lock (None: edits are not held to it).
        self.today = today
        self.ask_change = ask_change
        self.ask_move = ask_move
        self._asking = False  # a form's editor may commit again while the question is open

    @property
    def read_only(self) -> bool:
        return self.plan.read_only

    def _run(self, command: PlanCommand, title: str) -> bool:
        try:
            command.apply()
        except GantryError as exc:
            self.report(title, str(exc))
            return False
        self.stack.push(command)
        return True

    def _run_scoped(self, make: Callable[[str], PlanCommand], title: str) -> bool:
        """Run the command `make(change)` builds; when the scope lock refuses it, show why
        and offer to proceed under one of the release's approved change requests."""
        command = make("")
        try:
            command.apply()
        except ScopeLocked as exc:
            if not exc.changes or self.ask_change is None or self._asking:
                self.report(title, str(exc))
                return False
            self._asking = True
            try:
                key = self.ask_change(title, str(exc), exc.changes)
            finally:
                self._asking = False
            if key is None:
                return False
            return self._run(make(key), title)
        except GantryError as exc:
            self.report(title, str(exc))
            return False
        self.stack.push(command)
        return True

    def _day(self) -> dt.date | None:
        return self.today() if self.today is not None else None

    def set_field(self, source: FieldSource, record_id: int, field: str, value: Value) -> bool:
        """Set one field of any record; an unchanged value pushes nothing."""
        try:
            old = getattr(source.row(record_id), field)
        except (KeyError, AttributeError):
            self.report("Cannot edit", f"There is no {source.fields.noun} field '{field}'.")
            return False
        if _same(source, field, old, value):
            return True
        command = EditField(source, record_id, field, old, value, self.report)
        return self._run(command, "Edit refused")

    def set_item_field(self, item_id: int, field: str, value: Value) -> bool:
        items = self.plan.work_items
        day = self._day()
        if field != "duration" or day is None:
            return self.set_field(items, item_id, field, value)
        try:
            old = items.row(item_id).duration
        except KeyError:
            self.report("Cannot edit", f"Work item #{item_id} is no longer in the plan.")
            return False
        if _same(items, field, old, value):
            return True
        return self._run_scoped(
            lambda change: EditItemField(
                items, item_id, field, old, value, self.report, day, change
            ),
            "Edit refused",
        )

    def set_predecessors(self, item_id: int, text: str) -> bool:
        return self.set_field(self.plan.work_items, item_id, "predecessors", text)

    def edit_items(self, changes: Mapping[int, Mapping[str, Any]], text: str) -> bool:
        """Change fields of several items as one undo step (a drag on the chart)."""
        day = self._day()
        return self._run_scoped(
            lambda change: EditItems(self.plan.work_items, changes, text, self.report, day, change),
            "Edit refused",
        )

    def add_link(self, predecessor_id: int, successor_id: int, link_type: str = "FS") -> bool:
        command = AddLink(
            self.plan.work_items, predecessor_id, successor_id, link_type, self.report
        )
        return self._run(command, "Cannot link")

    def set_release_field(self, release_id: int, field: str, value: Value) -> bool:
        """Edit a release; marking it released over what holds it asks for a reason; moving a
        train release's day asks whether the rest of its train moves too."""
        releases = self.plan.releases
        if field == "target_date" and isinstance(value, dt.date):
            train = self.plan.trains.of_release(release_id)
            current = releases.row(release_id).target_date
            if train is not None and current is not None:
                return current == value or self.move_train_release(release_id, value)
        try:
            held = releases.held_for(release_id, field, value)
        except GantryError as exc:
            self.report("Edit refused", str(exc))
            return False
        if not held:
            return self.set_field(releases, release_id, field, value)
        name = releases.label(release_id)
        question = (
            f"{name} is still held back:\n\n• "
            + "\n• ".join(held)
            + "\n\nRelease it anyway? The reason goes into the audit trail with what was open."
        )
        if self.ask_reason is None or self._asking:
            return False
        self._asking = True
        try:
            reason = self.ask_reason("Release over what holds it", question)
        finally:
            self._asking = False
        if reason is None:
            return False
        if not reason.strip():
            self.report("Not released", "Releasing over what holds a release needs a reason.")
            return False
        old = getattr(releases.row(release_id), field)
        command = ReleaseAnyway(releases, release_id, field, old, value, reason, self.report)
        return self._run(command, "Edit refused")

    def change_working_calendar(self, calendar: WorkingCalendar) -> bool:
        """Apply a new work week and holidays as one undo step (it reschedules)."""
        command = ChangeWorkingCalendar(self.plan.work_calendar, calendar, self.report)
        return self._run(command, "Cannot change the working calendar")

    def add_item(
        self,
        release_id: int,
        kind: str,
        name: str,
        parent_id: int | None = None,
        after_id: int | None = None,
    ) -> int | None:
        """Add an item; returns its id, or None when it was refused."""
        made: list[AddItem] = []
        day = self._day()

        def make(change: str) -> AddItem:
            command = AddItem(
                self.plan.work_items,
                release_id,
                kind,
                name,
                self.report,
                parent_id=parent_id,
                after_id=after_id,
                today=day,
                change=change,
            )
            made.append(command)
            return command

        return made[-1].item_id if self._run_scoped(make, "Cannot add item") else None

    def delete_item(self, item_id: int) -> bool:
        command = DeleteItem(self.plan.work_items, item_id, self.report, self._day())
        return self._run(command, "Cannot delete item")

    # -- release trains ----------------------------------------------------------------------

    def new_train(
        self,
        name: str,
        cadence: Cadence,
        template: ReleaseTemplate,
        first_day: dt.date,
        first_version: str,
        count: int,
    ) -> Generated | None:
        """A train and its first `count` releases as one undo step; what it made, or None."""
        trains = self.plan.trains

        def generate(reason: str, again: Generated | None) -> Generated:
            return trains.create(
                name, cadence, template, first_day, first_version, count, reason, again
            )

        command = GenerateTrain(trains, f"New train {name.strip()}", generate, self.report)
        return command.generated if self._run(command, "Cannot make the train") else None

    def generate_releases(self, train_id: int, count: int) -> Generated | None:
        """A train's next `count` releases as one undo step."""
        trains = self.plan.trains
        name = trains.row(train_id).name

        def generate(reason: str, again: Generated | None) -> Generated:
            return trains.generate(train_id, count, reason, again)

        text = f"Generate {count} release{'s' if count != 1 else ''} of {name}"
        command = GenerateTrain(trains, text, generate, self.report)
        return command.generated if self._run(command, "Cannot generate releases") else None

    def move_train_release(self, release_id: int, target: dt.date) -> bool:
        """Move a train release's day; asks whether the later releases move too."""
        trains = self.plan.trains
        name = self.plan.releases.label(release_id)
        later = trains.later_releases(release_id)
        with_rest = False
        if later and self.ask_move is not None and not self._asking:
            names = ", ".join(self.plan.releases.label(r) for r in later)
            self._asking = True
            try:
                answer = self.ask_move(
                    "Move the rest of the train?",
                    f"{name} moves to {target.isoformat()}. Move the later releases of its "
                    f"train ({names}) by the same number of working days too?",
                )
            finally:
                self._asking = False
            if answer is None:
                return False
            with_rest = answer
        command = MoveTrainRelease(trains, release_id, name, target, with_rest, self.report)
        return self._run(command, "Cannot move the release")

    def add_release(
        self, name: str, version: str, start_date: dt.date | None, target_date: dt.date | None
    ) -> int | None:
        command = AddRelease(
            self.plan.releases, name, version, start_date, target_date, self.report
        )
        return command.release_id if self._run(command, "Cannot add release") else None

    def add_record(self, records: RecordService, values: Mapping[str, Any]) -> int | None:
        command = AddRecord(records, values, self.report)
        return (
            command.record_id if self._run(command, f"Cannot add {records.fields.noun}") else None
        )

    def imported(self, prepared: ImportPlan, done: ImportDone) -> None:
        """Record an import the wizard has committed as one undo step."""
        self.stack.push(ImportSheet(self.plan, prepared, done, self.report))

    def delete_record(self, records: RecordService, record_id: int) -> bool:
        command = DeleteRecord(records, record_id, self.report)
        return self._run(command, f"Cannot delete {records.fields.noun}")

    def set_baseline(self, release_id: int, name: str) -> int | None:
        """Keep the release's scheduled dates as a baseline; its id, or None when refused."""
        known = self.plan.state.releases.get(release_id)
        release = known.name if known is not None else f"release #{release_id}"
        command = SetBaseline(self.plan.baselines, release_id, release, name, self.report)
        return command.baseline_id if self._run(command, "Cannot set baseline") else None

    def rename_baseline(self, baseline_id: int, name: str) -> bool:
        if name.strip() == self.plan.baselines.label(baseline_id):
            return True
        command = RenameBaseline(self.plan.baselines, baseline_id, name, self.report)
        return self._run(command, "Cannot rename baseline")

    def delete_baseline(self, baseline_id: int) -> bool:
        command = DeleteBaseline(self.plan.baselines, baseline_id, self.report)
        return self._run(command, "Cannot delete baseline")

    def move_step(self, step_id: int, position: int) -> bool:
        """Move a runbook step (a drag in the Runbook tab) as one undo step."""
        command = MoveStep(self.plan.runbooks, step_id, position, self.report)
        return self._run(command, "Cannot move step")

    def move_steps(self, step_ids: Sequence[int], gap: int, section: str) -> bool:
        """Move runbook steps as a block into the gap before the step at `gap` (in the
        runbook's order) and into `section`, as one undo step."""
        books = self.plan.runbooks
        try:
            runbook_id = books.row(step_ids[0]).runbook_id
        except GantryError as exc:
            self.report("Cannot move steps", str(exc))
            return False
        order = [s.id for s in books.steps(runbook_id)]
        moves = block_moves(order, step_ids, gap)
        first = books.label(step_ids[0])
        text = f"Move step {first}" if len(step_ids) == 1 else f"Move {len(step_ids)} steps"
        command = MoveSteps(books, moves, section, text, self.report)
        return self._run(command, "Cannot move steps")

    def add_step(
        self,
        runbook_id: int,
        values: Mapping[str, Any],
        position: int,
        waits: Sequence[int] = (),
    ) -> int | None:
        """Insert a runbook step at `position` (one undo step); its id, or None if refused."""
        command = AddStep(self.plan.runbooks, runbook_id, values, position, waits, self.report)
        return command.step_id if self._run(command, "Cannot add step") else None

    def delete_steps(self, step_ids: Sequence[int]) -> bool:
        """Delete runbook steps as one undo step (undo brings back their waits and pairs)."""
        if not step_ids:
            return True
        command = DeleteSteps(self.plan.runbooks, step_ids, self.report)
        return self._run(command, "Cannot delete steps")

    def add_waits(self, step_id: int, waits_for: Sequence[int]) -> bool:
        """The step waits for these steps (one undo step); a cycle is refused, naming it."""
        if not waits_for:
            return True
        command = AddWaits(self.plan.runbooks, step_id, waits_for, self.report)
        return self._run(command, "Cannot add the wait")

    def remove_wait(self, step_id: int, waits_for: int) -> bool:
        command = RemoveWait(self.plan.runbooks, step_id, waits_for, self.report)
        return self._run(command, "Cannot remove the wait")

    def create_runbook(self, text: str, create: Callable[[str], int]) -> int | None:
        """A runbook or template made by `create(reason)`, as one undo step; its id."""
        command = CreateRunbook(self.plan.runbooks, create, text, self.report)
        return command.runbook_id if self._run(command, "Cannot create the runbook") else None

    def set_planned_start(self, runbook_id: int, planned_start: dt.datetime | None) -> bool:
        books = self.plan.runbooks
        if books.runbook(runbook_id).planned_start == planned_start:
            return True
        command = SetPlannedStart(books, runbook_id, planned_start, self.report)
        return self._run(command, "Cannot set T0")

    def set_runbook_environment(self, runbook_id: int, environment_id: int | None) -> bool:
        books = self.plan.runbooks
        if books.runbook(runbook_id).environment_id == environment_id:
            return True
        command = SetEnvironment(books, runbook_id, environment_id, self.report)
        return self._run(command, "Cannot set the environment")

    def take_rehearsal_durations(self, run_id: int) -> bool:
        """Make a rehearsal's measured durations the planned ones, as one undo step."""
        books = self.plan.runbooks
        try:
            measured = books.rehearsal_durations(run_id)
        except GantryError as exc:
            self.report("Cannot take the durations", str(exc))
            return False
        if not measured:
            return True
        label = books.run(run_id).label
        command = SetDurations(books, measured, f"Take the durations of run {label}", self.report)
        return self._run(command, "Cannot take the durations")

    # -- checklists ------------------------------------------------------------------------

    def new_checklist(self, release_id: int, template: int | str, label: str) -> int | None:
        """A release's checklist from a template as one undo step; its id, or None."""
        command = NewChecklist(self.plan.checklists, release_id, template, label, self.report)
        return command.checklist_id if self._run(command, "Cannot make the checklist") else None

    def add_checklist_section(self, checklist_id: int, name: str) -> int | None:
        command = AddChecklistSection(self.plan.checklists, checklist_id, name, self.report)
        return command.section_id if self._run(command, "Cannot add the section") else None

    def move_checklist_items(self, item_ids: Sequence[int], section_id: int, row: int) -> bool:
        command = MoveChecklistItems(self.plan.checklists, item_ids, section_id, row, self.report)
        return self._run(command, "Cannot move")

    def paste_checklist_items(
        self,
        drafts: Sequence[Mapping[str, Any]],
        section_id: int,
        row: int | None,
        text: str = "",
    ) -> list[int]:
        """Add items to a section as one undo step; their ids (empty: refused)."""
        count = "item" if len(drafts) == 1 else f"{len(drafts)} items"
        command = PasteChecklistItems(
            self.plan.checklists, drafts, section_id, row, text or f"Paste {count}", self.report
        )
        return command.item_ids if self._run(command, "Cannot paste") else []

    def delete_checklist_items(self, item_ids: Sequence[int]) -> bool:
        command = DeleteChecklistItems(self.plan.checklists, item_ids, self.report)
        return self._run(command, "Cannot delete")

    def record_decision(
        self, checklist_id: int, values: Mapping[str, str], at: dt.datetime | None = None
    ) -> int | None:
        """Record a go/no-go decision (decision, person, role, reason) as one undo step."""
        command = RecordDecision(self.plan.checklists, checklist_id, values, at, self.report)
        return command.decision_id if self._run(command, "Decision refused") else None

    def move_change(self, change_id: int, target: str, label: str) -> bool:
        """Move a change along the workflow (submit, implement, close, cancel, …)."""
        command = MoveChange(self.plan.changes, change_id, target, label, self.report)
        return self._run(command, "Change refused")

    def decide_change(
        self,
        change_id: int,
        values: Mapping[str, str],
        at: dt.datetime,
    ) -> bool:
        """Record a signed decision (approver, pin, role, decision, meaning, comment)."""
        command = DecideChange(
            self.plan.changes,
            change_id,
            values["approver"],
            values["pin"],
            values["role"],
            values["decision"],
            values["meaning"],
            values["comment"],
            at,
            self.report,
        )
        return self._run(command, "Decision refused")

    def set_change_links(
        self, change_id: int, components: frozenset[int], environments: frozenset[int]
    ) -> bool:
        command = SetChangeLinks(
            self.plan.changes, change_id, components, environments, self.report
        )
        return self._run(command, "Edit refused")

    # -- release notes and communications ---------------------------------------------------

    def draft_notes(self, release_id: int) -> list[int]:
        """Draft entries from the release's marked work items as one undo step (nothing marked:
        no step)."""
        if not self.plan.notes.marked_items(release_id):
            return []
        command = DraftNotes(self.plan.notes, release_id, self.report)
        return command.created if self._run(command, "Cannot draft release notes") else []

    def move_note(self, note_id: int, step: int) -> bool:
        command = MoveNote(self.plan.notes, note_id, step, self.report)
        return self._run(command, "Cannot move the entry")

    def mark_for_notes(self, item_id: int, category: str | None) -> bool:
        key = self.plan.state.items[item_id].key
        command = MarkForNotes(self.plan.notes, item_id, key, category, self.report)
        return self._run(command, "Cannot mark the work item")

    def mark_sent(self, comm_id: int, by: str, at: dt.datetime | None) -> bool:
        command = MarkSent(self.plan.communications, comm_id, by, at, self.report)
        return self._run(command, "Cannot mark the communication")


def _same(source: FieldSource, field: str, old: Any, new: Any) -> bool:
    """Whether `new` would store what is there already ("  x " is "x"; "A;B" is "A; B")."""
    if field == "predecessors":
        return same_links(str(old or ""), str(new or ""))
    try:
        return bool(source.fields[field].coerce(new) == old)
    except (GantryError, KeyError):
        return False  # let the service refuse it with its own words
