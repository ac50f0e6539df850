"""Undo commands of the Runbook tab: steps added, deleted and moved, waits, the runbook's
T0 and environment, runbooks created, and a rehearsal's durations taken as planned."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from typing_extensions import override

from app.errors import GantryError
from app.runbooks import DeletedRunbook, DeletedStep, RunbookService
from ui.commands import PlanCommand
from ui.error_report import ErrorReporter


class MoveStep(PlanCommand):
    """Move one step to another place in its runbook; undo moves it back."""

    def __init__(
        self, runbooks: RunbookService, step_id: int, position: int, report: ErrorReporter
    ) -> None:
        super().__init__(f"Move step {runbooks.label(step_id)}", report)
        self.runbooks, self.step_id, self.position = runbooks, step_id, position
        self.old = runbooks.row(step_id).position

    @override
    def _do(self, reason: str) -> None:
        self.runbooks.move_step(self.step_id, self.position, reason=reason)

    @override
    def _undo(self, reason: str) -> None:
        self.runbooks.move_step(self.step_id, self.old, reason=reason)


class MoveSteps(PlanCommand):
    """Move steps as a block (single-step moves from `block_moves`) and into `section`;
    undo sets the sections back, then makes the moves back in reverse order."""

    def __init__(
        self,
        runbooks: RunbookService,
        moves: Sequence[tuple[int, int]],
        section: str,
        text: str,
        report: ErrorReporter,
    ) -> None:
        super().__init__(text, report)
        self.runbooks, self.moves, self.section = runbooks, list(moves), section
        self.old_positions: list[int] = []
        self.old_sections: dict[int, str] = {}

    @override
    def _do(self, reason: str) -> None:
        self.old_positions = [
            self.runbooks.move_step(step, at, reason=reason) for step, at in self.moves
        ]
        self.old_sections = {}
        for step, _at in self.moves:
            if self.runbooks.row(step).section != self.section:
                self.old_sections[step] = self.runbooks.update(
                    step, "section", self.section, reason=reason
                )

    @override
    def _undo(self, reason: str) -> None:
        for step, section in self.old_sections.items():
            self.runbooks.update(step, "section", section, reason=reason)
        for (step, _at), old in reversed(list(zip(self.moves, self.old_positions, strict=True))):
            self.runbooks.move_step(step, old, reason=reason)


class AddStep(PlanCommand):
    """Insert a step (new or a duplicate, with the waits given); redo puts it back with the
    same id, so later commands that name it still find it."""

    def __init__(
        self,
        runbooks: RunbookService,
        runbook_id: int,
        values: Mapping[str, Any],
        position: int,
        waits: Sequence[int],
        report: ErrorReporter,
    ) -> None:
        super().__init__(f"Add step {values.get('title', '')}", report)
        self.runbooks, self.runbook_id = runbooks, runbook_id
        self.values, self.position, self.waits = dict(values), position, list(waits)
        self.step_id: int | None = None

    @override
    def _do(self, reason: str) -> None:
        self.step_id = self.runbooks.add_step(
            self.runbook_id, self.values, self.position, reason=reason, step_id=self.step_id
        )
        for waits_for in self.waits:
            self.runbooks.add_link(self.step_id, waits_for, reason=reason)

    @override
    def _undo(self, reason: str) -> None:
        if self.step_id is not None:
            self.runbooks.delete_step(self.step_id, reason=reason)


class DeleteSteps(PlanCommand):
    """Delete steps, the last first so each keeps its place; undo restores them the other
    way round with their ids, waits and rollback pairings."""

    def __init__(
        self, runbooks: RunbookService, step_ids: Sequence[int], report: ErrorReporter
    ) -> None:
        rows = sorted((runbooks.row(s) for s in step_ids), key=lambda r: -r.position)
        text = f"Delete step {rows[0].label}" if len(rows) == 1 else f"Delete {len(rows)} steps"
        super().__init__(text, report)
        self.runbooks, self.step_ids = runbooks, [r.id for r in rows]
        self.deleted: list[DeletedStep] = []

    @override
    def _do(self, reason: str) -> None:
        self.deleted = []
        try:
            for step in self.step_ids:
                self.deleted.append(self.runbooks.delete_step(step, reason=reason))
        except GantryError:
            self._undo(reason)  # all or none: put back the ones already gone
            raise

    @override
    def _undo(self, reason: str) -> None:
        for deleted in reversed(self.deleted):
            self.runbooks.restore_step(deleted, reason=reason)
        self.deleted = []


class AddWaits(PlanCommand):
    """A step waits for more steps; a cycle is refused by the service and nothing stays."""

    def __init__(
        self,
        runbooks: RunbookService,
        step_id: int,
        waits_for: Sequence[int],
        report: ErrorReporter,
    ) -> None:
        names = ", ".join(runbooks.label(w) for w in waits_for)
        super().__init__(f"{runbooks.label(step_id)} waits for {names}", report)
        self.runbooks, self.step_id, self.waits_for = runbooks, step_id, list(waits_for)

    @override
    def _do(self, reason: str) -> None:
        added: list[int] = []
        try:
            for other in self.waits_for:
                self.runbooks.add_link(self.step_id, other, reason=reason)
                added.append(other)
        except GantryError:
            for other in added:
                self.runbooks.remove_link(self.step_id, other, reason=reason)
            raise

    @override
    def _undo(self, reason: str) -> None:
        for other in self.waits_for:
            self.runbooks.remove_link(self.step_id, other, reason=reason)


class RemoveWait(PlanCommand):
    def __init__(
        self, runbooks: RunbookService, step_id: int, waits_for: int, report: ErrorReporter
    ) -> None:
        text = f"{runbooks.label(step_id)} no longer waits for {runbooks.label(waits_for)}"
        super().__init__(text, report)
        self.runbooks, self.step_id, self.waits_for = runbooks, step_id, waits_for

    @override
    def _do(self, reason: str) -> None:
        self.runbooks.remove_link(self.step_id, self.waits_for, reason=reason)

    @override
    def _undo(self, reason: str) -> None:
        self.runbooks.add_link(self.step_id, self.waits_for, reason=reason)


class CreateRunbook(PlanCommand):
    """A runbook or template made by `create` (blank, from a template, or saved as a
    template); undo deletes it, redo restores it with the same ids."""

    def __init__(
        self,
        runbooks: RunbookService,
        create: Callable[[str], int],
        text: str,
        report: ErrorReporter,
    ) -> None:
        super().__init__(text, report)
        self.runbooks, self._create = runbooks, create
        self.runbook_id: int | None = None
        self.deleted: DeletedRunbook | None = None

    @override
    def _do(self, reason: str) -> None:
        if self.deleted is None:
            self.runbook_id = self._create(reason)
        else:
            self.runbooks.restore_runbook(self.deleted, reason=reason)

    @override
    def _undo(self, reason: str) -> None:
        if self.runbook_id is not None:
            self.deleted = self.runbooks.delete_runbook(self.runbook_id, reason=reason)


class SetPlannedStart(PlanCommand):
    """Set a runbook's T0; undo puts the old one back."""

    def __init__(
        self,
        runbooks: RunbookService,
        runbook_id: int,
        planned_start: dt.datetime | None,
        report: ErrorReporter,
    ) -> None:
        super().__init__("Set the runbook's T0", report)
        self.runbooks, self.runbook_id, self.new = runbooks, runbook_id, planned_start
        self.old = runbooks.runbook(runbook_id).planned_start

    @override
    def _do(self, reason: str) -> None:
        self.runbooks.set_planned_start(self.runbook_id, self.new, reason=reason)

    @override
    def _undo(self, reason: str) -> None:
        self.runbooks.set_planned_start(self.runbook_id, self.old, reason=reason)


