"""Undo commands for release trains: a generation and a move are one step each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from typing_extensions import override

from app.trains import Generated, Moved, TrainService
from ui.commands import PlanCommand
from ui.error_report import ErrorReporter

# Makes the releases (again, under the ids of `again` when given); returns what it made.
Generate = Callable[[str, Generated | None], Generated]


class GenerateTrain(PlanCommand):
    """A new train with its first releases, or a train's next releases; undo removes them
    (refused once a release holds something added since), redo makes them under their ids."""

    def __init__(
        self, trains: TrainService, text: str, generate: Generate, report: ErrorReporter
    ) -> None:
        super().__init__(text, report)
        self.trains = trains
        self._generate = generate
        self.generated: Generated | None = None

    @override
    def _do(self, reason: str) -> None:
        self.generated = self._generate(reason, self.generated)

    @override
    def _undo(self, reason: str) -> None:
        assert self.generated is not None
        self.trains.remove(self.generated, reason=reason)


class MoveTrainRelease(PlanCommand):
    """Move a train release's day, alone or with the later releases of its train."""

    def __init__(
        self,
        trains: TrainService,
        release_id: int,
        name: str,
        target: dt.date,
        with_rest: bool,
        report: ErrorReporter,
    ) -> None:
        rest = " and the rest of its train" if with_rest else ""
        super().__init__(f"Move {name}{rest} to {target.isoformat()}", report)
        self.trains = trains
        self.release_id, self.target, self.with_rest = release_id, target, with_rest
        self.moved: Moved | None = None

    @override
    def _do(self, reason: str) -> None:
        self.moved = self.trains.move_release(
            self.release_id, self.target, self.with_rest, reason=reason or self.text()
        )

    @override
    def _undo(self, reason: str) -> None:
        assert self.moved is not None
        self.trains.put_back(self.moved, reason=reason)
