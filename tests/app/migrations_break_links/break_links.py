"""Test-only revision: a faulty rebuild of work_items that loses rows other tables refer to."""

import sqlalchemy as sa
from alembic import op

from app import schema

revision = "t_break_links"
# On top of the product's newest revision, whichever that is when the test runs.
down_revision = schema.head_revision()
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_items", recreate="always") as batch:
        batch.add_column(sa.Column("rebuilt", sa.Integer(), nullable=True))
    # The mistake: milestones are dropped, but dependencies still name them.
    op.execute("DELETE FROM work_items WHERE kind = 'milestone'")


def downgrade() -> None:
    with op.batch_alter_table("work_items", recreate="always") as batch:
        batch.drop_column("rebuilt")
