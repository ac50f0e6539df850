"""Change requests and the approvals (with their signed meaning) they collect."""

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

CHANGE_CATEGORIES = ("standard", "normal", "emergency")
CHANGE_STATUSES = ("draft", "submitted", "approved", "rejected", "implemented", "closed")
RISK_LEVELS = ("low", "medium", "high")
DECISIONS = ("pending", "approved", "rejected")


class ChangeRequest(Base):
    __tablename__ = "change_requests"
    __table_args__ = (
        one_of("category", CHANGE_CATEGORIES),
        one_of("status", CHANGE_STATUSES),
        one_of("risk_level", RISK_LEVELS),
        CheckConstraint(
            "window_start IS NULL OR window_end IS NULL OR window_end >= window_start",
            name="window_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20), default="normal")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    risk_level: Mapped[str] = mapped_column(String(10), default="medium")
    requested_by: Mapped[str] = mapped_column(String(120), default="")
    environment_id: Mapped[int | None] = mapped_column(ForeignKey("environments.id"), index=True)
    window_start: Mapped[dt.datetime | None] = mapped_column(DateTime)
    window_end: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Approval(Base):
    __tablename__ = "approvals"
    __table_args__ = (one_of("decision", DECISIONS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_request_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id"), index=True)
    approver: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(120), default="")
    decision: Mapped[str] = mapped_column(String(20), default="pending")
    # What the signature means, e.g. "Approved for production deployment" (21 CFR 11 style).
    meaning: Mapped[str] = mapped_column(String(300), default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    comment: Mapped[str] = mapped_column(Text, default="")
