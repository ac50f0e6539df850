"""Work items (tasks, milestones, phases) and the dependencies between them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import DERIVED, Base, one_of
from models.notes import NOTE_CATEGORIES

if TYPE_CHECKING:
    from models.release import Release

ITEM_KINDS = ("task", "milestone", "phase")
ITEM_STATUSES = ("not_started", "in_progress", "done", "blocked", "cancelled")
LINK_TYPES = ("FS", "SS", "FF", "SF")


class WorkItem(Base):
    __tablename__ = "work_items"
    __audit_subject__ = "id"  # the audit trail files its events under the item itself
    __table_args__ = (
        one_of("kind", ITEM_KINDS),
        one_of("status", ITEM_STATUSES),
        one_of("notes_category", NOTE_CATEGORIES),
        CheckConstraint("duration >= 0", name="duration_not_negative"),
        CheckConstraint("kind != 'milestone' OR duration = 0", name="milestone_has_no_duration"),
        CheckConstraint("percent_complete BETWEEN 0 AND 100", name="percent_range"),
        CheckConstraint("parent_id IS NULL OR parent_id != id", name="not_own_parent"),
        Index("ix_work_items_release_position", "release_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("work_items.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="task")
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    duration: Mapped[int] = mapped_column(default=1)
    not_before: Mapped[dt.date | None] = mapped_column(Date)
    owner: Mapped[str] = mapped_column(String(120), default="")
    component_id: Mapped[int | None] = mapped_column(ForeignKey("components.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    percent_complete: Mapped[int] = mapped_column(default=0)
    actual_start: Mapped[dt.date | None] = mapped_column(Date)
    actual_finish: Mapped[dt.date | None] = mapped_column(Date)
    # The scheduler's last output, kept so other readers of the file see dates without
    # rescheduling; derived, so it is not part of the audit trail.
    scheduled_start: Mapped[dt.date | None] = mapped_column(Date, info=DERIVED)
    scheduled_finish: Mapped[dt.date | None] = mapped_column(Date, info=DERIVED)
    position: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Marked with a release-notes category, the item is drafted into its release's notes.
    notes_category: Mapped[str | None] = mapped_column(String(20))

    release: Mapped[Release] = relationship(back_populates="work_items", lazy="raise_on_sql")
    parent: Mapped[WorkItem | None] = relationship(
        remote_side=[id], back_populates="children", lazy="raise_on_sql"
    )
    children: Mapped[list[WorkItem]] = relationship(
        back_populates="parent", cascade="all, delete-orphan", lazy="raise_on_sql"
    )
    # Links go with the item so that deleting it leaves no dangling dependency (and the audit
    # trail records each removed link).
    successors: Mapped[list[Dependency]] = relationship(
        foreign_keys="Dependency.predecessor_id",
        back_populates="predecessor",
        cascade="all, delete-orphan",
        lazy="raise_on_sql",
    )
    predecessors: Mapped[list[Dependency]] = relationship(
        foreign_keys="Dependency.successor_id",
        back_populates="successor",
        cascade="all, delete-orphan",
        lazy="raise_on_sql",
    )


class Dependency(Base):
    __tablename__ = "dependencies"
    __audit_subject__ = "successor_id"  # a link's changes show in its successor's history
    # An update records these even when unchanged, so it reads as "A-3FS -> A-3SS+2".
    __audit_context__ = ("predecessor_id", "successor_id", "type", "lag")
    __table_args__ = (
        one_of("type", LINK_TYPES),
        UniqueConstraint("predecessor_id", "successor_id"),
        CheckConstraint("predecessor_id != successor_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), index=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), index=True)
    type: Mapped[str] = mapped_column(String(2), default="FS")
    lag: Mapped[int] = mapped_column(default=0)

    predecessor: Mapped[WorkItem] = relationship(
        foreign_keys=[predecessor_id], back_populates="successors", lazy="raise_on_sql"
    )
    successor: Mapped[WorkItem] = relationship(
        foreign_keys=[successor_id], back_populates="predecessors", lazy="raise_on_sql"
    )
