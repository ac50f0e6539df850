"""calendar entries gain clock times, a recurrence and a time zone

Revision ID: 0013
Revises: 0011
Create Date: 2027-03-01 09:00:00

Every column is nullable and starts NULL, which reads as before: a whole-day entry that does
not recur, in the plan's time zone. No row changes, so the audit trail has nothing to record.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_time", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("end_time", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("recurrence", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("weekdays", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("month_week", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
        batch_op.create_check_constraint(
            "recurrence", "recurrence IN ('none', 'weekly', 'monthly')"
        )
        batch_op.create_check_constraint(
            "month_week", "month_week IS NULL OR month_week IN (1, 2, 3, 4, 5, -1)"
        )


def downgrade() -> None:
    with op.batch_alter_table("calendar_entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_calendar_entries_month_week"), type_="check")
        batch_op.drop_constraint(op.f("ck_calendar_entries_recurrence"), type_="check")
        for column in ("time_zone", "month_week", "weekdays", "recurrence", "end_time"):
            batch_op.drop_column(column)
        batch_op.drop_column("start_time")
