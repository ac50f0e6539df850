"""Test-only revision: rebuilds work_items, then fails, so everything must be rolled back."""

import sqlalchemy as sa
from alembic import op

from app import schema

revision = "t_fail_midway"
# On top of the product's newest revision, whichever that is when the test runs.
down_revision = schema.head_revision()
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_items", recreate="always") as batch:
        batch.add_column(sa.Column("rebuilt", sa.Integer(), nullable=True))
    op.execute("UPDATE work_items SET no_such_column = 1")


def downgrade() -> None:
    with op.batch_alter_table("work_items", recreate="always") as batch:
        batch.drop_column("rebuilt")
