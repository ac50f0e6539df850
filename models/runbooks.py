"""Runbooks: templates and per-release step lists, step dependencies, and the runs of them."""

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

STEP_SECTIONS = ("preparation", "communication", "data_migration", "deploy", "verify", "rollback")
# The parts of a data migration, each its own step in the "data_migration" section.
MIGRATION_PARTS = ("pre_check", "backup", "backup_verify", "migrate", "post_check", "restore")
STEP_OUTCOMES = ("pending", "done", "failed", "skipped")
RUN_KINDS = ("rehearsal", "live")
RUN_STATUSES = ("running", "completed", "failed", "aborted")


class Runbook(Base):
    __tablename__ = "runbooks"
    __table_args__ = (
        CheckConstraint(
            "(is_template AND release_id IS NULL) OR (NOT is_template AND release_id IS NOT NULL)",
            name="template_has_no_release",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A template belongs to no release; a runbook made from it does.
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id"), index=True)
    environment_id: Mapped[int | None] = mapped_column(ForeignKey("environments.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    is_template: Mapped[bool] = mapped_column(default=False)
    # T0: when the first step is planned to start (the change window's opening, typically).
    planned_start: Mapped[dt.datetime | None] = mapped_column(DateTime)


class RunbookStep(Base):
    __tablename__ = "runbook_steps"
    __table_args__ = (
        one_of("section", STEP_SECTIONS),
        one_of("migration_part", MIGRATION_PARTS),
        UniqueConstraint("runbook_id", "position"),
        CheckConstraint("duration_minutes >= 0", name="duration"),
        CheckConstraint("start_offset IS NULL OR start_offset >= 0", name="start_offset"),
        CheckConstraint(
            "start_offset IS NULL OR start_clock = ''", name="one_kind_of_planned_start"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    runbook_id: Mapped[int] = mapped_column(ForeignKey("runbooks.id"), index=True)
    section: Mapped[str] = mapped_column(String(20), default="deploy")
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    owner_role: Mapped[str] = mapped_column(String(120), default="")
    duration_minutes: Mapped[int] = mapped_column(default=0)
    # Planned start "not before": minutes after T0, or a time of day (the first one at or
    # after T0); neither means as soon as the steps it waits for allow.
    start_offset: Mapped[int | None]
    start_clock: Mapped[str] = mapped_column(String(5), default="")  # "HH:MM" or empty
    instructions: Mapped[str] = mapped_column(Text, default="")
    verification: Mapped[str] = mapped_column(Text, default="")
    rollback: Mapped[str] = mapped_column(Text, default="")  # how to undo it, in words
    rollback_step_id: Mapped[int | None] = mapped_column(ForeignKey("runbook_steps.id"), index=True)
    point_of_no_return: Mapped[bool] = mapped_column(default=False)
    migration_part: Mapped[str | None] = mapped_column(String(20))


class RunbookStepLink(Base):
    """A step waits for another to finish; steps without a path between them run in parallel."""

    __tablename__ = "runbook_step_links"
    __table_args__ = (
        UniqueConstraint("step_id", "waits_for_id"),
        CheckConstraint("step_id <> waits_for_id", name="not_itself"),
    )
    __audit_context__ = ("step_id", "waits_for_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("runbook_steps.id"), index=True)
    waits_for_id: Mapped[int] = mapped_column(ForeignKey("runbook_steps.id"), index=True)


class RunbookRun(Base):
    """One rehearsal or live execution of a runbook; its actuals are its step executions."""

    __tablename__ = "runbook_runs"
    __table_args__ = (
        one_of("kind", RUN_KINDS),
        one_of("status", RUN_STATUSES),
        UniqueConstraint("runbook_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    runbook_id: Mapped[int] = mapped_column(ForeignKey("runbooks.id"), index=True)
    number: Mapped[int]  # 1, 2, ... per runbook: what `gantry runbook --run N` names
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="running")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    started_by: Mapped[str] = mapped_column(String(120), default="")


class RunStepExecution(Base):
    """What happened to one step in one run."""

    __tablename__ = "run_step_executions"
    __table_args__ = (
        one_of("outcome", STEP_OUTCOMES),
        UniqueConstraint("run_id", "step_id"),
        CheckConstraint(
            "finished_at IS NULL OR started_at IS NULL OR finished_at >= started_at",
            name="finish_after_start",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runbook_runs.id"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("runbook_steps.id"), index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(20), default="pending")
    reason: Mapped[str] = mapped_column(Text, default="")  # why skipped or failed
    executed_by: Mapped[str] = mapped_column(String(120), default="")
