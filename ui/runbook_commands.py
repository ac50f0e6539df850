"""Undo commands of the Runbook tab: moving a step, and taking a rehearsal's durations."""

from __future__ import annotations

from collections.abc import Mapping

from typing_extensions import override

from app.runbooks import RunbookService
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
