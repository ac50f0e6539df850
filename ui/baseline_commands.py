"""Undo commands for baselines: set, rename and delete, one undo step each."""

from __future__ import annotations

from typing_extensions import override

from app.baselines import BaselineService, DeletedBaseline
from ui.commands import PlanCommand
from ui.error_report import ErrorReporter


class SetBaseline(PlanCommand):
    """Keep a release's scheduled dates under a name; undo deletes the baseline, and redo puts
    the same one back (the dates it first took, not those of the moment of the redo)."""

    def __init__(
        self,
        baselines: BaselineService,
        release_id: int,
        release_name: str,
        name: str,
        report: ErrorReporter,
    ) -> None:
        super().__init__(f"Set baseline “{name.strip()}” of {release_name}", report)
        self.baselines = baselines
        self.release_id, self.name = release_id, name
        self.baseline_id: int | None = None
        self._deleted: DeletedBaseline | None = None

    @override
    def _do(self, reason: str) -> None:
        if self._deleted is None:
            self.baseline_id = self.baselines.create(self.release_id, self.name, reason=reason)
        else:
            self.baselines.restore(self._deleted, reason=reason)
            self._deleted = None

    @override
    def _undo(self, reason: str) -> None:
        assert self.baseline_id is not None
        self._deleted = self.baselines.delete(self.baseline_id, reason=reason)


class RenameBaseline(PlanCommand):
    """Give a baseline another name; undo puts the old one back."""

    def __init__(
        self, baselines: BaselineService, baseline_id: int, name: str, report: ErrorReporter
    ) -> None:
        self.old = baselines.label(baseline_id)
        super().__init__(f"Rename baseline “{self.old}” to “{name.strip()}”", report)
        self.baselines = baselines
        self.baseline_id, self.new = baseline_id, name

    @override
    def _do(self, reason: str) -> None:
        self.baselines.rename(self.baseline_id, self.new, reason=reason)

    @override
    def _undo(self, reason: str) -> None:
        self.baselines.rename(self.baseline_id, self.old, reason=reason)


class DeleteBaseline(PlanCommand):
    """Delete a baseline with its dates; undo puts it back with its id, time and dates."""

    def __init__(self, baselines: BaselineService, baseline_id: int, report: ErrorReporter) -> None:
        super().__init__(f"Delete baseline “{baselines.label(baseline_id)}”", report)
        self.baselines = baselines
        self.baseline_id = baseline_id
        self._deleted: DeletedBaseline | None = None

    @override
    def _do(self, reason: str) -> None:
        self._deleted = self.baselines.delete(self.baseline_id, reason=reason)

    @override
    def _undo(self, reason: str) -> None:
        assert self._deleted is not None
        self.baselines.restore(self._deleted, reason=reason)
        self._deleted = None
