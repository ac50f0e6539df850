"""Environments a release moves through and the deployments made into them."""

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

ENVIRONMENT_TIERS = ("development", "test", "staging", "production")
DEPLOYMENT_OUTCOMES = ("planned", "in_progress", "succeeded", "failed", "rolled_back")


class Environment(Base):
    __tablename__ = "environments"
    __table_args__ = (one_of("tier", ENVIRONMENT_TIERS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    tier: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    owner: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")


class Deployment(Base):
    __tablename__ = "deployments"
    __table_args__ = (
        one_of("outcome", DEPLOYMENT_OUTCOMES),
        CheckConstraint("window_end >= window_start", name="window_order"),
        CheckConstraint("duration_minutes IS NULL OR duration_minutes >= 0", name="duration"),
        CheckConstraint(
            "actual_end IS NULL OR actual_start IS NULL OR actual_end >= actual_start",
            name="actual_order",
        ),
        CheckConstraint("restore_minutes IS NULL OR restore_minutes >= 0", name="restore"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    environment_id: Mapped[int] = mapped_column(ForeignKey("environments.id"), index=True)
    window_start: Mapped[dt.datetime] = mapped_column(DateTime)
    window_end: Mapped[dt.datetime] = mapped_column(DateTime)
    actual_start: Mapped[dt.datetime | None] = mapped_column(DateTime)
    actual_end: Mapped[dt.datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(20), default="planned")
    # The actual span in minutes, kept by Gantry from actual_start and actual_end.
    duration_minutes: Mapped[int | None]
    # Kept equal to outcome == "rolled_back" (older readers and exports use the flag).
    rolled_back: Mapped[bool] = mapped_column(default=False)
    incident_ref: Mapped[str] = mapped_column(String(80), default="")
    # The incident's time to restore service, as the incident record gives it.
    restore_minutes: Mapped[int | None]
    deployed_by: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
