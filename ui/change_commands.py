"""Undo commands of change control: a workflow move, a signed decision, what a change touches."""

from __future__ import annotations

import datetime as dt

from typing_extensions import override

from app.changes import ChangeService, Decided
from ui.commands import PlanCommand
from ui.error_report import ErrorReporter


class MoveChange(PlanCommand):
    """Move a change along the workflow; undo puts its status back."""

    def __init__(
        self, changes: ChangeService, change_id: int, target: str, label: str, report: ErrorReporter
    ) -> None:
        super().__init__(f"{label} {changes.label(change_id)}", report)
        self.changes, self.change_id, self.target = changes, change_id, target
        self.old: str | None = None
        self.new: str | None = None

    @override
    def _do(self, reason: str) -> None:
        if self.old is None:
            self.old = self.changes.move(self.change_id, self.target, reason)
            self.new = str(self.changes.row(self.change_id).status)
        else:
            assert self.new is not None
            self.changes.put_back(self.change_id, self.new, reason)

    @override
    def _undo(self, reason: str) -> None:
        assert self.old is not None
        self.changes.put_back(self.change_id, self.old, reason)


class DecideChange(PlanCommand):
    """A decision signed with the approver's PIN; undo withdraws it (and the status it
    moved), redo brings back the same signature."""

    def __init__(
        self,
        changes: ChangeService,
        change_id: int,
        approver: str,
        pin: str,
        role: str,
        decision: str,
        meaning: str,
        comment: str,
        at: dt.datetime,
        report: ErrorReporter,
    ) -> None:
        super().__init__(f"Decision by {approver.strip()} on {changes.label(change_id)}", report)
        self.changes = changes
        self._sign = (change_id, approver, pin, role, decision, meaning, comment, at)
        self.decided: Decided | None = None

    @override
    def _do(self, reason: str) -> None:
        if self.decided is None:
            self.decided = self.changes.decide(*self._sign)
            self._sign = (*self._sign[:2], "", *self._sign[3:])  # the PIN is not kept
        else:
            self.changes.reinstate(self.decided, reason)

    @override
    def _undo(self, reason: str) -> None:
        assert self.decided is not None
        self.changes.withdraw(self.decided, reason)


class SetChangeLinks(PlanCommand):
    """Set the components and environments a change touches; undo sets the old ones."""

    def __init__(
        self,
        changes: ChangeService,
        change_id: int,
        components: frozenset[int],
        environments: frozenset[int],
        report: ErrorReporter,
    ) -> None:
        super().__init__(f"Set what {changes.label(change_id)} touches", report)
        self.changes, self.change_id = changes, change_id
        self.new = (components, environments)
        self.old: tuple[frozenset[int], frozenset[int]] | None = None

    @override
    def _do(self, reason: str) -> None:
        self.old = self.changes.set_links(self.change_id, *self.new, reason)

    @override
    def _undo(self, reason: str) -> None:
        assert self.old is not None
        self.changes.set_links(self.change_id, *self.old, reason)
