"""Release trains (a cadence and a release template) and the scope exceptions of a frozen
release."""

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

CADENCES = ("weeks", "monthly")
SCOPE_EXCEPTION_KINDS = ("added", "grown")


class Train(Base):
    """A series of releases on a cadence: every N weeks, or monthly on the n-th weekday."""

    __tablename__ = "trains"
    __table_args__ = (
        one_of("cadence", CADENCES),
        CheckConstraint(
            "(cadence = 'weeks' AND every_weeks BETWEEN 1 AND 52) OR "
            "(cadence = 'monthly' AND week_of_month IN (1, 2, 3, 4, -1) "
            "AND weekday BETWEEN 0 AND 6)",
            name="cadence_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    cadence: Mapped[str] = mapped_column(String(10))
    every_weeks: Mapped[int | None]
    week_of_month: Mapped[int | None]  # 1 to 4, or -1 for the last
    weekday: Mapped[int | None]  # Monday 0 to Sunday 6
    # The first release date the cadence counts from (weeks) before any snapping.
    anchor: Mapped[dt.date] = mapped_column(Date)
    # The release template as JSON: milestone offsets, checklist and runbook templates
    # (app.trains.ReleaseTemplate reads and writes it).
    template: Mapped[str] = mapped_column(Text, default="{}")


class ScopeException(Base):
    """Work added to, or grown in, a release after its feature freeze under an approved
    change request."""

    __tablename__ = "scope_exceptions"
    __table_args__ = (one_of("kind", SCOPE_EXCEPTION_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    change_request_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id"), index=True)
    # The key, not the row: the item may be removed later and the exception stays on record.
    item_key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))
    old_duration: Mapped[int | None]
    new_duration: Mapped[int]
    day: Mapped[dt.date] = mapped_column(Date)  # the plan's "today" when it was made
