"""components gain where they come from, baselines a risk, dependencies a version constraint

Revision ID: 0012
Revises: 0011
Create Date: 2027-03-01 09:00:00

A component is built here, bought from a vendor or taken from an open-source project (with a
supplier, a licence and a support end); a version in a release's baseline gets the risk of
taking it and notes. A dependency's lowest version becomes a constraint text: "2.3" reads
">= 2.3", the meaning it had. The trail records what the upgrade wrote as an update per
component (its origin, supplier and licence), per baseline row (its notes) and per dependency
(its constraint), as Gantry records an edit under the user who opened the plan, so
`gantry audit verify` passes on the upgraded plan.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from app import audit

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASON = (
    "Upgrade to schema 0012: components get an origin, baseline rows notes, and a dependency's "
    "lowest version becomes a version constraint"
)
# entity, id, before, after: one update on the trail
Event = tuple[str, int, dict[str, Any], dict[str, Any]]


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
    events: list[Event] = [
        (
            "components",
            component_id,
            {"id": component_id, "origin": None, "supplier": None, "licence": None},
            {"id": component_id, "origin": "built_here", "supplier": "", "licence": ""},
        )
        for (component_id,) in bind.execute(sa.text("SELECT id FROM components ORDER BY id"))
    ]
    events.extend(
        ("component_versions", version_id, {"id": version_id, "notes": None}, {"id": version_id, "notes": ""})
        for (version_id,) in bind.execute(sa.text("SELECT id FROM component_versions ORDER BY id"))
    )
    for dependency_id, minimum in bind.execute(
        sa.text("SELECT id, version_constraint FROM component_dependencies ORDER BY id")
    ).all():
        constraint = f">= {minimum.strip()}" if minimum.strip() else ""
        bind.execute(
            sa.text("UPDATE component_dependencies SET version_constraint = :c WHERE id = :id"),
            {"c": constraint, "id": dependency_id},
        )
        events.append(
            (
                "component_dependencies",
                dependency_id,
                {"id": dependency_id, "min_version": minimum, "version_constraint": None},
                {"id": dependency_id, "min_version": None, "version_constraint": constraint},
            )
        )
    _audit(bind, events)


def _audit(bind: sa.Connection, events: list[Event]) -> None:
    """Append an update per event to the hash chain, as app.audit writes them."""
    if not events:
        return
    head = (
        bind.execute(
            sa.text("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")
        ).scalar_one_or_none()
        or audit.GENESIS
    )
    actor = op.get_context().config.attributes.get("actor") or audit.default_actor()
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    for entity, entity_id, before, after in events:
        before_s, after_s = audit.dump(before), audit.dump(after)
        digest = audit.event_hash(
            head, at, actor, "update", entity, entity_id, before_s, after_s, REASON
        )
        bind.execute(
            sa.text(
                "INSERT INTO audit_events (at, actor, action, entity, entity_id, subject_id, "
                "before, after, reason, prev_hash, hash) VALUES (:at, :actor, 'update', "
                ":entity, :entity_id, NULL, :before, :after, :reason, :prev_hash, :hash)"
            ),
            {
                "at": at,
                "actor": actor,
                "entity": entity,
                "entity_id": entity_id,
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
