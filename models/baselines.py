"""Named baselines: a release's scheduled dates kept under a name, to compare the plan with."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Baseline(Base):
    __tablename__ = "baselines"
    __table_args__ = (
        UniqueConstraint("release_id", "name"),
        CheckConstraint("item_count >= 0", name="item_count_not_negative"),
        CheckConstraint("length(dates_digest) = 64", name="digest_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # UTC, stored without a zone (SQLite keeps none), to the second.
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # The dates are not audited row by row (see BaselineDate); these two columns are, so the
    # audit trail still pins what the baseline holds (app.audit.content_digest).
    item_count: Mapped[int] = mapped_column(default=0)
    dates_digest: Mapped[str] = mapped_column(String(64))


class BaselineDate(Base):
    """One item's dates in one baseline."""

    __tablename__ = "baseline_dates"
    # A baseline of a 100,000-item release is 100,000 rows: one audit event each would dwarf
    # the plan. Its baseline's item_count and dates_digest stand for them in the trail.
    __audited__ = False

    baseline_id: Mapped[int] = mapped_column(ForeignKey("baselines.id"), primary_key=True)
    # Indexed on its own too: deleting a work item looks up the baselines that hold it.
    item_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), primary_key=True, index=True)
    start: Mapped[dt.date] = mapped_column(Date)
    finish: Mapped[dt.date] = mapped_column(Date)
