"""Calendar entries: holidays, freezes, blackouts and change windows (plan-wide or per env)."""

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

CALENDAR_KINDS = ("holiday", "freeze", "blackout", "change_window")


class CalendarEntry(Base):
    __tablename__ = "calendar_entries"
    __table_args__ = (
        one_of("kind", CALENDAR_KINDS),
        CheckConstraint("end_date >= start_date", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    # NULL means the entry applies to the whole plan.
    environment_id: Mapped[int | None] = mapped_column(ForeignKey("environments.id"), index=True)
