"""document signatures: who signed which revision of a release's runbook or record

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:30:00

A new table only. No existing row changes, so the upgrade records no audit events (the
trail records data an upgrade changes, as 0004 to 0006 do); every signature recorded from
here on gets its create event through the unit of work.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("document_kind", sa.String(length=20), nullable=False),
        sa.Column("document_id", sa.String(length=120), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("signer", sa.String(length=200), nullable=False),
        sa.Column("meaning", sa.String(length=20), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("certificate_fingerprint", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "document_kind IN ('runbook', 'record')",
            name=op.f("ck_document_signatures_document_kind"),
        ),
        sa.CheckConstraint(
            "meaning IN ('authored', 'reviewed', 'approved')",
            name=op.f("ck_document_signatures_meaning"),
        ),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_document_signatures_revision_positive")),
        sa.CheckConstraint(
            "length(sha256) = 64", name=op.f("ck_document_signatures_sha256_length")
        ),
        sa.CheckConstraint(
            "length(certificate_fingerprint) = 64",
            name=op.f("ck_document_signatures_fingerprint_length"),
        ),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_document_signatures_release_id_releases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_signatures")),
        sa.UniqueConstraint("sha256", name=op.f("uq_document_signatures_sha256")),
    )
    with op.batch_alter_table("document_signatures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_signatures_release_id"), ["release_id"])


def downgrade() -> None:
    with op.batch_alter_table("document_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_signatures_release_id"))
    op.drop_table("document_signatures")
