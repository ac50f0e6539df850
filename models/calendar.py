"""Calendar entries: holidays, freezes, blackouts and change windows (plan-wide or per env)."""

import datetime as dt

from sqlalchemy import CheckConstraint, Date, Dialect, ForeignKey, String, Time, TypeDecorator
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

CALENDAR_KINDS = ("holiday", "freeze", "blackout", "change_window")
# NULL reads as "none": entries made before times existed are whole days, once.
RECURRENCES = ("none", "weekly", "monthly")


class WeekdaySet(TypeDecorator[frozenset[int]]):
    """A set of weekday numbers (0 = Monday) kept as text such as "1,5"; empty is NULL."""

    impl = String(20)
    cache_ok = True

    def process_bind_param(self, value: frozenset[int] | None, dialect: Dialect) -> str | None:
        return ",".join(str(d) for d in sorted(value)) if value else None

    def process_result_value(self, value: str | None, dialect: Dialect) -> frozenset[int]:
        return frozenset(int(d) for d in value.split(",")) if value else frozenset()


class CalendarEntry(Base):
    __tablename__ = "calendar_entries"
    __table_args__ = (
        one_of("kind", CALENDAR_KINDS),
        CheckConstraint("end_date >= start_date", name="end_after_start"),
        one_of("recurrence", RECURRENCES),
        CheckConstraint(
            "month_week IS NULL OR month_week IN (1, 2, 3, 4, 5, -1)", name="month_week"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    # NULL means the entry applies to the whole plan.
    environment_id: Mapped[int | None] = mapped_column(ForeignKey("environments.id"), index=True)
    # A timed window (app/window_times.py): NULL times mean whole days. An end time at or
    # before the start time ends on the next day ("22:00-02:00").
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    recurrence: Mapped[str | None] = mapped_column(String(10))
    # Empty is kept as NULL (older entries have none), read back as an empty set.
    weekdays: Mapped[frozenset[int]] = mapped_column(WeekdaySet, nullable=True, default=frozenset())
    month_week: Mapped[int | None]  # monthly: 1 to 5, or -1 for the last
    time_zone: Mapped[str | None] = mapped_column(String(64))  # IANA name; NULL: the plan's
