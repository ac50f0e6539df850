"""A release: the unit a release manager plans, freezes, ships and records."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, one_of

if TYPE_CHECKING:
    from models.work import WorkItem

RELEASE_STATUSES = ("planned", "in_progress", "shipped", "cancelled")


class Release(Base):
    __tablename__ = "releases"
    __table_args__ = (
        one_of("status", RELEASE_STATUSES),
        CheckConstraint(
            "target_date IS NULL OR start_date IS NULL OR target_date >= start_date",
            name="target_after_start",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    version: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    feature_freeze: Mapped[dt.date | None] = mapped_column(Date)
    code_freeze: Mapped[dt.date | None] = mapped_column(Date)
    target_date: Mapped[dt.date | None] = mapped_column(Date)
    actual_date: Mapped[dt.date | None] = mapped_column(Date)
    owner: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    train_id: Mapped[int | None] = mapped_column(ForeignKey("trains.id"), index=True)
    # The plan's "today" when the scope lock first acted on the release (its feature freeze
    # had passed): the trail's events after the one that set it are its scope changes.
    scope_locked_on: Mapped[dt.date | None] = mapped_column(Date)

    work_items: Mapped[list[WorkItem]] = relationship(
        back_populates="release", cascade="all, delete-orphan", lazy="raise_on_sql"
    )
