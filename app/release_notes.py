"""Release notes: entries per release by category and audience, drafted from marked work items.

A work item marked with a notes category (`WorkItem.notes_category`) is drafted into its
release's notes by `generate`, once: the entry is then the release manager's text (engineering
titles get rewritten for customers), tied to the item for its key. Hand-written entries sit
beside the drafted ones. An internal entry (a known issue support must know) shows in the
internal notes only; the external notes are what customers read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.fields import Field, FieldKind, FieldSet, choices
from app.plan_state import PlanState
from app.records import Record, RecordService, RecordType
from app.unit_of_work import UnitOfWork
from models import ReleaseNote, WorkItem
from models.notes import NOTE_AUDIENCES, NOTE_CATEGORIES

# The order a reader needs them in: what breaks their setup first, what may bite them last.
CATEGORY_ORDER = ("breaking", "security", "feature", "improvement", "fix", "known_issue")
CATEGORY_TITLES = {
    "breaking": "Breaking changes",
    "security": "Security",
    "feature": "Features",
    "improvement": "Improvements",
    "fix": "Fixes",
    "known_issue": "Known issues",
}
CATEGORY_LABELS = {
    "breaking": "Breaking change",
    "security": "Security",
    "feature": "Feature",
    "improvement": "Improvement",
    "fix": "Fix",
    "known_issue": "Known issue",
}
AUDIENCE_LABELS = {"external": "Customers", "internal": "Internal only"}
AUDIENCES = ("internal", "external")  # of a document: internal shows every entry

NOTE_FIELDS = FieldSet(
    "release_notes",
    "release note",
    (
        Field(
            "release_id",
            "Release",
            FieldKind.REFERENCE,
            required=True,
            reference="releases",
        ),
        Field(
            "category",
            "Category",
            FieldKind.CHOICE,
            required=True,
            choices=choices(CATEGORY_ORDER, CATEGORY_LABELS),
        ),
        Field(
            "audience",
            "Audience",
            FieldKind.CHOICE,
            required=True,
            choices=choices(NOTE_AUDIENCES, AUDIENCE_LABELS),
            tip="Internal entries show in the internal notes only, never in the customers'",
        ),
        Field("title", "Title", required=True, max_length=300),
        Field("body", "Text", FieldKind.MULTILINE, tip="A sentence or two for the reader"),
        Field("position", "Order", FieldKind.INT, minimum=0, tip="Order within the category"),
        Field(
            "work_item_id",
            "Work item",
            FieldKind.INT,
            computed=True,
            tip="The work item this entry was drafted from",
        ),
    ),
)

RELEASE_NOTES = RecordType(
    fields=NOTE_FIELDS,
    model=ReleaseNote,
    order_by=("release_id", "position"),
    title=lambda record: f"“{record.title}”",
    defaults={"category": "feature", "audience": "external", "body": "", "position": 0},
)


@dataclass(frozen=True, slots=True)
class NoteEntry:
    """One entry as a document shows it."""

    id: int
    category: str
    audience: str
    title: str
    body: str
    key: str  # of the work item it was drafted from, "" for a hand-written entry
    position: int


@dataclass(frozen=True, slots=True)
class NotesSection:
    category: str
    title: str
    entries: tuple[NoteEntry, ...]


@dataclass(frozen=True, slots=True)
class NotesDocument:
    """A release's notes for one audience, ready to render (Markdown, HTML, PDF, preview)."""

    plan: str
    release: str
    version: str
    target: dt.date | None
    audience: str
    sections: tuple[NotesSection, ...]

    @property
    def heading(self) -> str:
        name = f"{self.release} ({self.version})" if self.version else self.release
        return f"Release notes — {name}"

    @property
    def entry_count(self) -> int:
        return sum(len(s.entries) for s in self.sections)

    def describe(self) -> str:
        who = "internal" if self.audience == "internal" else "external"
        count = self.entry_count
        return f"{count} {'entry' if count == 1 else 'entries'}, {who} audience"


@dataclass(frozen=True, slots=True)
class MarkedItem:
    """A work item marked for the notes that has no entry yet."""

    id: int
    key: str
    name: str
    category: str


