"""Change requests, what they touch, the approvals they collect, who may sign, and the rules
that say which roles a change needs."""

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

CHANGE_CATEGORIES = ("standard", "normal", "emergency")
CHANGE_STATUSES = (
    "draft",
    "submitted",
    "approved",
    "rejected",
    "implemented",
    "closed",
    "cancelled",
)
DECISIONS = ("approved", "approved_with_conditions", "rejected")
# The bands of the 5x5 risk matrix (app/risk_matrix.py scores them), lowest first.
RISK_LEVELS = ("low", "medium", "high", "critical")


class ChangeRequest(Base):
    __tablename__ = "change_requests"
    __table_args__ = (
        one_of("category", CHANGE_CATEGORIES),
        one_of("status", CHANGE_STATUSES),
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
    requested_by: Mapped[str] = mapped_column(String(120), default="")
    window_start: Mapped[dt.datetime | None] = mapped_column(DateTime)
    window_end: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The rollback plan is the rollback section of this runbook; the notes say what else.
    rollback_runbook_id: Mapped[int | None] = mapped_column(ForeignKey("runbooks.id"), index=True)
    rollback_notes: Mapped[str] = mapped_column(Text, default="")


class ChangeComponent(Base):
    """A component a change touches."""

    __tablename__ = "change_components"
    __table_args__ = (UniqueConstraint("change_request_id", "component_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_request_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id"), index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"), index=True)


class ChangeEnvironment(Base):
    """An environment a change is made in."""

    __tablename__ = "change_environments"
    __table_args__ = (UniqueConstraint("change_request_id", "environment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_request_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id"), index=True)
    environment_id: Mapped[int] = mapped_column(ForeignKey("environments.id"), index=True)


class Approval(Base):
    """One signed decision on a change: who, in which role, what, what it means, and when."""

    __tablename__ = "approvals"
    __table_args__ = (
        one_of("decision", DECISIONS),
        UniqueConstraint("change_request_id", "approver"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    change_request_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id"), index=True)
    approver: Mapped[str] = mapped_column(String(120))  # the printed name
    role: Mapped[str] = mapped_column(String(120), default="")
    decision: Mapped[str] = mapped_column(String(30))
    # What the signature means, e.g. "Approved for production deployment" (21 CFR 11 style).
    meaning: Mapped[str] = mapped_column(String(300), default="")
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    comment: Mapped[str] = mapped_column(Text, default="")
    # Given after the change was implemented (an emergency change's after-the-fact approval).
    after_the_fact: Mapped[bool] = mapped_column(default=False)


class Approver(Base):
    """A person who may sign decisions, the roles they hold, and their approval PIN.

    The PIN is kept as a salted scrypt hash; salt and hash stay out of the audit trail (a
    trail is copied into records and reports), `pin_set_at` records each change of PIN.
    """

    __tablename__ = "approvers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    roles: Mapped[str] = mapped_column(String(300), default="")  # "CAB member; Service owner"
    pin_salt: Mapped[str] = mapped_column(String(64), default="", info={"audit": False})
    pin_hash: Mapped[str] = mapped_column(String(128), default="", info={"audit": False})
    pin_set_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ApprovalRule(Base):
    """A change of `category` whose risk is at least `min_level` needs `count` decisions by
    people in `role`; `after_the_fact` lets them come after the change is implemented."""

    __tablename__ = "approval_rules"
    __table_args__ = (
        one_of("category", CHANGE_CATEGORIES),
        one_of("min_level", RISK_LEVELS),
        UniqueConstraint("category", "min_level", "role"),
        CheckConstraint("count BETWEEN 1 AND 5", name="count_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(20))
    min_level: Mapped[str] = mapped_column(String(10), default="low")
    role: Mapped[str] = mapped_column(String(120))
    count: Mapped[int] = mapped_column(default=1)
    after_the_fact: Mapped[bool] = mapped_column(default=False)
