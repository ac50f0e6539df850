"""components gain where they come from, baselines a risk, dependencies a version constraint

Revision ID: 0012
Revises: 0011
Create Date: 2027-03-01 09:00:00

A component is built here, bought from a vendor or taken from an open-source project (with a
supplier, a licence and a support end); a version in a release's baseline gets the risk of
taking it and notes. A dependency's lowest version becomes a constraint text: "2.3" reads
">= 2.3", the meaning it had. The trail records that rewrite as an update per dependency (as
Gantry records an edit, under the user who opened the plan), so `gantry audit verify` passes
on the upgraded plan.
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app import audit

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASON = "Upgrade to schema 0012: a dependency's lowest version becomes a version constraint"


def upgrade() -> None:
    with op.batch_alter_table("components", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(length=20), nullable=False, server_default="built_here")
        )
        batch_op.add_column(
            sa.Column("supplier", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("licence", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("support_end", sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            "origin", "origin IN ('built_here', 'vendor', 'open_source')"
        )
    with op.batch_alter_table("component_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("risk", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=False, server_default=""))
        batch_op.create_check_constraint("risk", "risk IN ('low', 'medium', 'high', 'critical')")
    with op.batch_alter_table("component_dependencies", schema=None) as batch_op:
        batch_op.alter_column(
            "min_version",
            new_column_name="version_constraint",
            existing_type=sa.String(length=40),
            type_=sa.String(length=80),
            existing_nullable=False,
        )

    bind = op.get_bind()
    rewritten = [
        (dependency_id, minimum, f">= {minimum.strip()}")
        for dependency_id, minimum in bind.execute(
            sa.text(
                "SELECT id, version_constraint FROM component_dependencies "
                "WHERE TRIM(version_constraint) != '' ORDER BY id"
            )
        )
    ]
    for dependency_id, _minimum, constraint in rewritten:
        bind.execute(
            sa.text("UPDATE component_dependencies SET version_constraint = :c WHERE id = :id"),
            {"c": constraint, "id": dependency_id},
        )
    _audit(bind, rewritten)


def _audit(bind: sa.Connection, rewritten: list[tuple[int, str, str]]) -> None:
    """Append an update per rewritten dependency to the hash chain, as app.audit does."""
    if not rewritten:
        return
    head = (
        bind.execute(
            sa.text("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")
        ).scalar_one_or_none()
        or audit.GENESIS
    )
    actor = op.get_context().config.attributes.get("actor") or audit.default_actor()
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    for dependency_id, minimum, constraint in rewritten:
        before_s = audit.dump({"id": dependency_id, "version_constraint": minimum})
        after_s = audit.dump({"id": dependency_id, "version_constraint": constraint})
        digest = audit.event_hash(
            head,
            at,
            actor,
            "update",
            "component_dependencies",
            dependency_id,
            before_s,
            after_s,
            REASON,
        )
        bind.execute(
            sa.text(
                "INSERT INTO audit_events (at, actor, action, entity, entity_id, subject_id, "
                "before, after, reason, prev_hash, hash) VALUES (:at, :actor, 'update', "
                "'component_dependencies', :entity_id, NULL, :before, :after, :reason, "
                ":prev_hash, :hash)"
            ),
            {
                "at": at,
                "actor": actor,
                "entity_id": dependency_id,
                "before": before_s,
                "after": after_s,
                "reason": REASON,
                "prev_hash": head,
                "hash": digest,
            },
        )
        head = digest


def downgrade() -> None:
    # Only a ">= v" constraint has a lowest version to give back; any other is dropped.
    bind = op.get_bind()
    for dependency_id, constraint in bind.execute(
        sa.text("SELECT id, version_constraint FROM component_dependencies")
    ):
        text = constraint.strip()
        minimum = text[2:].strip() if text.startswith(">=") and "," not in text else ""
        bind.execute(
            sa.text("UPDATE component_dependencies SET version_constraint = :m WHERE id = :id"),
            {"m": minimum, "id": dependency_id},
        )
    with op.batch_alter_table("component_dependencies", schema=None) as batch_op:
        batch_op.alter_column(
            "version_constraint",
            new_column_name="min_version",
            existing_type=sa.String(length=80),
            type_=sa.String(length=40),
            existing_nullable=False,
        )
    with op.batch_alter_table("component_versions", schema=None) as batch_op:
        batch_op.drop_constraint("risk", type_="check")
        batch_op.drop_column("notes")
        batch_op.drop_column("risk")
    with op.batch_alter_table("components", schema=None) as batch_op:
        batch_op.drop_constraint("origin", type_="check")
        batch_op.drop_column("support_end")
        batch_op.drop_column("licence")
        batch_op.drop_column("supplier")
        batch_op.drop_column("origin")
