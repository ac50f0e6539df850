"""release notes gain an audience, work items a notes mark, and releases a communication plan

Revision ID: 0011
Revises: 0010
Create Date: 2027-02-10 09:00:00

Every note written before this revision was meant for customers, so each becomes "external";
the trail records that as an update per note (as Gantry records an edit, under the user who
opened the plan), so `gantry audit verify` passes on the upgraded plan. A work item's notes
mark starts empty (NULL, which the trail already reads as "not set").
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app import audit

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASON = "Upgrade to schema 0011: release notes get an audience; releases a communication plan"
CATEGORIES = "('feature', 'improvement', 'fix', 'security', 'breaking', 'known_issue')"


def upgrade() -> None:
    with op.batch_alter_table("release_notes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("audience", sa.String(length=10), nullable=False, server_default="external")
        )
        batch_op.create_check_constraint("audience", "audience IN ('external', 'internal')")
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes_category", sa.String(length=20), nullable=True))
        batch_op.create_check_constraint("notes_category", f"notes_category IN {CATEGORIES}")

    op.create_table(
        "communications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("template", sa.Text(), nullable=False),
        sa.Column("anchor", sa.String(length=20), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("day_basis", sa.String(length=10), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "audience IN ('internal', 'customers', 'support', 'operations')",
            name=op.f("ck_communications_audience"),
        ),
        sa.CheckConstraint(
            "channel IN ('email', 'status_page', 'chat', 'meeting', 'newsletter', 'in_app')",
            name=op.f("ck_communications_channel"),
        ),
        sa.CheckConstraint(
            "anchor IN ('start', 'feature_freeze', 'code_freeze', 'target', 'milestone')",
            name=op.f("ck_communications_anchor"),
        ),
        sa.CheckConstraint(
            "day_basis IN ('working', 'calendar')", name=op.f("ck_communications_day_basis")
        ),
        sa.CheckConstraint(
            "anchor != 'milestone' OR milestone_id IS NOT NULL",
            name=op.f("ck_communications_milestone_named"),
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["work_items.id"],
            name=op.f("fk_communications_milestone_id_work_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_communications_release_id_releases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communications")),
    )
    with op.batch_alter_table("communications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_communications_milestone_id"), ["milestone_id"])
        batch_op.create_index(batch_op.f("ix_communications_release_id"), ["release_id"])

    bind = op.get_bind()
    note_ids = [r[0] for r in bind.execute(sa.text("SELECT id FROM release_notes ORDER BY id"))]
    _audit(bind, note_ids)


def _audit(bind: sa.Connection, note_ids: list[int]) -> None:
    """Append an update per note (its new audience) to the hash chain, as app.audit does."""
    if not note_ids:
        return
    head = (
        bind.execute(
            sa.text("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")
        ).scalar_one_or_none()
        or audit.GENESIS
    )
    actor = op.get_context().config.attributes.get("actor") or audit.default_actor()
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    for note_id in note_ids:
        before_s = audit.dump({"id": note_id, "audience": None})
        after_s = audit.dump({"id": note_id, "audience": "external"})
        digest = audit.event_hash(
            head, at, actor, "update", "release_notes", note_id, before_s, after_s, REASON
        )
        bind.execute(
            sa.text(
                "INSERT INTO audit_events (at, actor, action, entity, entity_id, subject_id, "
                "before, after, reason, prev_hash, hash) VALUES (:at, :actor, 'update', "
                "'release_notes', :entity_id, NULL, :before, :after, :reason, :prev_hash, :hash)"
            ),
            {
                "at": at,
                "actor": actor,
                "entity_id": note_id,
                "before": before_s,
                "after": after_s,
                "reason": REASON,
                "prev_hash": head,
                "hash": digest,
            },
        )
        head = digest


def downgrade() -> None:
    with op.batch_alter_table("communications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_communications_release_id"))
        batch_op.drop_index(batch_op.f("ix_communications_milestone_id"))
    op.drop_table("communications")
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_constraint("notes_category", type_="check")
        batch_op.drop_column("notes_category")
    with op.batch_alter_table("release_notes", schema=None) as batch_op:
        batch_op.drop_constraint("audience", type_="check")
        batch_op.drop_column("audience")
