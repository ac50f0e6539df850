"""Test-only revision: rebuild work_items (copy, drop, rename) as a batch migration does."""

import sqlalchemy as sa
from alembic import op

from app import schema

revision = "t_rebuild_work_items"
# On top of the product's newest revision, whichever that is when the test runs.
down_revision = schema.head_revision()
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_items", recreate="always") as batch:
        batch.add_column(sa.Column("rebuilt", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("work_items", recreate="always") as batch:
        batch.drop_column("rebuilt")
