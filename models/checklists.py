"""Checklists (templates and per-release instances), their sections and items, and the
go/no-go decisions recorded against them."""

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

CHECKLIST_KINDS = ("go_no_go", "readiness", "security_review", "post_release")
# open and blocked are unresolved; done and not_applicable are resolved.
CHECK_STATUSES = ("open", "done", "not_applicable", "blocked")
REQUIREMENTS = ("required", "optional")
EVIDENCE_KINDS = ("text", "link", "file")
# The release dates an item's due date can count from (columns of releases).
DUE_MILESTONES = ("start_date", "feature_freeze", "code_freeze", "target_date")
DECISIONS = ("go", "no_go", "go_with_exceptions")


class Checklist(Base):
    __tablename__ = "checklists"
    __table_args__ = (one_of("kind", CHECKLIST_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL release with is_template set: a template that instances are copied from.
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id"), index=True)
    is_template: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    # The roles whose decision a go/no-go needs, separated by "; " (e.g. "Release manager").
    deciders: Mapped[str] = mapped_column(String(400), default="")


class ChecklistSection(Base):
    __tablename__ = "checklist_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"), index=True)
    # Not unique: a reorder renumbers several rows in one flush, in no guaranteed order.
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))


class ChecklistItem(Base):
    __tablename__ = "checklist_items"
    __table_args__ = (
        one_of("status", CHECK_STATUSES),
        one_of("requirement", REQUIREMENTS),
        one_of("evidence_kind", EVIDENCE_KINDS),
        one_of("due_milestone", DUE_MILESTONES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The section's checklist, kept beside the section so a checklist's items are one lookup.
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("checklist_sections.id"), index=True)
    position: Mapped[int]  # within the section
    text: Mapped[str] = mapped_column(Text)
    owner_role: Mapped[str] = mapped_column(String(120), default="")
    owner: Mapped[str] = mapped_column(String(120), default="")
    requirement: Mapped[str] = mapped_column(String(10), default="required")
    # Due `due_offset` working days from the release's `due_milestone` (negative: before).
    due_offset: Mapped[int | None] = mapped_column(Integer)
    due_milestone: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")
    evidence_kind: Mapped[str] = mapped_column(String(10), default="text")
    evidence: Mapped[str] = mapped_column(Text, default="")
    checked_by: Mapped[str] = mapped_column(String(120), default="")
    checked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    comment: Mapped[str] = mapped_column(Text, default="")


class GoNoGoDecision(Base):
    __tablename__ = "go_no_go_decisions"
    __table_args__ = (one_of("decision", DECISIONS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    person: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC, to the second
    reason: Mapped[str] = mapped_column(Text, default="")
