"""environment owners; deployment actuals, incident reference and time to restore

Revision ID: 0010
Revises: 0009

Environments gain an owner. Deployments gain the actual start and end (the planned window
stays in window_start and window_end), an incident reference and the incident's time to
restore in minutes.

Two rules hold from here on, and the upgrade makes the stored rows follow them:
- duration_minutes is the actual span: a deployment that has a duration gets the actuals it
  implies, starting at its planned window's start (earlier Gantry kept no start time);
- the rolled_back flag is the outcome "rolled back": a failed deployment whose rollback ran
  becomes "rolled_back", and an outcome "rolled_back" gets the flag.

The trail records what the upgrade wrote as Gantry records an edit, under the user who opened
the plan: an update per environment (its owner) and per deployment (the new columns and any
value mapped), so `gantry audit verify` passes on the upgraded plan.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from app import audit

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASON = (
    "Upgrade to schema 0010: environments get an owner; deployments get their actual start "
    "and end, an incident reference and a time to restore"
)

DEPLOYMENTS = sa.table(
    "deployments",
    sa.column("id", sa.Integer),
    sa.column("window_start", sa.DateTime),
    sa.column("outcome", sa.String),
    sa.column("duration_minutes", sa.Integer),
    sa.column("rolled_back", sa.Boolean),
    sa.column("actual_start", sa.DateTime),
    sa.column("actual_end", sa.DateTime),
)

Event = tuple[str, str, int, dict[str, Any] | None, dict[str, Any]]


def upgrade() -> None:
    with op.batch_alter_table("environments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("owner", sa.String(length=120), nullable=False, server_default="")
        )
    with op.batch_alter_table("deployments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actual_start", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("actual_end", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("incident_ref", sa.String(length=80), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("restore_minutes", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "actual_order",
            "actual_end IS NULL OR actual_start IS NULL OR actual_end >= actual_start",
        )
        batch_op.create_check_constraint(
            "restore", "restore_minutes IS NULL OR restore_minutes >= 0"
        )

    bind = op.get_bind()
    events: list[Event] = [
        (
            "update",
            "environments",
            env_id,
            {"id": env_id, "owner": None},
            {"id": env_id, "owner": ""},
        )
        for (env_id,) in bind.execute(sa.text("SELECT id FROM environments ORDER BY id"))
    ]
    events.extend(_follow_the_rules(bind))
    _audit(bind, events)


def _follow_the_rules(bind: sa.Connection) -> list[Event]:
    events: list[Event] = []
    rows = bind.execute(sa.select(DEPLOYMENTS).order_by(DEPLOYMENTS.c.id)).all()
    for row in rows:
        before: dict[str, Any] = {
            "id": row.id,
            "actual_start": None,
            "actual_end": None,
            "incident_ref": None,
            "restore_minutes": None,
        }
        after: dict[str, Any] = {
            "id": row.id,
            "actual_start": None,
            "actual_end": None,
            "incident_ref": "",
            "restore_minutes": None,
        }
        changes: dict[str, Any] = {}
        if row.duration_minutes is not None:
            start = row.window_start
            changes["actual_start"] = start
            changes["actual_end"] = start + dt.timedelta(minutes=row.duration_minutes)
            after["actual_start"], after["actual_end"] = (
                changes["actual_start"],
                changes["actual_end"],
            )
        outcome = "rolled_back" if row.outcome == "failed" and row.rolled_back else row.outcome
        if outcome != row.outcome:
            changes["outcome"] = outcome
            before["outcome"], after["outcome"] = row.outcome, outcome
        if bool(row.rolled_back) != (outcome == "rolled_back"):
            changes["rolled_back"] = outcome == "rolled_back"
            before["rolled_back"], after["rolled_back"] = (
                bool(row.rolled_back),
                outcome == "rolled_back",
            )
        if changes:
            bind.execute(sa.update(DEPLOYMENTS).where(DEPLOYMENTS.c.id == row.id).values(**changes))
        events.append(("update", "deployments", row.id, before, after))
    return events


def _audit(bind: sa.Connection, events: list[Event]) -> None:
    """Append the events to the hash chain, as app.audit writes them."""
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
    for action, entity, entity_id, before, after in events:
        before_s, after_s = audit.dump(before), audit.dump(after)
        digest = audit.event_hash(
            head, at, actor, action, entity, entity_id, before_s, after_s, REASON
        )
        bind.execute(
            sa.text(
                "INSERT INTO audit_events (at, actor, action, entity, entity_id, subject_id, "
                "before, after, reason, prev_hash, hash) VALUES (:at, :actor, :action, "
                ":entity, :entity_id, NULL, :before, :after, :reason, :prev_hash, :hash)"
            ),
            {
                "at": at,
                "actor": actor,
                "action": action,
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
    # Schema 0006 keeps a failed deployment's rollback in the flag alone; the flag stays set.
    with op.batch_alter_table("deployments", schema=None) as batch_op:
        batch_op.drop_constraint("restore", type_="check")
        batch_op.drop_constraint("actual_order", type_="check")
        batch_op.drop_column("restore_minutes")
        batch_op.drop_column("incident_ref")
        batch_op.drop_column("actual_end")
        batch_op.drop_column("actual_start")
    with op.batch_alter_table("environments", schema=None) as batch_op:
        batch_op.drop_column("owner")
