"""Checklists (templates and per-release instances) such as go/no-go and readiness reviews."""

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

CHECKLIST_KINDS = ("go_no_go", "readiness", "post_release")
CHECK_STATUSES = ("open", "yes", "no", "not_applicable")


class Checklist(Base):
    __tablename__ = "checklists"
    __table_args__ = (one_of("kind", CHECKLIST_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL release with is_template set: a template that instances are copied from.
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id"), index=True)
    is_template: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))


class ChecklistItem(Base):
    __tablename__ = "checklist_items"
    __table_args__ = (
        one_of("status", CHECK_STATUSES),
        UniqueConstraint("checklist_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    owner_role: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    checked_by: Mapped[str] = mapped_column(String(120), default="")
    checked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    comment: Mapped[str] = mapped_column(Text, default="")