class SetEnvironment(PlanCommand):
    """Set the environment a runbook runs in; undo puts the old one back."""

    def __init__(
        self,
        runbooks: RunbookService,
        runbook_id: int,
        environment_id: int | None,
        report: ErrorReporter,
    ) -> None:
        super().__init__("Set the runbook's environment", report)
        self.runbooks, self.runbook_id, self.new = runbooks, runbook_id, environment_id
        self.old = runbooks.runbook(runbook_id).environment_id

    @override
    def _do(self, reason: str) -> None:
        self.runbooks.set_environment(self.runbook_id, self.new, reason=reason)

    @override
    def _undo(self, reason: str) -> None:
        self.runbooks.set_environment(self.runbook_id, self.old, reason=reason)


class SetDurations(PlanCommand):
    """Set several steps' planned durations at once (a rehearsal's measured ones)."""

    def __init__(
        self,
        runbooks: RunbookService,
        durations: Mapping[int, int],
        text: str,
        report: ErrorReporter,
    ) -> None:
        super().__init__(text, report)
        self.runbooks, self.new = runbooks, dict(durations)
        self.old: dict[int, int] = {}

    @override
    def _do(self, reason: str) -> None:
        self.old = self.runbooks.set_durations(self.new, reason or self.text())

    @override
    def _undo(self, reason: str) -> None:
        self.runbooks.set_durations(self.old, reason)
