"""release trains, a release's train and scope lock mark, scope exceptions

Revision ID: 0009
Revises: 0008
Create Date: 2027-02-10 09:00:00

A train is a cadence (every N weeks, or monthly on the n-th weekday) and a release template
(JSON); a release may belong to one. `releases.scope_locked_on` marks the day the scope lock
first acted on a release after its feature freeze, and `scope_exceptions` records work added
or grown after the freeze under an approved change request. Nothing existing changes, so
nothing is written to the audit trail.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("cadence", sa.String(length=10), nullable=False),
        sa.Column("every_weeks", sa.Integer(), nullable=True),
        sa.Column("week_of_month", sa.Integer(), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("anchor", sa.Date(), nullable=False),
        sa.Column("template", sa.Text(), nullable=False),
        sa.CheckConstraint("cadence IN ('weeks', 'monthly')", name=op.f("ck_trains_cadence")),
        sa.CheckConstraint(
            "(cadence = 'weeks' AND every_weeks BETWEEN 1 AND 52) OR "
            "(cadence = 'monthly' AND week_of_month IN (1, 2, 3, 4, -1) "
            "AND weekday BETWEEN 0 AND 6)",
            name=op.f("ck_trains_cadence_complete"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trains")),
        sa.UniqueConstraint("name", name=op.f("uq_trains_name")),
    )
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("train_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("scope_locked_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_releases_train_id"), ["train_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_releases_train_id_trains"), "trains", ["train_id"], ["id"]
        )
    op.create_table(
        "scope_exceptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("change_request_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("old_duration", sa.Integer(), nullable=True),
        sa.Column("new_duration", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.CheckConstraint("kind IN ('added', 'grown')", name=op.f("ck_scope_exceptions_kind")),
        sa.ForeignKeyConstraint(
            ["change_request_id"],
            ["change_requests.id"],
            name=op.f("fk_scope_exceptions_change_request_id_change_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_scope_exceptions_release_id_releases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scope_exceptions")),
    )
    with op.batch_alter_table("scope_exceptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scope_exceptions_change_request_id"), ["change_request_id"]
        )
        batch_op.create_index(batch_op.f("ix_scope_exceptions_release_id"), ["release_id"])


def downgrade() -> None:
    op.drop_table("scope_exceptions")
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_releases_train_id_trains"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_releases_train_id"))
        batch_op.drop_column("scope_locked_on")
        batch_op.drop_column("train_id")
    op.drop_table("trains")