def ordered(entries: Sequence[NoteEntry], audience: str) -> tuple[NotesSection, ...]:
    """Entries grouped by category in CATEGORY_ORDER, each by its order; the external
    audience leaves out internal entries, and an empty category is left out."""
    if audience not in AUDIENCES:
        raise ValidationError(f"The audience is internal or external, not {audience!r}")
    shown = [e for e in entries if audience == "internal" or e.audience == "external"]
    sections = []
    for category in CATEGORY_ORDER:
        mine = sorted(
            (e for e in shown if e.category == category), key=lambda e: (e.position, e.id)
        )
        if mine:
            sections.append(NotesSection(category, CATEGORY_TITLES[category], tuple(mine)))
    return tuple(sections)


def detach_notes(session: Session, item_ids: Sequence[int]) -> list[tuple[int, int]]:
    """Untie the entries drafted from items about to be deleted (their text stays in the
    notes), through the ORM so the trail records it; returns (entry, item) pairs for
    reattach_notes (undo)."""
    notes = session.scalars(select(ReleaseNote).where(ReleaseNote.work_item_id.in_(item_ids))).all()
    tied = [(note.id, int(note.work_item_id)) for note in notes if note.work_item_id is not None]
    for note in notes:
        note.work_item_id = None
    return tied


def reattach_notes(session: Session, tied: Sequence[tuple[int, int]]) -> None:
    """Tie entries to their items again (the items are back already)."""
    for note_id, item_id in tied:
        note = session.get(ReleaseNote, note_id)
        if note is not None:  # deleted meanwhile: nothing to tie
            note.work_item_id = item_id


