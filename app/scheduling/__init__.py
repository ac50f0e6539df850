"""Working-day calendar and critical-path scheduling over plain data."""

from app.scheduling.calendar import WorkCalendar
from app.scheduling.engine import (
    CycleError,
    ItemDates,
    Kind,
    LinkType,
    ReleaseBounds,
    ReleaseOutcome,
    ScheduleInputError,
    ScheduleItem,
    ScheduleLink,
    ScheduleResult,
    schedule,
)

__all__ = [
    "CycleError",
    "ItemDates",
    "Kind",
    "LinkType",
    "ReleaseBounds",
    "ReleaseOutcome",
    "ScheduleInputError",
    "ScheduleItem",
    "ScheduleLink",
    "ScheduleResult",
    "WorkCalendar",
    "schedule",
]
