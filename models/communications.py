"""A release's communication plan: who is told what, through which channel, and when."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

COMM_AUDIENCES = ("internal", "customers", "support", "operations")
COMM_CHANNELS = ("email", "status_page", "chat", "meeting", "newsletter", "in_app")
# The release date a communication is counted from, or a milestone work item.
COMM_ANCHORS = ("start", "feature_freeze", "code_freeze", "target", "milestone")
DAY_BASES = ("working", "calendar")


class Communication(Base):
    __tablename__ = "communications"
    __table_args__ = (
        one_of("audience", COMM_AUDIENCES),
        one_of("channel", COMM_CHANNELS),
        one_of("anchor", COMM_ANCHORS),
        one_of("day_basis", DAY_BASES),
        CheckConstraint(
            "anchor != 'milestone' OR milestone_id IS NOT NULL", name="milestone_named"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(20), default="customers")
    channel: Mapped[str] = mapped_column(String(20), default="email")
    owner: Mapped[str] = mapped_column(String(120), default="")
    template: Mapped[str] = mapped_column(Text, default="")
    anchor: Mapped[str] = mapped_column(String(20), default="target")
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_items.id", ondelete="SET NULL"), index=True
    )
    # Days after the anchor; negative is before it ("2 days before GA" is -2).
    offset_days: Mapped[int] = mapped_column(default=0)
    day_basis: Mapped[str] = mapped_column(String(10), default="working")
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    done_by: Mapped[str] = mapped_column(String(120), default="")