class NoteService:
    """A plan's release notes: the generic record editing plus drafting, marking and order."""

    def __init__(self, state: PlanState, uow: UnitOfWork) -> None:
        self._state = state
        self._uow = uow
        self.records = RecordService(uow, RELEASE_NOTES)

    @property
    def read_only(self) -> bool:
        return self._uow.read_only

    def close(self) -> None:
        self.records.close()

    # -- reading ---------------------------------------------------------------------------

    def release_id(self, name: str | None) -> int:
        """A release by name or version (default: the first in progress, else the first)."""
        releases = [self._state.releases[i] for i in self._state.release_order]
        if not releases:
            raise ValidationError("The plan has no releases, so it has no release notes")
        if name is None:
            going = [r for r in releases if r.status == "in_progress"]
            return (going or releases)[0].id
        for release in releases:
            if name in (release.name, release.version):
                return release.id
        known = ", ".join(r.name for r in releases)
        raise ValidationError(f"No release is named {name!r} (the plan has: {known})")

    def rows(self, release_id: int) -> list[Record]:
        return [r for r in self.records.rows() if r.release_id == release_id]

    def entries(self, release_id: int) -> list[NoteEntry]:
        keys = {
            r.work_item_id: self._state.items[r.work_item_id].key
            for r in self.rows(release_id)
            if r.work_item_id is not None and r.work_item_id in self._state.items
        }
        return [
            NoteEntry(
                r.id,
                r.category,
                r.audience,
                r.title,
                r.body,
                keys.get(r.work_item_id, ""),
                r.position,
            )
            for r in self.rows(release_id)
        ]

    def document(self, release_id: int, audience: str, plan_name: str = "") -> NotesDocument:
        release = self._state.releases[release_id]
        return NotesDocument(
            plan_name,
            release.name,
            release.version,
            release.target_date,
            audience,
            ordered(self.entries(release_id), audience),
        )

    def next_position(self, release_id: int, category: str) -> int:
        taken = [r.position for r in self.rows(release_id) if r.category == category]
        return max(taken, default=-1) + 1

    def marked_items(self, release_id: int) -> list[MarkedItem]:
        """Items of the release marked for the notes that no entry was drafted from yet."""
        drafted = {r.work_item_id for r in self.records.rows() if r.work_item_id is not None}
        with self._uow.store.read() as session:
            found = session.execute(
                select(WorkItem.id, WorkItem.key, WorkItem.name, WorkItem.notes_category)
                .where(WorkItem.release_id == release_id, WorkItem.notes_category.is_not(None))
                .order_by(WorkItem.position, WorkItem.id)
            ).all()
        return [MarkedItem(i, k, n, c) for i, k, n, c in found if i not in drafted]

    def mark(self, item_id: int) -> str | None:
        """An item's notes category (None: not marked)."""
        with self._uow.store.read() as session:
            category: str | None = session.execute(
                select(WorkItem.notes_category).where(WorkItem.id == item_id)
            ).scalar_one()
        return category

    # -- editing ---------------------------------------------------------------------------

    def set_mark(self, item_id: int, category: str | None, reason: str = "") -> str | None:
        """Mark a work item for the notes (None unmarks it); returns the old mark."""
        if category is not None and category not in NOTE_CATEGORIES:
            raise ValidationError(f"{category!r} is not a release-notes category")
        if item_id not in self._state.items:
            raise ValidationError(f"Work item #{item_id} is no longer in the plan")
        old = self.mark(item_id)

        def apply(session: Session) -> None:
            session.get_one(WorkItem, item_id).notes_category = category

        key = self._state.items[item_id].key
        verb = f"Mark {key} for the notes" if category else f"Unmark {key} for the notes"
        self._uow.run(reason or verb, apply)
        return old

    def generate(self, release_id: int, reason: str = "") -> list[int]:
        """Draft an entry from every marked item of the release that has none yet, after the
        entries of its category; returns the new entries' ids (none: nothing was marked)."""
        marked = self.marked_items(release_id)
        if not marked:
            return []
        created: list[int] = []

        def apply(session: Session) -> None:
            next_at: dict[str, int] = {}
            for item in marked:
                if item.category not in next_at:
                    next_at[item.category] = self._max_position(session, release_id, item.category)
                next_at[item.category] += 1
                note = ReleaseNote(
                    release_id=release_id,
                    work_item_id=item.id,
                    category=item.category,
                    audience="external",
                    title=item.name,
                    body="",
                    position=next_at[item.category],
                )
                session.add(note)
                session.flush()
                created.append(note.id)

        self._uow.run(reason or f"Draft {len(marked)} release notes from work items", apply)
        return created

    @staticmethod
    def _max_position(session: Session, release_id: int, category: str) -> int:
        found = session.execute(
            select(func.max(ReleaseNote.position)).where(
                ReleaseNote.release_id == release_id, ReleaseNote.category == category
            )
        ).scalar_one_or_none()
        return -1 if found is None else int(found)

    def remove(self, note_ids: Sequence[int], reason: str = "") -> list[dict[str, Any]]:
        """Delete several entries in one unit of work; returns what `put_back` restores."""
        captured: list[dict[str, Any]] = []
        columns = [c.key for c in ReleaseNote.__table__.columns]

        def apply(session: Session) -> None:
            for note_id in note_ids:
                note = session.get_one(ReleaseNote, note_id)
                captured.append({c: getattr(note, c) for c in columns})
                session.delete(note)

        self._uow.run(reason or "Delete release notes", apply)
        return captured

    def put_back(self, values: Sequence[Mapping[str, Any]], reason: str = "") -> None:
        def apply(session: Session) -> None:
            for row in values:
                session.add(ReleaseNote(**row))

        self._uow.run(reason or "Restore release notes", apply)

    def move(self, note_id: int, step: int, reason: str = "") -> bool:
        """Move an entry `step` places up (negative) or down within its category; False when
        it is already at that end. The category is numbered 0, 1, 2… in its new order."""
        note = self.records.row(note_id)
        siblings = sorted(
            (r for r in self.rows(note.release_id) if r.category == note.category),
            key=lambda r: (r.position, r.id),
        )
        order = [r.id for r in siblings]
        at = order.index(note_id)
        to = at + step
        if not 0 <= to < len(order):
            return False
        order.insert(to, order.pop(at))

        def apply(session: Session) -> None:
            for position, sibling_id in enumerate(order):
                row = session.get_one(ReleaseNote, sibling_id)
                if row.position != position:
                    row.position = position

        self._uow.run(reason or f"Move release note {note.title}", apply)
        return True
