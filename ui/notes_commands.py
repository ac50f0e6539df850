"""Undo commands of the Release notes tab: each calls app.release_notes or app.communications
and undoes with what the first call returned (the drafted ids, an old mark), never a snapshot."""

from __future__ import annotations

import datetime as dt
from typing import Any

from typing_extensions import override

from app.communications import CommunicationService
from app.release_notes import CATEGORY_LABELS, NoteService
from ui.commands import PlanCommand
from ui.error_report import ErrorReporter


class DraftNotes(PlanCommand):
    """Entries drafted from the release's marked work items; undo deletes them, redo puts the
    same rows back."""

    def __init__(self, notes: NoteService, release_id: int, report: ErrorReporter) -> None:
        super().__init__("Draft release notes from work items", report)
        self.notes, self.release_id = notes, release_id
        self.created: list[int] = []
        self._removed: list[dict[str, Any]] | None = None

    @override
    def _do(self, reason: str) -> None:
        if self._removed is None:
            self.created = self.notes.generate(self.release_id, reason=reason)
            count = len(self.created)
            self.setText(f"Draft {count} release note{'' if count == 1 else 's'} from work items")
        else:
            self.notes.put_back(self._removed, reason=reason)
            self._removed = None

    @override
    def _undo(self, reason: str) -> None:
        self._removed = self.notes.remove(self.created, reason=reason)


class MoveNote(PlanCommand):
    """An entry moved up or down within its category; undo moves it back."""

    def __init__(self, notes: NoteService, note_id: int, step: int, report: ErrorReporter) -> None:
        direction = "up" if step < 0 else "down"
        super().__init__(f"Move {notes.records.label(note_id)} {direction}", report)
        self.notes, self.note_id, self.step = notes, note_id, step

    @override
    def _do(self, reason: str) -> None:
        self.notes.move(self.note_id, self.step, reason=reason)

    @override
    def _undo(self, reason: str) -> None:
        self.notes.move(self.note_id, -self.step, reason=reason)


class MarkForNotes(PlanCommand):
    """A work item marked with a notes category (or unmarked); undo puts the old mark back."""

    def __init__(
        self,
        notes: NoteService,
        item_id: int,
        key: str,
        category: str | None,
        report: ErrorReporter,
    ) -> None:
        label = CATEGORY_LABELS[category].lower() if category else "not in the notes"
        super().__init__(f"Mark {key} for the notes: {label}", report)
        self.notes, self.item_id, self.category = notes, item_id, category
        self.old: str | None = None

    @override
    def _do(self, reason: str) -> None:
        self.old = self.notes.set_mark(self.item_id, self.category, reason=reason)

    @override
    def _undo(self, reason: str) -> None:
        self.notes.set_mark(self.item_id, self.old, reason=reason)


class MarkSent(PlanCommand):
    """A communication marked sent (who, when) or not sent; undo puts the old mark back."""

    def __init__(
        self,
        comms: CommunicationService,
        comm_id: int,
        by: str,
        at: dt.datetime | None,
        report: ErrorReporter,
    ) -> None:
        verb = "Mark sent" if at is not None else "Mark not sent"
        super().__init__(f"{verb}: {comms.records.label(comm_id)}", report)
        self.comms, self.comm_id, self.by, self.at = comms, comm_id, by, at
        self.old: tuple[dt.datetime | None, str] = (None, "")

    @override
    def _do(self, reason: str) -> None:
        self.old = self.comms.mark_done(self.comm_id, self.by, self.at, reason=reason)

    @override
    def _undo(self, reason: str) -> None:
        at, by = self.old
        self.comms.mark_done(self.comm_id, by, at, reason=reason)
